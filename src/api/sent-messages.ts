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

const MAX_BATCH = 10_000;
/** Serialized JSON of one message's metadata: room for ids and tags, not for documents. */
const MAX_METADATA_BYTES = 16 * 1024;

// The dates a platform writes: ISO 8601 / RFC 3339 ("2026-12-04T10:00:00Z", a fraction, an
// offset, a space for the T; a date alone; no zone is UTC) or an RFC 5322 Date: header value
// ("Fri, 04 Dec 2026 10:00:00 +0000"). Date.parse alone takes "1" (the year 2001) and other
// guesses; Postgres would read a zone-less time in its own time zone.
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)([Zz]|[+-]\d{2}(?::?\d{2})?)?)?$/;
const MAIL_DATE = new RegExp(
  [
    /^(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?/, // day of the week, optional
    /\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} /, // date
    /\d{2}:\d{2}(?::\d{2})? (?:[+-]\d{4}|UT|GMT|Z)$/, // time and zone
  ]
    .map((part) => part.source)
    .join(''),
  'i',
);

/** The moment a sentAt names, or NaN when it is not one of the forms above. */
function parseSentAt(text: string): number {
  const iso = ISO_DATE.exec(text);
  if (iso) {
    const [, date, time, zone] = iso;
    if (!time) return Date.parse(`${date}T00:00:00Z`);
    const offset = !zone
      ? 'Z'
      : /^[+-]\d{4}$/.test(zone)
        ? `${zone.slice(0, 3)}:${zone.slice(3)}`
        : /^[+-]\d{2}$/.test(zone)
          ? `${zone}:00`
          : zone;
    return Date.parse(`${date}T${time}${offset}`);
  }
  return MAIL_DATE.test(text) ? Date.parse(text) : Number.NaN;
}
const EARLIEST = Date.parse('2000-01-01T00:00:00Z');
const LATEST_AHEAD_MS = 366 * 86_400_000;

/** Postgres text and jsonb refuse U+0000: refuse it here with the field's name, not as a database error. */
function hasNul(value: unknown, depth = 0): boolean {
  if (depth > 32) return true; // deeper than any metadata needs: refused below as too deep
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some((v) => hasNul(v, depth + 1));
  if (value && typeof value === 'object')
    return Object.entries(value).some(([k, v]) => k.includes('\u0000') || hasNul(v, depth + 1));
  return false;
}

/** Checks one batch; throws a SentMessageError naming the first bad item and field. */
export function validateBatch(body: unknown, now: Date = new Date()): SentMessage[] {
  if (!Array.isArray(body)) throw new SentMessageError('expected a JSON array of sent messages');
  if (body.length > MAX_BATCH)
    throw new SentMessageError(`at most ${MAX_BATCH} messages per batch, got ${body.length}`);
  return body.map((item, i) => {
    const where = `item ${i}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item))
      throw new SentMessageError(`${where}: expected an object`);
    const m = item as Record<string, unknown>;
    const text = (name: string, required: boolean, max = 998): string | null => {
      const v = m[name];
      if (v === undefined || v === null || v === '') {
        if (required) throw new SentMessageError(`${where}: "${name}" is required`);
        return null;
      }
      if (typeof v !== 'string' || v.length > max)
        throw new SentMessageError(`${where}: "${name}" must be a string of at most ${max} characters`);
      if (v.includes('\u0000') || /[\r\n]/.test(v))
        throw new SentMessageError(`${where}: "${name}" must not contain NUL or line breaks`);
      return v;
    };
    const messageId = text('messageId', true)!.trim().replace(/^<|>$/g, '');
    if (!messageId || /\s/.test(messageId))
      throw new SentMessageError(`${where}: "messageId" must be one Message-ID, without white space`);
    const recipient = text('recipient', true, 320)!.trim();
    if (!/^[^@\s]+@[^@\s]+$/.test(recipient)) throw new SentMessageError(`${where}: "recipient" is not an address`);
    const sentAtText = text('sentAt', false, 40);
    let sentAt: string | null = null;
    if (sentAtText !== null) {
      const at = parseSentAt(sentAtText.trim());
      if (Number.isNaN(at))
        throw new SentMessageError(
          `${where}: "sentAt" must be a date-time such as 2026-12-04T10:00:00Z, got ${JSON.stringify(sentAtText)}`,
        );
      if (at < EARLIEST || at > now.getTime() + LATEST_AHEAD_MS)
        throw new SentMessageError(`${where}: "sentAt" is out of range (2000 to a year from now)`);
      sentAt = new Date(at).toISOString();
    }
    let metadata: Record<string, unknown> | null = null;
    if (m.metadata !== undefined && m.metadata !== null) {
      if (typeof m.metadata !== 'object' || Array.isArray(m.metadata))
        throw new SentMessageError(`${where}: "metadata" must be an object`);
      if (hasNul(m.metadata))
        throw new SentMessageError(
          `${where}: "metadata" must not contain NUL characters or nest deeper than 32 levels`,
        );
      const bytes = Buffer.byteLength(JSON.stringify(m.metadata));
      if (bytes > MAX_METADATA_BYTES)
        throw new SentMessageError(`${where}: "metadata" is ${bytes} bytes as JSON; at most ${MAX_METADATA_BYTES}`);
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
export async function registerSent(
  pool: Pool,
  batch: SentMessage[],
): Promise<{ inserted: number; duplicates: number }> {
  if (batch.length === 0) return { inserted: 0, duplicates: 0 };
  const { rowCount } = await pool.query(
    `insert into sent_messages (message_id, recipient, campaign, sent_at, send_id, envelope_id, metadata)
     select m.message_id, m.recipient, m.campaign, coalesce(m.sent_at, now()), m.send_id, m.envelope_id,
            coalesce(m.metadata, '{}')
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
