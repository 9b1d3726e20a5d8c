// Linking a recipient fact to the message that was sent. Tried in order of certainty; the
// method that matched is stored with the event, and a bounce nothing matches is kept all
// the same (method 'none') and counted.
//
// Each link also says how it was proven (`proof`) and who the send went to: what the
// standing decision needs to tell a real bounce from a forged one. Anyone can write a DSN
// to the MX; only our signed token or an id we registered proves the report is about one of
// our sends, and only the send's own recipient may be acted on.
import type { PoolClient } from 'pg';
import type { Report } from '../parse/report.ts';
import type { Proof } from '../standing/evidence.ts';
import { tokenInLocalPart, tokenNamesRecipient, verifyToken, type ReturnPathToken, type TokenKey } from './token.ts';

export type CorrelationMethod = 'token' | 'message-id' | 'envelope-id' | 'x-header' | 'in-reply-to' | 'recent-send' | 'none';

export interface Correlation {
  method: CorrelationMethod;
  sentMessageId: string | null;
  sendId: string | null;
  campaign: string | null;
  /** signed: a valid token; registered: an id the platform registered; guess: a recent send or an unsigned header. */
  proof: Proof;
  /** The address the send went to, from the registry (lower case); null when not registered. */
  sendRecipient: string | null;
  /**
   * Whether the fact's address is the send's recipient: from the recipient bound into the
   * token, else from the registry; null when neither says.
   */
  isSendRecipient: boolean | null;
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
  recipient: string;
}

const NONE: Correlation = { method: 'none', sentMessageId: null, sendId: null, campaign: null, proof: 'none', sendRecipient: null, isSendRecipient: null };
const SENT_COLUMNS = 'message_id, send_id, campaign, recipient';

function bareId(id: string): string {
  const m = /<([^<>]+)>/.exec(id);
  return (m?.[1] ?? id).trim();
}

/** An authentic token in an address or a Message-ID ("b+TOKEN@…", "TOKEN@…"). */
function tokenIn(addressOrId: string, keys: TokenKey[]): ReturnPathToken | null {
  if (keys.length === 0) return null;
  const local = bareId(addressOrId).split('@')[0] ?? '';
  const token = local.includes('+') ? tokenInLocalPart(local) : /^[a-z2-7]{20,}$/i.test(local) ? local : null;
  if (!token) return null;
  const check = verifyToken(token, keys, null);
  return check.ok ? check.token : null;
}

function sameAddress(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** A link proven by a token: the recipient bound into it decides, else the registry's. */
async function byToken(db: PoolClient, method: CorrelationMethod, token: ReturnPathToken, recipient: string, keys: TokenKey[]): Promise<Correlation> {
  const { rows } = await db.query<SentRow>(`select ${SENT_COLUMNS} from sent_messages where send_id = $1`, [token.sendId]);
  const row = rows[0];
  const bound = recipient ? tokenNamesRecipient(token, recipient, keys) : null;
  return {
    method,
    sendId: token.sendId,
    sentMessageId: row?.message_id ?? null,
    campaign: row?.campaign ?? null,
    proof: 'signed',
    sendRecipient: row?.recipient ?? null,
    isSendRecipient: bound ?? (row && recipient ? sameAddress(row.recipient, recipient) : null),
  };
}

async function byColumn(db: PoolClient, column: 'message_id' | 'envelope_id' | 'send_id', values: string[]): Promise<SentRow | undefined> {
  if (values.length === 0) return undefined;
  const { rows } = await db.query<SentRow>(`select ${SENT_COLUMNS} from sent_messages where ${column} = any($1::text[]) limit 1`, [values]);
  return rows[0];
}

function found(method: CorrelationMethod, proof: Proof, row: SentRow | undefined, recipient: string): Correlation | undefined {
  if (!row) return undefined;
  return {
    method,
    sentMessageId: row.message_id,
    sendId: row.send_id,
    campaign: row.campaign,
    proof,
    sendRecipient: row.recipient,
    isSendRecipient: recipient ? sameAddress(row.recipient, recipient) : null,
  };
}

export async function correlate(db: PoolClient, input: CorrelationInput, opts: CorrelationOptions): Promise<Correlation> {
  const { report, recipient } = input;
  const original = report.original;
  const signed = (method: CorrelationMethod, token: ReturnPathToken) => byToken(db, method, token, recipient, opts.keys);

  // 1. A signed token in the envelope recipient (our return path).
  for (const rcpt of input.rcptTo) {
    const token = tokenIn(rcpt, opts.keys);
    if (token) return signed('token', token);
  }
  // 2. The returned original's Message-ID: a token, or a registered id.
  if (original?.messageId) {
    const token = tokenIn(original.messageId, opts.keys);
    if (token) return signed('message-id', token);
    const hit = found('message-id', 'registered', await byColumn(db, 'message_id', [bareId(original.messageId)]), recipient);
    if (hit) return hit;
  }
  // 3. The envelope id the sender gave (RFC 3461 ENVID), echoed in Original-Envelope-Id.
  if (report.envelopeId) {
    const hit = found('envelope-id', 'registered', await byColumn(db, 'envelope_id', [report.envelopeId]), recipient);
    if (hit) return hit;
  }
  // 4. Configured X- headers of the original: proof only when they carry a token; a plain
  // id in a header anyone can write is a guess.
  const headerValues = opts.headers.map((h) => original?.xHeaders[h]).filter((v): v is string => Boolean(v)).map(bareId);
  if (headerValues.length) {
    for (const value of headerValues) {
      const token = tokenIn(value, opts.keys);
      if (token) return signed('x-header', token);
    }
    const row = (await byColumn(db, 'message_id', headerValues)) ?? (await byColumn(db, 'send_id', headerValues));
    const hit = found('x-header', 'guess', row, recipient);
    if (hit) return hit;
  }
  // 5. Replies (auto-replies, unsubscribe requests) answer our Message-ID.
  const replied = [original?.inReplyTo, original?.references].flatMap((v) => (v ?? '').match(/<[^<>]+>/g) ?? []).map(bareId);
  if (replied.length) {
    for (const id of replied) {
      const token = tokenIn(id, opts.keys);
      if (token) return signed('in-reply-to', token);
    }
    const hit = found('in-reply-to', 'registered', await byColumn(db, 'message_id', replied), recipient);
    if (hit) return hit;
  }
  // 6. Last resort: the latest send to this recipient within the window. A guess: the
  // report may be forged, and name the address precisely because we mail it.
  if (opts.recentSendWindowMs > 0 && recipient) {
    const { rows } = await db.query<SentRow>(
      `select ${SENT_COLUMNS} from sent_messages
        where recipient = $1 and sent_at <= $2 and sent_at > $2::timestamptz - make_interval(secs => $3)
        order by sent_at desc limit 1`,
      [recipient.toLowerCase(), input.occurredAt, opts.recentSendWindowMs / 1000],
    );
    const hit = found('recent-send', 'guess', rows[0], recipient);
    if (hit) return hit;
  }
  return NONE;
}
