// The durable spool with group commit. Each stored message costs Postgres a WAL flush;
// messages that arrive within a window of a millisecond or two, or while a commit is
// already in flight, share one INSERT statement (one transaction, one flush). A caller's
// promise resolves only after that transaction committed, so the 250 that follows is safe.
import type { Pool } from 'pg';
import { dedupeKey, type IncomingMessage, sha256 } from './message.ts';

export interface StoredMessage {
  id: string;
  /** True when the same envelope and bytes were already stored (a retry): nothing new was written. */
  duplicate: boolean;
}

export class SpoolUnavailableError extends Error {
  override name = 'SpoolUnavailableError';
  constructor(
    message: string,
    readonly reason: 'deadline' | 'database' | 'closed',
  ) {
    super(message);
  }
}

export interface SpoolOptions {
  windowMs: number;
  maxBatch: number;
  /**
   * Bytes of one group at most (a group always takes at least one message). A bytea travels
   * as hex text, several copies of it in flight: a group of large messages is what makes
   * memory spike, so large messages commit alone or in small groups.
   */
  maxBatchBytes?: number;
  /** A message not committed by then is refused (the client retries later). */
  deadlineMs: number;
  /** Commits that may run at once; each holds a pool connection. */
  maxConcurrentCommits: number;
  instance: string;
}

export interface SpoolObserver {
  committed(batchSize: number, seconds: number): void;
  failed(batchSize: number, err: Error): void;
}

interface Pending {
  msg: IncomingMessage;
  key: Buffer;
  resolve(stored: StoredMessage): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
  state: 'queued' | 'committing' | 'settled';
}

export class Spool {
  private queue: Pending[] = [];
  /** Bytes of the queued messages: a group closes early when they pass maxBatchBytes. */
  private queuedBytes = 0;
  private windowTimer: NodeJS.Timeout | undefined;
  private commitsInFlight = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly pool: Pool,
    private readonly opts: SpoolOptions,
    private readonly observer?: SpoolObserver,
  ) {}

  store(msg: IncomingMessage): Promise<StoredMessage> {
    if (this.closed) return Promise.reject(new SpoolUnavailableError('the spool is closed', 'closed'));
    return new Promise((resolve, reject) => {
      const entry: Pending = {
        msg,
        key: dedupeKey(msg),
        resolve,
        reject,
        state: 'queued',
        timer: setTimeout(() => this.expire(entry), this.opts.deadlineMs),
      };
      this.queue.push(entry);
      this.queuedBytes += msg.raw.length;
      this.schedule();
    });
  }

  /** Commits what is queued, waits for commits in flight, and refuses new messages. */
  async close(): Promise<void> {
    this.closed = true;
    this.startCommits();
    while (this.queue.length > 0 || this.commitsInFlight > 0) {
      await new Promise<void>((r) => this.idleWaiters.push(r));
    }
  }

  private schedule(): void {
    if (
      this.queue.length >= this.opts.maxBatch ||
      this.queuedBytes >= (this.opts.maxBatchBytes ?? Infinity) ||
      this.opts.windowMs === 0
    ) {
      this.startCommits();
    } else if (!this.windowTimer && this.commitsInFlight < this.opts.maxConcurrentCommits) {
      this.windowTimer = setTimeout(() => this.startCommits(), this.opts.windowMs);
    }
    // Otherwise a commit is in flight: its end starts the next group.
  }

  private startCommits(): void {
    clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
    while (this.queue.length > 0 && this.commitsInFlight < this.opts.maxConcurrentCommits) {
      const batch = this.queue.splice(0, this.groupSize());
      for (const e of batch) this.queuedBytes -= e.msg.raw.length;
      for (const e of batch) e.state = 'committing';
      this.commitsInFlight++;
      void this.commit(batch).finally(() => {
        this.commitsInFlight--;
        if (this.queue.length > 0) this.startCommits();
        else if (this.commitsInFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
      });
    }
  }

  /** How many queued messages the next group takes: by count, then by bytes (at least one). */
  private groupSize(): number {
    const maxBytes = this.opts.maxBatchBytes ?? Infinity;
    let bytes = 0;
    let n = 0;
    while (n < this.queue.length && n < this.opts.maxBatch) {
      bytes += this.queue[n]!.msg.raw.length;
      if (n > 0 && bytes > maxBytes) break;
      n++;
    }
    return n;
  }

  private expire(entry: Pending): void {
    if (entry.state === 'settled') return;
    if (entry.state === 'queued') {
      this.queue.splice(this.queue.indexOf(entry), 1);
      this.queuedBytes -= entry.msg.raw.length;
    }
    // A commit in flight may still succeed after this: the client, told 451, retries,
    // and the dedupe key makes that retry a duplicate rather than a second copy.
    this.settle(entry, () =>
      entry.reject(new SpoolUnavailableError(`not committed within ${this.opts.deadlineMs} ms`, 'deadline')),
    );
    if (this.queue.length === 0 && this.commitsInFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
  }

  private settle(entry: Pending, action: () => void): void {
    if (entry.state === 'settled') return;
    entry.state = 'settled';
    clearTimeout(entry.timer);
    action();
  }

  private async commit(batch: Pending[]): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      const ids = await insertBatch(this.pool, batch, this.opts.instance);
      this.observer?.committed(batch.length, Number(process.hrtime.bigint() - started) / 1e9);
      for (const e of batch) {
        const hex = e.key.toString('hex');
        const inserted = ids.inserted.get(hex);
        const id = inserted ?? ids.existing.get(hex);
        this.settle(e, () =>
          id ? e.resolve({ id, duplicate: inserted === undefined }) : e.reject(new Error('row missing after commit')),
        );
      }
    } catch (err) {
      this.observer?.failed(batch.length, err as Error);
      const cause = new SpoolUnavailableError(`the database did not commit: ${(err as Error).message}`, 'database');
      for (const e of batch) this.settle(e, () => e.reject(cause));
    }
  }
}

interface BatchIds {
  inserted: Map<string, string>;
  existing: Map<string, string>;
}

// One statement is one transaction: all rows commit together or none does. The messages'
// bytes travel as one binary parameter, each row taking its slice: inside a bytea[] they
// would travel as hex text, twice their size, encoded here and decoded by the server.
const INSERT_BATCH = `
  insert into raw_messages (received_at, source, instance, smtp_session_id, mail_from, rcpt_to,
                            remote_ip, helo, tls_protocol, size_bytes, sha256, dedupe_key, raw)
  select m.received_at, m.source, $1, m.session_id, m.mail_from,
         array(select jsonb_array_elements_text(m.rcpt_to)),
         m.remote_ip::inet, m.helo, m.tls_protocol, m.length, m.sha256, m.dedupe_key,
         substring($14::bytea from m.start for m.length)
    from unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::jsonb[],
                $7::text[], $8::text[], $9::text[], $10::bytea[], $11::bytea[], $12::int[], $13::int[])
         as m(received_at, source, session_id, mail_from, rcpt_to, remote_ip, helo, tls_protocol,
              sha256, dedupe_key, start, length)
      on conflict (dedupe_key) do nothing
  returning id, dedupe_key`;

// A group of one (a large message commits alone) passes its bytes as a binary parameter too.
const INSERT_ONE = `
  insert into raw_messages (received_at, source, instance, smtp_session_id, mail_from, rcpt_to,
                            remote_ip, helo, tls_protocol, size_bytes, sha256, dedupe_key, raw)
  values ($2, $3, $1, $4, $5, $6::text[], $7::inet, $8, $9, octet_length($12::bytea), $10, $11, $12)
      on conflict (dedupe_key) do nothing
  returning id, dedupe_key`;

async function insertRows(
  pool: Pool,
  batch: Pending[],
  instance: string,
): Promise<Array<{ id: string; dedupe_key: Buffer }>> {
  if (batch.length === 1) {
    const { msg, key } = batch[0]!;
    const e = msg.envelope;
    const { rows } = await pool.query<{ id: string; dedupe_key: Buffer }>(INSERT_ONE, [
      instance,
      e.receivedAt,
      e.source,
      e.sessionId,
      e.mailFrom,
      e.rcptTo,
      e.remoteIp,
      e.helo,
      e.tlsProtocol,
      sha256(msg.raw),
      key,
      msg.raw,
    ]);
    return rows;
  }
  const env = batch.map((e) => e.msg.envelope);
  // Where each message's bytes start in the one parameter; substring() counts from 1.
  const starts: number[] = [];
  let offset = 1;
  for (const e of batch) {
    starts.push(offset);
    offset += e.msg.raw.length;
  }
  const { rows } = await pool.query<{ id: string; dedupe_key: Buffer }>(INSERT_BATCH, [
    instance,
    env.map((e) => e.receivedAt),
    env.map((e) => e.source),
    env.map((e) => e.sessionId),
    env.map((e) => e.mailFrom),
    env.map((e) => JSON.stringify(e.rcptTo)),
    env.map((e) => e.remoteIp),
    env.map((e) => e.helo),
    env.map((e) => e.tlsProtocol),
    batch.map((e) => sha256(e.msg.raw)),
    batch.map((e) => e.key),
    starts,
    batch.map((e) => e.msg.raw.length),
    Buffer.concat(batch.map((e) => e.msg.raw)),
  ]);
  return rows;
}

async function insertBatch(pool: Pool, batch: Pending[], instance: string): Promise<BatchIds> {
  const rows = await insertRows(pool, batch, instance);
  const inserted = new Map(rows.map((r) => [r.dedupe_key.toString('hex'), String(r.id)]));
  const existing = new Map<string, string>();
  const missing = batch.filter((e) => !inserted.has(e.key.toString('hex'))).map((e) => e.key);
  if (missing.length > 0) {
    const found = await pool.query<{ id: string; dedupe_key: Buffer }>(
      'select id, dedupe_key from raw_messages where dedupe_key = any($1::bytea[])',
      [missing],
    );
    for (const r of found.rows) existing.set(r.dedupe_key.toString('hex'), String(r.id));
  }
  return { inserted, existing };
}
