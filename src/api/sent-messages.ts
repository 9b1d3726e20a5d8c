// The sent-message registry, filled by the sending platform: in batches over HTTP
// (POST /v1/sent-messages), or directly with COPY into sent_messages.
import type { Pool } from 'pg';

export interface SentMessage {
  messageId: string;
  recipient: string;
  campaign?: string | null;
  sentAt?: string | null;
  sendId?: string | null;
  envelopeId?: string | null;
  metadata?: Record<string, unknown> | null;
}

export class SentMessageError extends Error {
  override name = 'SentMessageError';
}

export const MAX_BATCH = 10_000;
/** Serialized JSON of one message's metadata: room for ids and tags, not for documents. */
export const MAX_METADATA_BYTES = 16 * 1024;

// RFC 3339 date-time (what JSON producers write): "2026-12-04T10:00:00Z", with a fraction
// or an offset. Date.parse alone takes "1" (the year 2001) and other guesses.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const LATEST_AHEAD_MS = 366 * 86_400_000;

/** Postgres text and jsonb refuse U+0000: refuse it here with the field's name, not as a database error. */
function hasNul(value: unknown, depth = 0): boolean {
  if (depth > 32) return true; // deeper than any metadata needs: refused below as too deep
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  if (value && typeof value === 'object') return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
  return false;
}

/** Checks one batch; throws a SentMessageError naming the first bad item and field. */
export function validateBatch(body: unknown, now: Date = new Date()): SentMessage[] {
  if (!Array.isArray(body)) throw new SentMessageError('expected a JSON array of sent messages');
  if (body.length > MAX_BATCH) throw new SentMessageError(`at most ${MAX_BATCH} messages per batch, got ${body.length}`);
  return body.map((item, i) => {
    const where = `item ${i}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new SentMessageError(`${where}: expected an object`);
    const m = item as Record<string, unknown>;
    const text = (name: string, required: boolean, max = 998): string | null => {
      const v = m[name];
      if (v === undefined || v === null || v === '') {
        if (required) throw new SentMessageError(`${where}: "${name}" is required`);
        return null;
      }
      if (typeof v !== 'string' || v.length > max) throw new SentMessageError(`${where}: "${name}" must be a string of at most ${max} characters`);
      if (v.includes('\u0000') || /[\r\n]/.test(v)) throw new SentMessageError(`${where}: "${name}" must not contain NUL or line breaks`);
      return v;
    };
    const messageId = text('messageId', true)!.trim().replace(/^<|>$/g, '');
    if (!messageId || /\s/.test(messageId)) throw new SentMessageError(`${where}: "messageId" must be one Message-ID, without white space`);
    const recipient = text('recipient', true, 320)!.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(recipient)) throw new SentMessageError(`${where}: "recipient" is not an address`);
    const sentAt = text('sentAt', false, 40);
    if (sentAt !== null) {
      const at = Date.parse(sentAt);
      if (!RFC3339.test(sentAt) || Number.isNaN(at)) throw new SentMessageError(`${where}: "sentAt" must be an RFC 3339 date-time such as 2026-12-04T10:00:00Z, got ${JSON.stringify(sentAt)}`);
      if (at < EARLIEST || at > now.getTime() + LATEST_AHEAD_MS) throw new SentMessageError(`${where}: "sentAt" is out of range (2000 to a year from now)`);
    }
    let metadata: Record<string, unknown> | null = null;
    if (m.metadata !== undefined && m.metadata !== null) {
      if (typeof m.metadata !== 'object' || Array.isArray(m.metadata)) throw new SentMessageError(`${where}: "metadata" must be an object`);
      if (hasNul(m.metadata)) throw new SentMessageError(`${where}: "metadata" must not contain NUL characters or nest deeper than 32 levels`);
      const bytes = Buffer.byteLength(JSON.stringify(m.metadata));
      if (bytes > MAX_METADATA_BYTES) throw new SentMessageError(`${where}: "metadata" is ${bytes} bytes as JSON; at most ${MAX_METADATA_BYTES}`);
      metadata = m.metadata as Record<string, unknown>;
    }
    return {
      messageId,
      recipient: recipient.toLowerCase(),
      campaign: text('campaign', false, 200),
      sentAt,
      sendId: text('sendId', false, 200),
      envelopeId: text('envelopeId', false, 100),
      metadata,
    };
  });
}

/** Inserts a batch; messages already registered are left as they are. */
export async function registerSent(pool: Pool, batch: SentMessage[]): Promise<{ inserted: number; duplicates: number }> {
  if (batch.length === 0) return { inserted: 0, duplicates: 0 };
  const { rowCount } = await pool.query(
    `insert into sent_messages (message_id, recipient, campaign, sent_at, send_id, envelope_id, metadata)
     select m.message_id, m.recipient, m.campaign, coalesce(m.sent_at, now()), m.send_id, m.envelope_id, coalesce(m.metadata, '{}')
       from unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::jsonb[])
            as m(message_id, recipient, campaign, sent_at, send_id, envelope_id, metadata)
     on conflict do nothing`,
    [
      batch.map((m) => m.messageId),
      batch.map((m) => m.recipient),
      batch.map((m) => m.campaign ?? null),
      batch.map((m) => m.sentAt ?? null),
      batch.map((m) => m.sendId ?? null),
      batch.map((m) => m.envelopeId ?? null),
      batch.map((m) => (m.metadata ? JSON.stringify(m.metadata) : null)),
    ],
  );
  return { inserted: rowCount ?? 0, duplicates: batch.length - (rowCount ?? 0) };
}
