// Linking a recipient fact to the message that was sent. Tried in order of certainty; the
// method that matched is stored with the event, and a bounce nothing matches is kept all
// the same (method 'none') and counted.
import type { PoolClient } from 'pg';
import type { Report } from '../parse/report.ts';
import { tokenInLocalPart, verifyToken, type TokenKey } from './token.ts';

export type CorrelationMethod = 'token' | 'message-id' | 'envelope-id' | 'x-header' | 'in-reply-to' | 'recent-send' | 'none';

export interface Correlation {
  method: CorrelationMethod;
  sentMessageId: string | null;
  sendId: string | null;
  campaign: string | null;
}

export interface CorrelationOptions {
  keys: TokenKey[];
  /** X- headers (lower case) of the original that carry a message id or send id. */
  headers: string[];
  recentSendWindowMs: number;
}

export interface CorrelationInput {
  report: Report;
  /** Envelope recipients of the report: our return paths, b+TOKEN@… */
  rcptTo: string[];
  recipient: string;
  occurredAt: Date;
}

interface SentRow {
  message_id: string;
  send_id: string | null;
  campaign: string | null;
}

const NONE: Correlation = { method: 'none', sentMessageId: null, sendId: null, campaign: null };

function bareId(id: string): string {
  const m = /<([^<>]+)>/.exec(id);
  return (m?.[1] ?? id).trim();
}

/** The send id of an authentic token in an address or a Message-ID ("b+TOKEN@…", "TOKEN@…"). */
function sendIdIn(addressOrId: string, keys: TokenKey[]): string | null {
  if (keys.length === 0) return null;
  const local = bareId(addressOrId).split('@')[0] ?? '';
  const token = local.includes('+') ? tokenInLocalPart(local) : /^[a-z2-7]{20,}$/i.test(local) ? local : null;
  if (!token) return null;
  const check = verifyToken(token, keys, null);
  return check.ok ? check.token.sendId : null;
}

async function bySendId(db: PoolClient, method: CorrelationMethod, sendId: string): Promise<Correlation> {
  const { rows } = await db.query<SentRow>('select message_id, send_id, campaign from sent_messages where send_id = $1', [sendId]);
  const row = rows[0];
  return { method, sendId, sentMessageId: row?.message_id ?? null, campaign: row?.campaign ?? null };
}

async function byColumn(db: PoolClient, column: 'message_id' | 'envelope_id' | 'send_id', values: string[]): Promise<SentRow | undefined> {
  if (values.length === 0) return undefined;
  const { rows } = await db.query<SentRow>(
    `select message_id, send_id, campaign from sent_messages where ${column} = any($1::text[]) limit 1`,
    [values],
  );
  return rows[0];
}

function found(method: CorrelationMethod, row: SentRow | undefined): Correlation | undefined {
  return row ? { method, sentMessageId: row.message_id, sendId: row.send_id, campaign: row.campaign } : undefined;
}

export async function correlate(db: PoolClient, input: CorrelationInput, opts: CorrelationOptions): Promise<Correlation> {
  const { report } = input;
  const original = report.original;

  // 1. A signed token in the envelope recipient (our return path).
  for (const rcpt of input.rcptTo) {
    const sendId = sendIdIn(rcpt, opts.keys);
    if (sendId) return bySendId(db, 'token', sendId);
  }
  // 2. The returned original's Message-ID: a token, or a registered id.
  if (original?.messageId) {
    const sendId = sendIdIn(original.messageId, opts.keys);
    if (sendId) return bySendId(db, 'message-id', sendId);
    const hit = found('message-id', await byColumn(db, 'message_id', [bareId(original.messageId)]));
    if (hit) return hit;
  }
  // 3. The envelope id the sender gave (RFC 3461 ENVID), echoed in Original-Envelope-Id.
  if (report.envelopeId) {
    const hit = found('envelope-id', await byColumn(db, 'envelope_id', [report.envelopeId]));
    if (hit) return hit;
  }
  // 4. Configured X- headers of the original.
  const headerValues = opts.headers.map((h) => original?.xHeaders[h]).filter((v): v is string => Boolean(v)).map(bareId);
  if (headerValues.length) {
    const hit = found('x-header', (await byColumn(db, 'message_id', headerValues)) ?? (await byColumn(db, 'send_id', headerValues)));
    if (hit) return hit;
  }
  // 5. Auto-replies answer our Message-ID.
  const replied = [original?.inReplyTo, original?.references].flatMap((v) => (v ?? '').match(/<[^<>]+>/g) ?? []).map(bareId);
  if (replied.length) {
    for (const id of replied) {
      const sendId = sendIdIn(id, opts.keys);
      if (sendId) return bySendId(db, 'in-reply-to', sendId);
    }
    const hit = found('in-reply-to', await byColumn(db, 'message_id', replied));
    if (hit) return hit;
  }
  // 6. Last resort: the latest send to this recipient within the window.
  if (opts.recentSendWindowMs > 0) {
    const { rows } = await db.query<SentRow>(
      `select message_id, send_id, campaign from sent_messages
        where recipient = $1 and sent_at <= $2 and sent_at > $2::timestamptz - make_interval(secs => $3)
        order by sent_at desc limit 1`,
      [input.recipient.toLowerCase(), input.occurredAt, opts.recentSendWindowMs / 1000],
    );
    const hit = found('recent-send', rows[0]);
    if (hit) return hit;
  }
  return NONE;
}
