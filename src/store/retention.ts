// Growth has a ceiling. Months of standing history are dropped whole (as bounce_events'
// are, by BOUNCE_EVENTS_RETENTION_MONTHS). The other kinds are removed in bounded batches,
// each its own short statement, so that a first run over years of rows never holds locks or
// a transaction for long: raw_messages and sent_messages cannot be partitioned by time,
// because a key unique across all time (a message's dedupe key, a send's Message-ID and
// send id) is what makes a retried delivery or registration write nothing, and Postgres
// enforces uniqueness across partitions only for keys that contain the partition's time.
// Raw bodies go first (the bytes are most of the weight; the row, its envelope and its
// report stay); then whole rows. Nothing still to be decoded (pending) or waiting for an
// operator (failed bodies) is touched. 0 days keeps everything of a kind.
import type { Pool } from 'pg';
import { dropPartitionsEndedBy } from './partitions.ts';

export interface RetentionPolicy {
  /** Bytes of decoded messages older than this are dropped; the row stays. */
  rawBodyDays: number;
  /** Decoded or failed messages older than this are deleted. */
  rawMessageDays: number;
  /** Registered sends (and which of their outcomes were counted) older than this are deleted. */
  sentMessageDays: number;
  /**
   * Standing changes older than this are deleted: whole months, once a month has ended this
   * long ago. The suppression list's why stays on each standing.
   */
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
    sql: `delete from sent_messages where message_id in
            (select message_id from sent_messages where sent_at < $1 order by sent_at limit $2)`,
  },
  {
    kind: 'send_outcomes',
    days: (p) => p.sentMessageDays,
    sql: `delete from send_outcomes o
           using (select sent_message_id, outcome from send_outcomes where at < $1 order by at limit $2) old
           where o.sent_message_id = old.sent_message_id and o.outcome = old.outcome`,
  },
  {
    // Months of history are dropped whole (see applyRetention); what remains past the days is
    // in the default partition, for times outside the months made ahead.
    kind: 'standing_history',
    days: (p) => p.historyDays,
    sql: `delete from address_standing_history_default
           where ctid in (select ctid from address_standing_history_default where at < $1 limit $2)`,
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
  if (policy.historyDays > 0) {
    const cutOff = new Date(now.getTime() - policy.historyDays * DAY_MS);
    const months = await dropPartitionsEndedBy(pool, 'address_standing_history', cutOff);
    if (months.length) done.standing_history_months = months.length;
  }
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
