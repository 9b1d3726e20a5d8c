// Growth has a ceiling: rows past their retention are removed in bounded batches, each
// its own short statement, so that a first run over years of rows never holds locks or a
// transaction for long. Raw bodies go first (the bytes are most of the weight; the row, its
// envelope and its report stay); then whole rows. Nothing still to be decoded (pending) or
// waiting for an operator (failed bodies) is touched. 0 days keeps everything of a kind.
import type { Pool } from 'pg';

export interface RetentionPolicy {
  /** Bytes of decoded messages older than this are dropped; the row stays. */
  rawBodyDays: number;
  /** Decoded or failed messages older than this are deleted. */
  rawMessageDays: number;
  /** Registered sends (and which of their outcomes were counted) older than this are deleted. */
  sentMessageDays: number;
  /** Standing changes older than this are deleted, except each address's latest. */
  historyDays: number;
  /** Mailbox messages removed longer ago than this are forgotten. */
  mailboxSeenDays: number;
}

const DAY_MS = 86_400_000;

/** Each kind's statement: $1 the cut-off time, $2 the batch size; it affects at most $2 rows. */
const STEPS: Array<{ kind: string; days: (p: RetentionPolicy) => number; sql: string }> = [
  {
    kind: 'raw_bodies',
    days: (p) => p.rawBodyDays,
    sql: `update raw_messages set raw = null, raw_dropped_at = clock_timestamp()
           where id in (select id from raw_messages
                         where received_at < $1 and raw is not null and decode_state = 'decoded'
                         order by received_at limit $2)`,
  },
  {
    kind: 'raw_messages',
    days: (p) => p.rawMessageDays,
    sql: `delete from raw_messages
           where id in (select id from raw_messages where received_at < $1 and decode_state <> 'pending'
                         order by received_at limit $2)`,
  },
  {
    kind: 'sent_messages',
    days: (p) => p.sentMessageDays,
    sql: `delete from sent_messages where message_id in (select message_id from sent_messages where sent_at < $1 order by sent_at limit $2)`,
  },
  {
    kind: 'send_outcomes',
    days: (p) => p.sentMessageDays,
    sql: `delete from send_outcomes o using (select sent_message_id, outcome from send_outcomes where at < $1 order by at limit $2) old
           where o.sent_message_id = old.sent_message_id and o.outcome = old.outcome`,
  },
  {
    // The latest change of each address stays: suppression_list reads why from it.
    kind: 'standing_history',
    days: (p) => p.historyDays,
    sql: `delete from address_standing_history
           where id in (select h.id from address_standing_history h
                         where h.at < $1
                           and exists (select 1 from address_standing_history n
                                        where n.address = h.address and (n.at, n.id) > (h.at, h.id))
                         order by h.at limit $2)`,
  },
  {
    kind: 'mailbox_seen',
    days: (p) => p.mailboxSeenDays,
    sql: `delete from mailbox_seen
           where ctid in (select ctid from mailbox_seen where removed_at is not null and removed_at < $1 limit $2)`,
  },
];

/** Removes what is past its retention; returns how many rows of each kind were dropped. */
export async function applyRetention(
  pool: Pool,
  now: Date,
  policy: RetentionPolicy,
  batchSize = 5000,
): Promise<Record<string, number>> {
  const done: Record<string, number> = {};
  for (const step of STEPS) {
    const days = step.days(policy);
    if (days <= 0) continue;
    const cutOff = new Date(now.getTime() - days * DAY_MS);
    let total = 0;
    for (;;) {
      const { rowCount } = await pool.query(step.sql, [cutOff, batchSize]);
      total += rowCount ?? 0;
      if ((rowCount ?? 0) < batchSize) break;
    }
    if (total) done[step.kind] = total;
  }
  return done;
}
