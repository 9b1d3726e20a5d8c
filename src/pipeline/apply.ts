// Applying by hand what bounced recorded and did not apply (`bounced apply`): an operator
// who has looked at a fact (a bounce linked only by a guess, a report naming many
// addresses) decides it counts. The history names the operator and their note.
import type { Pool } from 'pg';
import type { Effect } from '../standing/policy.ts';
import { withTransaction } from '../store/database.ts';
import { lockUnapplied, markAppliedByHand } from '../store/events.ts';
import { applyFacts, type EventsOptions, type Operator } from './facts.ts';

export interface AppliedFact {
  eventId: string;
  rawMessageId: string;
  recipient: string;
  kind: string;
  reason: string;
  /** Why bounced had not applied it. */
  was: string;
  effect: Effect | 'would-apply';
}

export interface ApplySelection {
  eventIds: string[];
  rawMessageIds: string[];
}

export function applyUnapplied(
  pool: Pool,
  selection: ApplySelection,
  opts: { operator: Operator; dryRun: boolean; events: Pick<EventsOptions, 'policy' | 'breaker' | 'switchboard'> },
): Promise<AppliedFact[]> {
  return withTransaction(
    pool,
    async (tx) => {
      const unapplied = await lockUnapplied(tx, selection.eventIds, selection.rawMessageIds);
      const base = (e: (typeof unapplied)[number]) => ({
        eventId: e.id,
        rawMessageId: e.rawMessageId,
        recipient: e.recipient,
        kind: e.kind,
        reason: e.reason,
        was: e.unapplied,
      });
      if (opts.dryRun) return unapplied.map((e): AppliedFact => ({ ...base(e), effect: 'would-apply' }));
      const applied: AppliedFact[] = [];
      // One at a time, each with the operator's note naming what it was.
      for (const e of unapplied) {
        const operator = {
          actor: opts.operator.actor,
          note: opts.operator.note ?? `applied by hand (was: ${e.unapplied})`,
        };
        const [effect] = await applyFacts(
          tx,
          [{ address: e.recipient, fact: e, kind: e.kind, message: { id: e.rawMessageId, receivedAt: e.occurredAt } }],
          opts.events,
          operator,
        );
        await markAppliedByHand(tx, e, opts.operator.actor, effect!);
        applied.push({ ...base(e), effect: effect! });
      }
      return applied;
    },
    { rollback: opts.dryRun },
  );
}
