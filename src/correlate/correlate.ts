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

export interface SentRow {
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

/**
 * What the report as a whole says about our send: the same for every recipient it names.
 * `token` is kept to check each named address against the recipient bound into it.
 */
export interface MessageLink {
  method: CorrelationMethod;
  proof: Proof;
  sentMessageId: string | null;
  sendId: string | null;
  campaign: string | null;
  sendRecipient: string | null;
  token: ReturnPathToken | null;
}

async function byColumn(db: PoolClient, column: 'message_id' | 'envelope_id' | 'send_id', values: string[]): Promise<SentRow | undefined> {
  if (values.length === 0) return undefined;
  const { rows } = await db.query<SentRow>(`select ${SENT_COLUMNS} from sent_messages where ${column} = any($1::text[]) limit 1`, [values]);
  return rows[0];
}

function fromRow(method: CorrelationMethod, proof: Proof, row: SentRow | undefined, token: ReturnPathToken | null = null): MessageLink | undefined {
  if (!row && !token) return undefined;
  return {
    method,
    proof,
    sentMessageId: row?.message_id ?? null,
    sendId: row?.send_id ?? token?.sendId ?? null,
    campaign: row?.campaign ?? null,
    sendRecipient: row?.recipient ?? null,
    token,
  };
}

/** The link of the report to one of our sends, tried in order of certainty; null when none is found. */
export async function linkMessage(db: PoolClient, report: Report, rcptTo: string[], opts: CorrelationOptions): Promise<MessageLink | null> {
  const original = report.original;
  const signed = async (method: CorrelationMethod, token: ReturnPathToken) => {
    const { rows } = await db.query<SentRow>(`select ${SENT_COLUMNS} from sent_messages where send_id = $1`, [token.sendId]);
    return fromRow(method, 'signed', rows[0], token)!;
  };

  // 1. A signed token in the envelope recipient (our return path).
  for (const rcpt of rcptTo) {
    const token = tokenIn(rcpt, opts.keys);
    if (token) return signed('token', token);
  }
  // 2. The returned original's Message-ID: a token, or a registered id.
  if (original?.messageId) {
    const token = tokenIn(original.messageId, opts.keys);
    if (token) return signed('message-id', token);
    const hit = fromRow('message-id', 'registered', await byColumn(db, 'message_id', [bareId(original.messageId)]));
    if (hit) return hit;
  }
  // 3. The envelope id the sender gave (RFC 3461 ENVID), echoed in Original-Envelope-Id.
  if (report.envelopeId) {
    const hit = fromRow('envelope-id', 'registered', await byColumn(db, 'envelope_id', [report.envelopeId]));
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
    const hit = fromRow('x-header', 'guess', row);
    if (hit) return hit;
  }
  // 5. Replies (auto-replies, unsubscribe requests) answer our Message-ID.
  const replied = [original?.inReplyTo, original?.references].flatMap((v) => (v ?? '').match(/<[^<>]+>/g) ?? []).map(bareId);
  if (replied.length) {
    for (const id of replied) {
      const token = tokenIn(id, opts.keys);
      if (token) return signed('in-reply-to', token);
    }
    const hit = fromRow('in-reply-to', 'registered', await byColumn(db, 'message_id', replied));
    if (hit) return hit;
  }
  return null;
}

/**
 * The last resort, for reports nothing else links: the latest send to each named address
 * within the window, in one query. A guess: the report may be forged, and name an address
 * precisely because we mail it.
 */
export async function recentSends(db: PoolClient, recipients: string[], occurredAt: Date, windowMs: number): Promise<Map<string, SentRow>> {
  if (windowMs <= 0 || recipients.length === 0) return new Map();
  const { rows } = await db.query<SentRow>(
    `select distinct on (recipient) ${SENT_COLUMNS} from sent_messages
      where recipient = any($1::text[]) and sent_at <= $2 and sent_at > $2::timestamptz - make_interval(secs => $3)
      order by recipient, sent_at desc`,
    [[...new Set(recipients.map((r) => r.toLowerCase()))], occurredAt, windowMs / 1000],
  );
  return new Map(rows.map((r) => [r.recipient, r]));
}

/** One named address's link: the message's, checked against the send's recipient; else its recent send. */
export function linkFact(message: MessageLink | null, recent: ReadonlyMap<string, SentRow>, recipient: string, keys: TokenKey[]): Correlation {
  if (message) {
    const bound = message.token && recipient ? tokenNamesRecipient(message.token, recipient, keys) : null;
    const registered = message.sendRecipient && recipient ? sameAddress(message.sendRecipient, recipient) : null;
    return {
      method: message.method,
      proof: message.proof,
      sentMessageId: message.sentMessageId,
      sendId: message.sendId,
      campaign: message.campaign,
      sendRecipient: message.sendRecipient,
      isSendRecipient: bound ?? registered,
    };
  }
  const row = recipient ? recent.get(recipient.toLowerCase()) : undefined;
  if (!row) return NONE;
  return { method: 'recent-send', proof: 'guess', sentMessageId: row.message_id, sendId: row.send_id, campaign: row.campaign, sendRecipient: row.recipient, isSendRecipient: true };
}
