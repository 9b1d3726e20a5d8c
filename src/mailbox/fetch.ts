// Mailbox ingest: each message of a POP3/IMAP mailbox goes through the same durable spool as
// SMTP mail, and is removed from the mailbox only after its commit. mailbox_seen remembers
// what was stored, so a session that breaks between the commit and the removal stores
// nothing twice. Mail that is not a bounce is never destroyed: kept, or moved aside.
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { IncomingMessage } from '../ingest/message.ts';
import type { Spool, StoredMessage } from '../ingest/spool.ts';
import { decode } from '../parse/index.ts';
import { type MailboxSession, openMailbox, parseMailboxUrl, type TlsTrust } from './session.ts';

export interface FetchLimits {
  maxMessages: number;
  /** Bytes per session, the first message included. */
  maxBytes: number;
  /** Bytes per message (as SMTP's MAX_MESSAGE_BYTES): a larger one stays in the mailbox. */
  maxMessageBytes: number;
  /** What to do with mail that is not a bounce: leave it, or move it aside (IMAP). */
  nonBounce: 'keep' | 'move';
}

export interface FetchSummary {
  listed: number;
  stored: number;
  alreadyStored: number;
  removed: number;
  kept: number;
  failed: number;
  /** Over maxMessageBytes: left in the mailbox, for a person to look at. */
  tooBig: number;
}

export interface FetchDeps {
  pool: Pool;
  sink: { store(msg: IncomingMessage): Promise<StoredMessage> };
  log: Logger;
  /** Counts by result: fetched, stored, duplicate, removed, kept, failed. */
  count?(result: string): void;
  progress?(done: number, total: number): void;
  /** Called after each commit, before the removal (tests break the session here). */
  afterStore?(uid: string): void;
}

export async function fetchOnce(session: MailboxSession, deps: FetchDeps, limits: FetchLimits): Promise<FetchSummary> {
  const summary: FetchSummary = { listed: 0, stored: 0, alreadyStored: 0, removed: 0, kept: 0, failed: 0, tooBig: 0 };
  const count = (result: string) => deps.count?.(result);
  const refs = await session.list();
  summary.listed = refs.length;
  const { rows: seenRows } = await deps.pool.query<{ uid: string; is_bounce: boolean }>(
    'select uid, is_bounce from mailbox_seen where mailbox = $1 and uidvalidity = $2 and uid = any($3::text[])',
    [session.name, session.uidValidity, refs.map((r) => r.uid)],
  );
  const seen = new Map(seenRows.map((r) => [r.uid, r]));
  // Mail already stored and kept on purpose needs no work: it does not count against the limits.
  const wanted = refs.filter((r) => !(seen.get(r.uid)?.is_bounce === false && limits.nonBounce === 'keep'));
  summary.kept = refs.length - wanted.length;
  // A message over the per-message cap is never fetched (the SMTP side would refuse it too).
  const work = wanted.filter((r) => seen.has(r.uid) || r.size <= limits.maxMessageBytes);
  for (const r of wanted.filter((w) => !work.includes(w))) {
    summary.tooBig++;
    count('too_big');
    deps.log.warn(
      { mailbox: session.name, uid: r.uid, size: r.size, limit: limits.maxMessageBytes },
      'message over the size limit; it stays in the mailbox',
    );
  }
  let bytes = 0;
  let done = 0;
  const batch = work.filter((r) => {
    if (done >= limits.maxMessages || bytes + r.size > limits.maxBytes) return false;
    done++;
    bytes += r.size;
    return true;
  });
  for (const [i, ref] of batch.entries()) {
    deps.progress?.(i, batch.length);
    const known = seen.get(ref.uid);
    let isBounce: boolean;
    if (known) {
      // Stored by an earlier session that did not get to remove (or move) it.
      summary.alreadyStored++;
      count('duplicate');
      isBounce = known.is_bounce;
    } else {
      let raw: Buffer;
      try {
        raw = await session.fetch(ref.uid);
      } catch (err) {
        summary.failed++;
        count('failed');
        deps.log.warn(
          { mailbox: session.name, uid: ref.uid, err: (err as Error).message },
          'could not fetch a message; it stays in the mailbox',
        );
        continue;
      }
      count('fetched');
      const stored = await deps.sink.store({
        envelope: {
          mailFrom: '',
          rcptTo: [session.address],
          remoteIp: null,
          helo: null,
          tlsProtocol: null,
          sessionId: `${session.protocol}:${ref.uid}`,
          receivedAt: new Date(),
          source: session.protocol,
        },
        raw,
      });
      isBounce = decode(raw).kind !== 'other';
      await deps.pool.query(
        `insert into mailbox_seen (mailbox, uidvalidity, uid, raw_message_id, is_bounce) values ($1, $2, $3, $4, $5)
         on conflict do nothing`,
        [session.name, session.uidValidity, ref.uid, stored.id, isBounce],
      );
      if (stored.duplicate) {
        summary.alreadyStored++;
        count('duplicate');
      } else {
        summary.stored++;
        count('stored');
      }
      deps.afterStore?.(ref.uid);
    }
    if (isBounce) {
      await session.remove(ref.uid);
      summary.removed++;
      count('removed');
    } else if (limits.nonBounce === 'move' && session.setAside) {
      await session.setAside(ref.uid);
      summary.kept++;
      count('kept');
    } else {
      summary.kept++;
      count('kept');
    }
    if (isBounce || limits.nonBounce === 'move') {
      await deps.pool.query(
        'update mailbox_seen set removed_at = now() where mailbox = $1 and uidvalidity = $2 and uid = $3',
        [session.name, session.uidValidity, ref.uid],
      );
    }
  }
  deps.progress?.(batch.length, batch.length);
  return summary;
}

/** A mailbox to fetch, and how: from `bounced fetch`'s arguments, or FETCH_URL in the server. */
export interface FetchRun {
  url: string;
  password: string;
  limits: FetchLimits;
  trust: TlsTrust;
}

/** One session: connect, store, remove, log out. */
export async function fetchSession(
  run: FetchRun,
  pool: Pool,
  spool: Spool,
  log: Logger,
  count?: (result: string) => void,
) {
  const session = await openMailbox(parseMailboxUrl(run.url), run.password, run.trust);
  const tty = process.stderr.isTTY;
  try {
    const summary = await fetchOnce(
      session,
      {
        pool,
        sink: spool,
        log,
        count,
        progress: tty ? (done, total) => process.stderr.write(`\rfetched ${done}/${total}`) : undefined,
      },
      run.limits,
    );
    if (tty) process.stderr.write('\n');
    await session.close();
    log.info({ mailbox: session.name, ...summary }, 'mailbox fetched');
    return summary;
  } catch (err) {
    session.abort();
    throw err;
  }
}
