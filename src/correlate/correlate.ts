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
import { type ReturnPathToken, type TokenKey, tokenInLocalPart, tokenNamesRecipient, verifyToken } from './token.ts';

export type CorrelationMethod =
  | 'token'
  | 'message-id'
  | 'envelope-id'
  | 'x-header'
  | 'in-reply-to'
  | 'recent-send'
  | 'none';

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

const NONE: Correlation = {
  method: 'none',
  sentMessageId: null,
  sendId: null,
  campaign: null,
  proof: 'none',
  sendRecipient: null,
  isSendRecipient: null,
};
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

function fromRow(
  method: CorrelationMethod,
  proof: Proof,
  row: SentRow | undefined,
  token: ReturnPathToken | null = null,
): MessageLink | undefined {
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

type SentColumn = 'message_id' | 'envelope_id' | 'send_id';

/**
 * One way a report may be tied to a send, in the order they are tried: a token (proof by
 * itself, the registry only adds the send's recipient), or ids looked up in a column.
 */
type Probe =
  | { method: CorrelationMethod; token: ReturnPathToken }
  | { method: CorrelationMethod; proof: Proof; column: SentColumn; values: string[] };

/** The ways a report may be tied to a send, most certain first; pure. */
function probesOf(report: Report, rcptTo: string[], opts: CorrelationOptions): Probe[] {
  const original = report.original;
  const probes: Probe[] = [];
  // 1. A signed token in the envelope recipient (our return path).
  for (const rcpt of rcptTo) {
    const token = tokenIn(rcpt, opts.keys);
    if (token) return [{ method: 'token', token }];
  }
  // 2. The returned original's Message-ID: a token, or a registered id.
  if (original?.messageId) {
    const token = tokenIn(original.messageId, opts.keys);
    if (token) return [{ method: 'message-id', token }];
    probes.push({
      method: 'message-id',
      proof: 'registered',
      column: 'message_id',
      values: [bareId(original.messageId)],
    });
  }
  // 3. The envelope id the sender gave (RFC 3461 ENVID), echoed in Original-Envelope-Id.
  if (report.envelopeId)
    probes.push({ method: 'envelope-id', proof: 'registered', column: 'envelope_id', values: [report.envelopeId] });
  // 4. Configured X- headers of the original: proof only when they carry a token; a plain
  // id in a header anyone can write is a guess.
  const headerValues = opts.headers
    .map((h) => original?.xHeaders[h])
    .filter((v): v is string => Boolean(v))
    .map(bareId);
  const headerToken = headerValues.map((v) => tokenIn(v, opts.keys)).find((t) => t !== null);
  if (headerToken) return [...probes, { method: 'x-header', token: headerToken }];
  if (headerValues.length) {
    probes.push({ method: 'x-header', proof: 'guess', column: 'message_id', values: headerValues });
    probes.push({ method: 'x-header', proof: 'guess', column: 'send_id', values: headerValues });
  }
  // 5. Replies (auto-replies, unsubscribe requests) answer our Message-ID.
  const replied = [original?.inReplyTo, original?.references]
    .flatMap((v) => (v ?? '').match(/<[^<>]+>/g) ?? [])
    .map(bareId);
  const replyToken = replied.map((v) => tokenIn(v, opts.keys)).find((t) => t !== null);
  if (replyToken) return [...probes, { method: 'in-reply-to', token: replyToken }];
  if (replied.length)
    probes.push({ method: 'in-reply-to', proof: 'registered', column: 'message_id', values: replied });
  return probes;
}

type SentIndex = Record<SentColumn, Map<string, SentRow>>;

/** The registered sends every probe of a batch names, in one statement. */
async function lookUpSends(db: PoolClient, probes: Probe[][]): Promise<SentIndex> {
  const wanted: Record<SentColumn, Set<string>> = { message_id: new Set(), envelope_id: new Set(), send_id: new Set() };
  for (const probe of probes.flat()) {
    if ('token' in probe) wanted.send_id.add(probe.token.sendId);
    else for (const v of probe.values) wanted[probe.column].add(v);
  }
  const index: SentIndex = { message_id: new Map(), envelope_id: new Map(), send_id: new Map() };
  if (wanted.message_id.size + wanted.envelope_id.size + wanted.send_id.size === 0) return index;
  const { rows } = await db.query<SentRow & { via: SentColumn; key: string }>(
    `select 'message_id' as via, message_id as key, ${SENT_COLUMNS}
       from sent_messages where message_id = any($1::text[])
     union all
     select 'envelope_id', envelope_id, ${SENT_COLUMNS} from sent_messages where envelope_id = any($2::text[])
     union all
     select 'send_id', send_id, ${SENT_COLUMNS} from sent_messages where send_id = any($3::text[])`,
    [[...wanted.message_id], [...wanted.envelope_id], [...wanted.send_id]],
  );
  // Several sends may share an envelope id: the first one found stands for them, as before.
  for (const row of rows) if (!index[row.via].has(row.key)) index[row.via].set(row.key, row);
  return index;
}

/** The first probe that holds, with what the registry says of it; pure. */
function resolveLink(probes: Probe[], index: SentIndex): MessageLink | null {
  for (const probe of probes) {
    if ('token' in probe) return fromRow(probe.method, 'signed', index.send_id.get(probe.token.sendId), probe.token)!;
    const row = probe.values.map((v) => index[probe.column].get(v)).find((r) => r !== undefined);
    const hit = fromRow(probe.method, probe.proof, row);
    if (hit) return hit;
  }
  return null;
}

export interface LinkQuery {
  report: Report;
  /** The envelope recipients of the stored message: our return paths. */
  rcptTo: string[];
}

/**
 * The link of each report to one of our sends, tried in order of certainty (null when none
 * is found): the ids of a whole batch are looked up in one statement.
 */
export async function linkMessages(
  db: PoolClient,
  queries: LinkQuery[],
  opts: CorrelationOptions,
): Promise<Array<MessageLink | null>> {
  const probes = queries.map((q) => probesOf(q.report, q.rcptTo, opts));
  const index = await lookUpSends(db, probes);
  return probes.map((p) => resolveLink(p, index));
}

/** Addresses a recent-send lookup asks about at most: a notice naming 90,000 takes several short statements. */
const RECENT_LOOKUP_CHUNK = 5000;

/**
 * The last resort, for reports nothing else links: the latest send to each named address
 * within the window before the report arrived, for a whole batch in one statement. A guess:
 * the report may be forged, and name an address precisely because we mail it.
 */
export async function recentSends(
  db: PoolClient,
  named: Array<{ recipient: string; at: Date }>,
  windowMs: number,
): Promise<Map<string, SentRow>> {
  if (windowMs <= 0 || named.length === 0) return new Map();
  if (named.length > RECENT_LOOKUP_CHUNK) {
    const found = new Map<string, SentRow>();
    for (let start = 0; start < named.length; start += RECENT_LOOKUP_CHUNK) {
      for (const [key, row] of await recentSends(db, named.slice(start, start + RECENT_LOOKUP_CHUNK), windowMs))
        found.set(key, row);
    }
    return found;
  }
  const { rows } = await db.query<SentRow & { i: string }>(
    `select u.i, s.message_id, s.send_id, s.campaign, s.recipient
       from unnest($1::text[], $2::timestamptz[]) with ordinality as u(recipient, at, i)
       cross join lateral (
         select ${SENT_COLUMNS} from sent_messages
          where recipient = u.recipient and sent_at <= u.at and sent_at > u.at - make_interval(secs => $3)
          order by sent_at desc limit 1) s`,
    [named.map((n) => n.recipient.toLowerCase()), named.map((n) => n.at), windowMs / 1000],
  );
  return new Map(rows.map((r) => [recentKey(named[Number(r.i) - 1]!), r]));
}

/** How recentSends' answer is keyed: the address, at the time of its report. */
export function recentKey(named: { recipient: string; at: Date }): string {
  return `${named.at.getTime()} ${named.recipient.toLowerCase()}`;
}

/** One named address's link: the message's, checked against the send's recipient; else its recent send. */
export function linkFact(
  message: MessageLink | null,
  recent: SentRow | undefined,
  recipient: string,
  keys: TokenKey[],
): Correlation {
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
  const row = recipient ? recent : undefined;
  if (!row) return NONE;
  return {
    method: 'recent-send',
    proof: 'guess',
    sentMessageId: row.message_id,
    sendId: row.send_id,
    campaign: row.campaign,
    sendRecipient: row.recipient,
    isSendRecipient: true,
  };
}
