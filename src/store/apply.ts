// Applying by hand what bounced recorded and did not apply (`bounced apply`): an operator
// who has looked at a fact (a bounce linked only by a guess, a report naming many
// addresses) decides it counts. The history names the operator and their note.
import type { Pool } from 'pg';
import type { BounceType, Reason } from '../classify/reasons.ts';
import type { RecipientFact } from '../parse/report.ts';
import type { Effect } from '../standing/policy.ts';
import { applyStanding, type EventsOptions } from './events.ts';

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

interface UnappliedRow {
  id: string;
  occurred_at: Date;
  raw_message_id: string;
  recipient: string;
  kind: string;
  action: RecipientFact['action'];
  reason: Reason;
  type: BounceType;
  unapplied: string;
}

export async function applyUnapplied(
  pool: Pool,
  selection: ApplySelection,
  opts: { actor: string; note: string | null; dryRun: boolean; events: Pick<EventsOptions, 'policy' | 'breaker'> },
): Promise<AppliedFact[]> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<UnappliedRow>(
      `select id, occurred_at, raw_message_id, recipient, kind, action, reason, type, unapplied
         from bounce_events
        where unapplied is not null and applied_by is null
          and (id = any($1::bigint[]) or raw_message_id = any($2::bigint[]))
        order by recipient, occurred_at
          for update`,
      [selection.eventIds, selection.rawMessageIds],
    );
    const applied: AppliedFact[] = [];
    for (const row of rows) {
      const base = { eventId: String(row.id), rawMessageId: String(row.raw_message_id), recipient: row.recipient, kind: row.kind, reason: row.reason, was: row.unapplied };
      if (opts.dryRun) {
        applied.push({ ...base, effect: 'would-apply' });
        continue;
      }
      const effect = await applyStanding(
        client,
        row.recipient,
        { action: row.action, type: row.type, reason: row.reason },
        row.kind,
        { id: String(row.raw_message_id), receivedAt: row.occurred_at },
        opts.events,
        { actor: opts.actor, note: opts.note ?? `applied by hand (was: ${row.unapplied})` },
      );
      await client.query(`update bounce_events set applied_by = $3, standing_effect = $4 where id = $1 and occurred_at = $2`, [
        row.id, row.occurred_at, opts.actor, effect,
      ]);
      applied.push({ ...base, effect });
    }
    await client.query(opts.dryRun ? 'rollback' : 'commit');
    return applied;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
