// Applying by hand what bounced recorded and did not apply (`bounced apply`): an operator
// who has looked at a fact (a bounce linked only by a guess, a report naming many
// addresses) decides it counts. The history names the operator and their note.
import type { Pool } from 'pg';
import type { Effect } from '../standing/policy.ts';
import { withTransaction } from '../store/database.ts';
import { lockUnapplied, markAppliedByHand } from '../store/events.ts';
import { applyFact, type EventsOptions, type Operator } from './facts.ts';

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
      const applied: AppliedFact[] = [];
      for (const e of await lockUnapplied(tx, selection.eventIds, selection.rawMessageIds)) {
        const base = { eventId: e.id, rawMessageId: e.rawMessageId, recipient: e.recipient, kind: e.kind, reason: e.reason, was: e.unapplied };
        if (opts.dryRun) {
          applied.push({ ...base, effect: 'would-apply' });
          continue;
        }
        const operator = { actor: opts.operator.actor, note: opts.operator.note ?? `applied by hand (was: ${e.unapplied})` };
        const effect = await applyFact(tx, e.recipient, e, e.kind, { id: e.rawMessageId, receivedAt: e.occurredAt }, opts.events, operator);
        await markAppliedByHand(tx, e, opts.operator.actor, effect);
        applied.push({ ...base, effect });
      }
      return applied;
    },
    { rollback: opts.dryRun },
  );
}
