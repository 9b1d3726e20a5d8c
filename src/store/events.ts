// bounce_events: one row per recipient fact, written in the transaction that marks its raw
// message decoded. The unique key (raw message, recipient) makes a second decoding of the
// same message (a retry, another instance, reprocess) write nothing.
import type { PoolClient } from 'pg';
import type { BounceType, Reason } from '../classify/reasons.ts';
import type { Action } from '../parse/report.ts';
import type { Effect } from '../standing/policy.ts';

export interface EventRow {
  occurredAt: Date;
  rawMessageId: string;
  recipient: string;
  recipientDomain: string;
  kind: string;
  action: Action;
  reason: Reason;
  type: BounceType;
  rule: string;
  status: string | null;
  replyCode: string | null;
  diagnostic: string | null;
  remoteMta: string | null;
  feedbackType: string | null;
  sentMessageId: string | null;
  sendId: string | null;
  campaign: string | null;
  correlation: string;
  evidence: string;
  unapplied: string | null;
  namedRecipient: string | null;
}

async function insertEvent(tx: PoolClient, e: EventRow): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `insert into bounce_events (occurred_at, raw_message_id, recipient, recipient_domain, kind, action, reason, type, rule,
                                status, reply_code, diagnostic, remote_mta, feedback_type, sent_message_id, send_id, campaign, correlation,
                                evidence, unapplied, named_recipient)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
     on conflict (raw_message_id, recipient, occurred_at) do nothing
     returning id`,
    [
      e.occurredAt, e.rawMessageId, e.recipient, e.recipientDomain, e.kind, e.action, e.reason, e.type, e.rule,
      e.status, e.replyCode, e.diagnostic?.slice(0, 2000) ?? null, e.remoteMta, e.feedbackType,
      e.sentMessageId, e.sendId, e.campaign, e.correlation, e.evidence, e.unapplied, e.namedRecipient,
    ],
  );
  return rows[0] ? String(rows[0].id) : null;
}

/** Rows a statement inserts at most: a notice naming 90,000 addresses is written in chunks. */
const INSERT_CHUNK = 2000;

/**
 * Inserts a message's events, several rows a statement; for each row, in order, the new
 * event's id, or null when the fact was recorded already (by an earlier decoding, or an
 * earlier row of the same message naming the same address).
 */
export async function insertEvents(tx: PoolClient, events: EventRow[]): Promise<Array<string | null>> {
  // Most reports name one address: a plain VALUES row plans faster than 21 arrays.
  if (events.length === 1) return [await insertEvent(tx, events[0]!)];
  const ids: Array<string | null> = [];
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const chunk = events.slice(start, start + INSERT_CHUNK);
    const column = <K extends keyof EventRow>(k: K) => chunk.map((e) => e[k]);
    const { rows } = await tx.query<{ id: string; recipient: string }>(
      `insert into bounce_events (occurred_at, raw_message_id, recipient, recipient_domain, kind, action, reason, type, rule,
                                  status, reply_code, diagnostic, remote_mta, feedback_type, sent_message_id, send_id, campaign, correlation,
                                  evidence, unapplied, named_recipient)
       select * from unnest($1::timestamptz[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                            $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
                            $19::text[], $20::text[], $21::text[])
       on conflict (raw_message_id, recipient, occurred_at) do nothing
       returning id, recipient`,
      [
        column('occurredAt'), column('rawMessageId'), column('recipient'), column('recipientDomain'), column('kind'), column('action'),
        column('reason'), column('type'), column('rule'), column('status'), column('replyCode'),
        chunk.map((e) => e.diagnostic?.slice(0, 2000) ?? null), column('remoteMta'), column('feedbackType'), column('sentMessageId'),
        column('sendId'), column('campaign'), column('correlation'), column('evidence'), column('unapplied'), column('namedRecipient'),
      ],
    );
    const inserted = new Map(rows.map((r) => [r.recipient, String(r.id)]));
    for (const e of chunk) {
      ids.push(inserted.get(e.recipient) ?? null);
      inserted.delete(e.recipient); // a second row naming the same address was not inserted
    }
  }
  return ids;
}

export async function setStandingEffect(tx: PoolClient, eventId: string, occurredAt: Date, effect: Effect): Promise<void> {
  await tx.query('update bounce_events set standing_effect = $1 where id = $2 and occurred_at = $3', [effect, eventId, occurredAt]);
}

/** A fact recorded and not applied, as `bounced apply` reads it. */
export interface UnappliedEvent {
  id: string;
  occurredAt: Date;
  rawMessageId: string;
  recipient: string;
  kind: string;
  action: Action;
  reason: Reason;
  type: BounceType;
  unapplied: string;
}

/** The unapplied facts among these events and messages, locked, in address order. */
export async function lockUnapplied(tx: PoolClient, eventIds: string[], rawMessageIds: string[]): Promise<UnappliedEvent[]> {
  const { rows } = await tx.query(
    `select id, occurred_at, raw_message_id, recipient, kind, action, reason, type, unapplied
       from bounce_events
      where unapplied is not null and applied_by is null
        and (id = any($1::bigint[]) or raw_message_id = any($2::bigint[]))
      order by recipient, occurred_at
        for update`,
    [eventIds, rawMessageIds],
  );
  return rows.map((r) => ({
    id: String(r.id), occurredAt: r.occurred_at, rawMessageId: String(r.raw_message_id), recipient: r.recipient,
    kind: r.kind, action: r.action, reason: r.reason, type: r.type, unapplied: r.unapplied,
  }));
}

export async function markAppliedByHand(tx: PoolClient, e: UnappliedEvent, actor: string, effect: Effect): Promise<void> {
  await tx.query('update bounce_events set applied_by = $3, standing_effect = $4 where id = $1 and occurred_at = $2', [e.id, e.occurredAt, actor, effect]);
}
