// raw_messages as the later stages read and write them: a stored message taken again for
// reprocessing, and the report written next to it.
import type { PoolClient } from 'pg';
import type { Report } from '../parse/report.ts';

export interface StoredRow {
  id: string;
  receivedAt: Date;
  rcptTo: string[];
  raw: Buffer;
  /** The report written when it was decoded last. */
  report: Report | null;
}

/** Decoded and failed (or only failed) messages received since `since`, after id `after`, locked, in id order. */
export async function lockDecodedSince(
  tx: PoolClient,
  after: string,
  since: Date,
  limit: number,
  onlyFailed: boolean,
): Promise<StoredRow[]> {
  const { rows } = await tx.query(
    `select id, received_at, rcpt_to, raw, report from raw_messages
      where id > $1 and received_at >= $2 and decode_state <> 'pending' and ($4 = false or decode_state = 'failed')
        and raw is not null
      order by id limit $3 for update skip locked`,
    [after, since, limit, onlyFailed],
  );
  return rows.map((r) => ({
    id: String(r.id),
    receivedAt: r.received_at,
    rcptTo: r.rcpt_to,
    raw: r.raw,
    report: r.report,
  }));
}

/** The message's new report; it is decoded now. */
export async function writeReport(tx: PoolClient, id: string, report: Report): Promise<void> {
  await tx.query(
    `update raw_messages
        set report = $2, report_kind = $3, decode_state = 'decoded', decode_error = null, decoded_at = clock_timestamp()
      where id = $1`,
    [id, JSON.stringify(report), report.kind],
  );
}

/** A fact already recorded, classified again. */
/** The facts of a message that named nobody (recorded under its send's recipient), reclassified. */
export async function reclassifyUnnamedEvents(
  tx: PoolClient,
  rawMessageId: string,
  kind: string,
  r: NonNullable<Report['unnamed']>,
): Promise<void> {
  await tx.query(
    `update bounce_events set reason = $2, type = $3, rule = $4, status = $5, reply_code = $6, kind = $7
      where raw_message_id = $1`,
    [rawMessageId, r.reason, r.type, r.rule, r.status, r.replyCode, kind],
  );
}

export async function reclassifyEvent(
  tx: PoolClient,
  rawMessageId: string,
  kind: string,
  r: Report['recipients'][number],
): Promise<void> {
  await tx.query(
    `update bounce_events set reason = $3, type = $4, rule = $5, status = $6, reply_code = $7, kind = $8
      where raw_message_id = $1 and recipient = $2`,
    [rawMessageId, r.address.toLowerCase(), r.reason, r.type, r.rule, r.status, r.replyCode, kind],
  );
}
