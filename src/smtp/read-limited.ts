// Reads a DATA stream into memory up to a byte limit. Past the limit the rest is still read
// (so that the client finishes sending and can hear our 552) but thrown away, so an
// oversized message costs no memory beyond the limit. A shared budget bounds the bytes of
// all messages held at once: when it is spent, the message is read to its end, thrown
// away, and answered 452 4.3.1 (the sending MTA tries again later).
import type { Readable } from 'node:stream';

/** Bytes of DATA held in memory across every session, until their messages are committed. */
export class DataBudget {
  private used = 0;

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes `bytes` from the budget; false (taking nothing) when they do not fit. */
  take(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

export interface LimitedRead {
  /** The whole message, or null when it was over the limit or the budget was spent. */
  raw: Buffer | null;
  bytes: number;
  /** The shared budget was spent: answer 452 4.3.1. */
  overBudget: boolean;
  /** Bytes still taken from the budget: give them back once the message is committed or refused. */
  held: number;
}

export function readLimited(stream: Readable, limit: number, budget?: DataBudget): Promise<LimitedRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let held = 0;
    let overBudget = false;
    const drop = () => {
      chunks.length = 0;
      budget?.give(held);
      held = 0;
    };
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit || overBudget) {
        if (chunks.length) drop();
        return;
      }
      if (budget && !budget.take(chunk.length)) {
        overBudget = true;
        drop();
        return;
      }
      held += chunk.length;
      chunks.push(chunk);
    });
    stream.once('end', () => {
      const whole = bytes <= limit && !overBudget;
      if (!whole) drop();
      resolve({
        raw: whole ? Buffer.concat(chunks, bytes) : null,
        bytes,
        overBudget: overBudget && bytes <= limit,
        held,
      });
    });
    stream.once('error', (err) => {
      drop();
      reject(err);
    });
  });
}
