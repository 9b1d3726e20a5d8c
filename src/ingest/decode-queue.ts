// Decoding runs after the 250, from the stored row. Rows with decode_state = 'pending' are
// the queue: any instance claims a batch with FOR UPDATE SKIP LOCKED, so rows left by a
// crash, or stored by another instance, are picked up, and two workers never take the same
// row. Each message is first read on its own (no database: a message that cannot be read
// is marked 'failed' with the error, stays stored, and is decoded again by `bounced
// reprocess`); then what the batch says is written set by set, inside a savepoint. If that
// write fails, the batch is written again one message at a time, each in its own
// savepoint, so that one bad message never fails its batch. A transient database fault
// (store/transient.ts) is no verdict on the message: it goes back to the queue with its
// attempts counted and a later next_attempt_at (exponential backoff), never to 'failed'.
//
// A message too large for one transaction (a notice naming tens of thousands of addresses)
// is not written with its batch: the batch leases it (next_attempt_at moves a few minutes
// ahead, so no worker claims it meanwhile) and commits; the stage then writes it in parts,
// each committed on its own and each renewing the lease, and the last transaction marks it
// decoded. A crash between parts leaves it pending: when the lease runs out it is decoded
// again, and what the finished parts wrote is not written twice (see store/events.ts).
import type { Pool, PoolClient } from 'pg';
import { withTransaction } from '../store/database.ts';
import { isTransient } from '../store/transient.ts';

export interface SpooledMessage {
  id: string;
  receivedAt: Date;
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
  /** Attempts made before this one (a transient fault counts one). */
  attempts: number;
}

/** What a stage decoded, written with the row's state in one statement: the report (JSON) and its kind. */
export interface DecodedReport {
  report: string;
  kind: string;
}

/** A message and what reading it gave. */
export interface ReadMessage<T> {
  message: SpooledMessage;
  read: T;
}

/**
 * Decodes stored messages: `read` one message without the database (a throw fails that
 * message), then `write` what several read messages say with `tx`, the transaction that
 * marks them decoded; for each, what to keep beside its row. `committed` hears what was
 * written, once, after the commit.
 */
export interface DecodeStage<T = unknown, W extends DecodedReport | void = DecodedReport | void> {
  read(message: SpooledMessage): Promise<T>;
  write(tx: PoolClient, messages: Array<ReadMessage<T>>): Promise<W[]>;
  committed?(messages: Array<ReadMessage<T>>, written: W[]): void;
  /**
   * For a read too large for one transaction: writes it in parts, each in a transaction of
   * its own from `pool`, calling `renewLease` in each before its work. Writing a part a
   * second time (after a crash) must change nothing. A stage without it writes every
   * message with its batch.
   */
  writeInParts?: {
    isLarge(read: T): boolean;
    write(pool: Pool, item: ReadMessage<T>, renewLease: (tx: PoolClient) => Promise<void>): Promise<W>;
  };
}

/** A stage that decodes and writes each message on its own, in order. */
export function eachMessage(
  decodeOne: (message: SpooledMessage, tx: PoolClient) => Promise<DecodedReport | void>,
): DecodeStage<null> {
  return {
    read: async () => null,
    write: async (tx, messages) => {
      const written: Array<DecodedReport | void> = [];
      for (const { message } of messages) written.push(await decodeOne(message, tx));
      return written;
    },
  };
}

export interface DecodeObserver {
  decoded(count: number): void;
  failed(count: number): void;
  /** Messages put back in the queue after a transient database fault. */
  retried?(count: number): void;
}

export interface DecodeQueueOptions {
  batchSize: number;
  /** How often to look for work stored by others or left by a crash. */
  pollMs: number;
  /** The first retry after a transient fault waits this long, doubling each attempt up to 10 minutes (default 1 s). */
  retryBaseMs?: number;
  /** Bytes of raw messages a batch holds at a time (default DECODE_BATCH_BYTES). */
  maxBatchBytes?: number;
  /**
   * Told that something was stored, wait this long before claiming (default 0): in a
   * burst, the messages of the next few milliseconds join the batch, and a batch costs
   * the same few statements whatever its size.
   */
  gatherMs?: number;
  /**
   * While `busy()` (messages are arriving), this worker spends at most `share` of its time
   * on batches: after a batch that took t ms it rests t × (1 / share − 1) ms. Storing comes
   * first, so that the 250s keep their pace through a flood; decoding goes on at its share
   * and catches up at full speed when the flood ends.
   */
  yieldTo?: { busy(): boolean; share: number };
}

// The claim takes the envelope and size only; the bytes are read in slices of at most
// maxBatchBytes (see loadRaw), so a batch of large messages never sits in memory at once.
const CLAIM = `
  select id, received_at, mail_from, rcpt_to, decode_attempts, size_bytes
    from raw_messages
   where decode_state = 'pending' and (next_attempt_at is null or next_attempt_at <= now())
   order by id
   limit $1
     for update skip locked`;

/** Default bytes of raw messages held by one batch at a time. */
const DECODE_BATCH_BYTES = 32 * 1024 * 1024;

/** How long a message written in parts is kept from other workers between two of its parts. */
const LEASE_SECONDS = 300;

async function lease(tx: PoolClient, ids: string[]): Promise<void> {
  await tx.query(
    `update raw_messages set next_attempt_at = clock_timestamp() + make_interval(secs => $2)
      where id = any($1::bigint[])`,
    [ids, LEASE_SECONDS],
  );
}

interface ClaimedRow {
  id: string;
  received_at: Date;
  mail_from: string;
  rcpt_to: string[];
  decode_attempts: number;
  size_bytes: number;
}

/** The claimed rows in slices whose bytes add up to at most maxBytes (a slice holds at least one row). */
function slices(rows: ClaimedRow[], maxBytes: number): ClaimedRow[][] {
  const out: ClaimedRow[][] = [];
  let current: ClaimedRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    if (current.length > 0 && bytes + row.size_bytes > maxBytes) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += row.size_bytes;
  }
  if (current.length) out.push(current);
  return out;
}

async function loadRaw(client: PoolClient, rows: ClaimedRow[]): Promise<Map<string, Buffer>> {
  // In text format, where a bytea comes as hex: pg reads every binary-format value as a
  // UTF-8 string first, which would change the bytes of 8-bit messages.
  const { rows: raws } = await client.query<{ id: string; raw: Buffer }>(
    'select id::text as id, raw from raw_messages where id = any($1::bigint[])',
    [rows.map((r) => r.id)],
  );
  return new Map(raws.map((r) => [r.id, r.raw]));
}

const MAX_RETRY_DELAY_MS = 600_000;

/** The wait before attempt `attempts` + 1: exponential, capped. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(attempts - 1, 20));
}

interface Tally {
  decoded: number;
  failed: number;
  retried: number;
}

/** Marks pending messages decoded, with what their stage wrote, in one statement; returns how many it marked. */
async function markDecoded(tx: PoolClient, ids: string[], written: Array<DecodedReport | void>): Promise<number> {
  const { rowCount } = await tx.query(
    `update raw_messages r
        set decode_state = 'decoded', decoded_at = clock_timestamp(), decode_error = null,
            decode_attempts = decode_attempts + 1, next_attempt_at = null,
            report = coalesce(u.report::jsonb, r.report), report_kind = coalesce(u.kind, r.report_kind)
       from unnest($1::bigint[], $2::text[], $3::text[]) as u(id, report, kind)
      where r.id = u.id and r.decode_state = 'pending'`,
    [ids, written.map((w) => (w ? w.report : null)), written.map((w) => (w ? w.kind : null))],
  );
  return rowCount ?? 0;
}

/** The verdict on one message whose decoding threw: back to the queue if the fault was transient, else failed. */
async function markUnfinished(
  tx: PoolClient,
  message: SpooledMessage,
  err: unknown,
  retryBaseMs: number,
  tally: Tally,
): Promise<void> {
  const why = String((err as Error).stack ?? err).slice(0, 4000);
  if (isTransient(err)) {
    await tx.query(
      `update raw_messages set decode_attempts = decode_attempts + 1, decode_error = $2,
              next_attempt_at = clock_timestamp() + make_interval(secs => $3)
        where id = $1 and decode_state = 'pending'`,
      [message.id, why, retryDelayMs(message.attempts + 1, retryBaseMs) / 1000],
    );
    tally.retried++;
  } else {
    await tx.query(
      `update raw_messages set decode_state = 'failed', decoded_at = clock_timestamp(), decode_error = $2,
              decode_attempts = decode_attempts + 1, next_attempt_at = null where id = $1 and decode_state = 'pending'`,
      [message.id, why],
    );
    tally.failed++;
  }
}

/**
 * Writes read messages together; if that fails, one at a time, so that each gets its own
 * verdict. If the connection itself is gone, the rollback throws too: the whole batch rolls
 * back and stays pending, to be claimed again.
 */
async function writeIsolated<T, W extends DecodedReport | void>(
  tx: PoolClient,
  stage: DecodeStage<T, W>,
  items: Array<ReadMessage<T>>,
  retryBaseMs: number,
  tally: Tally,
  done: { items: Array<ReadMessage<T>>; written: W[] },
): Promise<void> {
  if (items.length === 0) return;
  await tx.query('savepoint decode_write');
  try {
    const written = await stage.write(tx, items);
    await markDecoded(
      tx,
      items.map((i) => i.message.id),
      written,
    );
    await tx.query('release savepoint decode_write');
    tally.decoded += items.length;
    done.items.push(...items);
    done.written.push(...written);
  } catch (err) {
    await tx.query('rollback to savepoint decode_write');
    await tx.query('release savepoint decode_write');
    if (items.length === 1) return markUnfinished(tx, items[0]!.message, err, retryBaseMs, tally);
    for (const item of items) await writeIsolated(tx, stage, [item], retryBaseMs, tally, done);
  }
}

/**
 * Writes one leased message in parts (see the top of this file), then marks it decoded; a
 * fault gives it its verdict as in a batch. Another worker that took it after the lease ran
 * out may have marked it first: then this one marks nothing and counts nothing.
 */
async function writeLeased<T, W extends DecodedReport | void>(
  pool: Pool,
  stage: DecodeStage<T, W>,
  item: ReadMessage<T>,
  retryBaseMs: number,
  tally: Tally,
): Promise<{ written: W } | null> {
  const id = item.message.id;
  try {
    const written = await stage.writeInParts!.write(pool, item, (tx) => lease(tx, [id]));
    const marked = await withTransaction(pool, (tx) => markDecoded(tx, [id], [written]));
    if (marked === 0) return null;
    tally.decoded++;
    return { written };
  } catch (err) {
    // If even the verdict cannot be written (the database is gone), the lease brings the
    // message back when it runs out.
    await withTransaction(pool, (tx) => markUnfinished(tx, item.message, err, retryBaseMs, tally)).catch(
      () => undefined,
    );
    return null;
  }
}

/** Claims and decodes one batch; returns how many rows it took. */
export async function decodeBatch<T, W extends DecodedReport | void>(
  pool: Pool,
  stage: DecodeStage<T, W>,
  batchSize: number,
  observer?: DecodeObserver,
  retryBaseMs = 1000,
  maxBatchBytes = DECODE_BATCH_BYTES,
): Promise<number> {
  const tally: Tally = { decoded: 0, failed: 0, retried: 0 };
  const done = { items: [] as Array<ReadMessage<T>>, written: [] as W[] };
  const large: Array<ReadMessage<T>> = [];
  const claimed = await withTransaction(pool, async (client) => {
    const { rows } = await client.query<ClaimedRow>(CLAIM, [batchSize]);
    for (const slice of slices(rows, maxBatchBytes)) {
      const raws = await loadRaw(client, slice);
      const messages = slice.map(
        (row): SpooledMessage => ({
          id: String(row.id),
          receivedAt: row.received_at,
          mailFrom: row.mail_from,
          rcptTo: row.rcpt_to,
          raw: raws.get(String(row.id))!,
          attempts: row.decode_attempts,
        }),
      );
      raws.clear();
      // Every message of the slice is read before any is written: the reads (a thread of
      // their own in the server) go on while nothing waits on the database.
      const reads = await Promise.allSettled(messages.map((m) => stage.read(m)));
      const read: Array<ReadMessage<T>> = [];
      for (const [i, outcome] of reads.entries()) {
        if (outcome.status === 'rejected')
          await markUnfinished(client, messages[i]!, outcome.reason, retryBaseMs, tally);
        else if (stage.writeInParts?.isLarge(outcome.value)) large.push({ message: messages[i]!, read: outcome.value });
        else read.push({ message: messages[i]!, read: outcome.value });
      }
      await writeIsolated(client, stage, read, retryBaseMs, tally, done);
    }
    if (large.length)
      await lease(
        client,
        large.map((l) => l.message.id),
      );
    return rows.length;
  });
  // After the batch's commit, so that no transaction stays open while a large message is written.
  for (const item of large) {
    const outcome = await writeLeased(pool, stage, item, retryBaseMs, tally);
    if (outcome) {
      done.items.push(item);
      done.written.push(outcome.written);
    }
  }
  if (tally.decoded) observer?.decoded(tally.decoded);
  if (tally.failed) observer?.failed(tally.failed);
  if (tally.retried) observer?.retried?.(tally.retried);
  if (done.items.length) stage.committed?.(done.items, done.written);
  return claimed;
}

/** Runs decodeBatch whenever told that something was stored, and every pollMs. */
export class DecodeWorker<T = unknown, W extends DecodedReport | void = DecodedReport | void> {
  private running = false;
  private wake: (() => void) | undefined;
  /** Ends any rest: stop. */
  private halt: (() => void) | undefined;
  private gathering: NodeJS.Timeout | undefined;
  /** Something was stored since the current batch was claimed: look again after it. */
  private stored = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly stage: DecodeStage<T, W>,
    private readonly opts: DecodeQueueOptions,
    private readonly onError: (err: Error) => void,
    private readonly observer?: DecodeObserver,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was stored: look now (after gatherMs) rather than at the next poll. */
  notify(): void {
    this.stored = true;
    if (!this.wake || this.gathering) return;
    const gatherMs = this.opts.gatherMs ?? 0;
    if (gatherMs <= 0) {
      this.wake();
      return;
    }
    this.gathering = setTimeout(() => {
      this.gathering = undefined;
      this.wake?.();
    }, gatherMs);
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.gathering);
    this.gathering = undefined;
    this.halt?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let took = 0;
      this.stored = false;
      const started = performance.now();
      try {
        took = await decodeBatch(
          this.pool,
          this.stage,
          this.opts.batchSize,
          this.observer,
          this.opts.retryBaseMs,
          this.opts.maxBatchBytes,
        );
      } catch (err) {
        this.onError(err as Error);
      }
      const yieldTo = this.opts.yieldTo;
      if (took > 0 && yieldTo?.busy()) await this.rest((performance.now() - started) * (1 / yieldTo.share - 1), false);
      if (took === this.opts.batchSize) continue; // more may be waiting
      // Stored while this batch was being written: look again, after gathering a little.
      await this.rest(this.stored ? (this.opts.gatherMs ?? 0) : this.opts.pollMs, true);
    }
  }

  /** Waits `ms`, or until stopped, or (when `wakeable`) until told that something was stored. */
  private async rest(ms: number, wakeable: boolean): Promise<void> {
    if (!this.running || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      const end = () => {
        clearTimeout(timer);
        resolve();
      };
      this.halt = end;
      if (wakeable) this.wake = end;
    });
    this.wake = undefined;
    this.halt = undefined;
  }
}
