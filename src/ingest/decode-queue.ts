// Decoding runs after the 250, from the stored row. Rows with decode_state = 'pending' are
// the queue: any instance claims a batch with FOR UPDATE SKIP LOCKED, so rows left by a
// crash, or stored by another instance, are picked up, and two workers never take the same
// row. Each row is decoded inside a savepoint: a message that fails to decode is marked
// 'failed' with the error, stays stored, and is decoded again by `bounced reprocess`. A
// transient database fault (store/transient.ts) is no verdict on the message: it goes back
// to the queue with its attempts counted and a later next_attempt_at (exponential backoff),
// never to 'failed'.
import type { Pool, PoolClient } from 'pg';
import { isTransient } from '../store/transient.ts';

export interface SpooledMessage {
  id: string;
  receivedAt: Date;
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
}

/** What a stage decoded, written with the row's state in one statement: the report (JSON) and its kind. */
export interface DecodedReport {
  report: string;
  kind: string;
}

/** Decodes one message and writes its results with `tx`, the transaction that marks it decoded. */
export type DecodeStage = (message: SpooledMessage, tx: PoolClient) => Promise<DecodedReport | void>;

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
  const { rows: raws } = await client.query<{ id: string; raw: Buffer }>('select id, raw from raw_messages where id = any($1::bigint[])', [rows.map((r) => r.id)]);
  return new Map(raws.map((r) => [String(r.id), r.raw]));
}

const MAX_RETRY_DELAY_MS = 600_000;

/** The wait before attempt `attempts` + 1: exponential, capped. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(attempts - 1, 20));
}

/** Claims and decodes one batch; returns how many rows it took. */
export async function decodeBatch(
  pool: Pool,
  stage: DecodeStage,
  batchSize: number,
  observer?: DecodeObserver,
  retryBaseMs = 1000,
  maxBatchBytes = DECODE_BATCH_BYTES,
): Promise<number> {
  const client = await pool.connect();
  let decoded = 0;
  let failed = 0;
  let retried = 0;
  try {
    await client.query('begin');
    const { rows } = await client.query<ClaimedRow>(CLAIM, [batchSize]);
    for (const slice of slices(rows, maxBatchBytes)) {
      const raws = await loadRaw(client, slice);
      for (const row of slice) {
        const message: SpooledMessage = {
          id: String(row.id),
          receivedAt: row.received_at,
          mailFrom: row.mail_from,
          rcptTo: row.rcpt_to,
          raw: raws.get(String(row.id))!,
        };
        raws.delete(message.id); // its bytes may go once it is decoded
        await client.query('savepoint decode_one');
        try {
          const written = await stage(message, client);
          await client.query(
            `update raw_messages set decode_state = 'decoded', decoded_at = clock_timestamp(), decode_error = null,
                    decode_attempts = decode_attempts + 1, next_attempt_at = null,
                    report = coalesce($2::jsonb, report), report_kind = coalesce($3, report_kind)
              where id = $1`,
            [message.id, written ? written.report : null, written ? written.kind : null],
          );
          await client.query('release savepoint decode_one');
          decoded++;
        } catch (err) {
          // If the connection itself is gone, this throws too: the whole batch rolls back and
          // stays pending, to be claimed again.
          await client.query('rollback to savepoint decode_one');
          const why = String((err as Error).stack ?? err).slice(0, 4000);
          if (isTransient(err)) {
            await client.query(
              `update raw_messages set decode_attempts = decode_attempts + 1, decode_error = $2,
                      next_attempt_at = clock_timestamp() + make_interval(secs => $3) where id = $1`,
              [message.id, why, retryDelayMs(row.decode_attempts + 1, retryBaseMs) / 1000],
            );
            retried++;
          } else {
            await client.query(
              `update raw_messages set decode_state = 'failed', decoded_at = clock_timestamp(), decode_error = $2,
                      decode_attempts = decode_attempts + 1, next_attempt_at = null where id = $1`,
              [message.id, why],
            );
            failed++;
          }
        }
      }
    }
    await client.query('commit');
    if (decoded) observer?.decoded(decoded);
    if (failed) observer?.failed(failed);
    if (retried) observer?.retried?.(retried);
    return rows.length;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Runs decodeBatch whenever told that something was stored, and every pollMs. */
export class DecodeWorker {
  private running = false;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly stage: DecodeStage,
    private readonly opts: DecodeQueueOptions,
    private readonly onError: (err: Error) => void,
    private readonly observer?: DecodeObserver,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Something was stored: look now rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let took = 0;
      try {
        took = await decodeBatch(this.pool, this.stage, this.opts.batchSize, this.observer, this.opts.retryBaseMs, this.opts.maxBatchBytes);
      } catch (err) {
        this.onError(err as Error);
      }
      if (took === this.opts.batchSize) continue; // more may be waiting
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.opts.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
