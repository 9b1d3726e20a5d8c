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

// The columns of an event, in the order of EventRow's values below.
const EVENT_COLUMNS = `occurred_at, raw_message_id, recipient, recipient_domain, kind, action, reason, type, rule,
  status, reply_code, diagnostic, remote_mta, feedback_type, sent_message_id, send_id, campaign, correlation,
  evidence, unapplied, named_recipient`;
const EVENT_TYPES = ['timestamptz', 'bigint', ...Array<string>(19).fill('text')];

function eventValues(e: EventRow): unknown[] {
  return [
    e.occurredAt,
    e.rawMessageId,
    e.recipient,
    e.recipientDomain,
    e.kind,
    e.action,
    e.reason,
    e.type,
    e.rule,
    e.status,
    e.replyCode,
    e.diagnostic?.slice(0, 2000) ?? null,
    e.remoteMta,
    e.feedbackType,
    e.sentMessageId,
    e.sendId,
    e.campaign,
    e.correlation,
    e.evidence,
    e.unapplied,
    e.namedRecipient,
  ];
}

async function insertEvent(tx: PoolClient, e: EventRow): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `insert into bounce_events (${EVENT_COLUMNS})
     values (${EVENT_TYPES.map((_, i) => `$${i + 1}`).join(', ')})
     on conflict (raw_message_id, recipient, occurred_at) do nothing
     returning id`,
    eventValues(e),
  );
  return rows[0] ? String(rows[0].id) : null;
}

/** Rows a statement inserts at most: a notice naming 90,000 addresses is written in chunks. */
const INSERT_CHUNK = 2000;

/**
 * Inserts events (of one message or of a batch), several rows a statement; for each row, in
 * order, the new event's id, or null when the fact was recorded already (by an earlier
 * decoding, or an earlier row of the same message naming the same address).
 */
export async function insertEvents(tx: PoolClient, events: EventRow[]): Promise<Array<string | null>> {
  // Most reports name one address: a plain VALUES row plans faster than 21 arrays.
  if (events.length === 1) return [await insertEvent(tx, events[0]!)];
  const key = (rawMessageId: string, recipient: string) => `${rawMessageId} ${recipient}`;
  const ids: Array<string | null> = [];
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const chunk = events.slice(start, start + INSERT_CHUNK);
    // One array a column: the values of every row, column by column.
    const rowsValues = chunk.map(eventValues);
    const { rows } = await tx.query<{ id: string; raw_message_id: string; recipient: string }>(
      `insert into bounce_events (${EVENT_COLUMNS})
       select * from unnest(${EVENT_TYPES.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})
       on conflict (raw_message_id, recipient, occurred_at) do nothing
       returning id, raw_message_id, recipient`,
      EVENT_TYPES.map((_, i) => rowsValues.map((v) => v[i])),
    );
    const inserted = new Map(rows.map((r) => [key(String(r.raw_message_id), r.recipient), String(r.id)]));
    for (const e of chunk) {
      const k = key(e.rawMessageId, e.recipient);
      ids.push(inserted.get(k) ?? null);
      inserted.delete(k); // a second row naming the same address was not inserted
    }
  }
  return ids;
}

export interface StandingEffect {
  eventId: string;
  occurredAt: Date;
  effect: Effect;
}

export async function setStandingEffects(tx: PoolClient, effects: StandingEffect[]): Promise<void> {
  if (effects.length === 0) return;
  await tx.query(
    `update bounce_events e set standing_effect = u.effect
       from unnest($1::bigint[], $2::timestamptz[], $3::text[]) as u(id, occurred_at, effect)
      where e.id = u.id and e.occurred_at = u.occurred_at`,
    [effects.map((e) => e.eventId), effects.map((e) => e.occurredAt), effects.map((e) => e.effect)],
  );
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
export async function lockUnapplied(
  tx: PoolClient,
  eventIds: string[],
  rawMessageIds: string[],
): Promise<UnappliedEvent[]> {
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
    id: String(r.id),
    occurredAt: r.occurred_at,
    rawMessageId: String(r.raw_message_id),
    recipient: r.recipient,
    kind: r.kind,
    action: r.action,
    reason: r.reason,
    type: r.type,
    unapplied: r.unapplied,
  }));
}

export async function markAppliedByHand(
  tx: PoolClient,
  e: UnappliedEvent,
  actor: string,
  effect: Effect,
): Promise<void> {
  await tx.query('update bounce_events set applied_by = $3, standing_effect = $4 where id = $1 and occurred_at = $2', [
    e.id,
    e.occurredAt,
    actor,
    effect,
  ]);
}
