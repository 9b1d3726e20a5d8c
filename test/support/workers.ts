// Runs decoding workers until no message is pending (bounded), then stops them.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { type DecodeStage, DecodeWorker } from '../../src/ingest/decode-queue.ts';

export async function decodeWithWorkers(
  pool: pg.Pool,
  stage: DecodeStage,
  count: number,
  batchSize: number,
  timeoutMs = 30_000,
): Promise<void> {
  const errors: Error[] = [];
  const workers = Array.from(
    { length: count },
    () => new DecodeWorker(pool, stage, { batchSize, pollMs: 20 }, (e) => errors.push(e)),
  );
  for (const w of workers) w.start();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { rows } = await pool.query(`select count(*)::int as n from raw_messages where decode_state = 'pending'`);
    if (rows[0].n === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await Promise.all(workers.map((w) => w.stop()));
  assert.deepEqual(errors, []);
}
