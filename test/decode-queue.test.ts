// The decoding queue: pending rows are claimed with FOR UPDATE SKIP LOCKED, so two workers
// (two instances) decode each row exactly once, a failure is kept with its error, and rows
// stored before a restart are picked up.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { pino } from 'pino';
import { DecodeWorker, decodeBatch, eachMessage } from '../src/ingest/decode-queue.ts';
import { Spool } from '../src/ingest/spool.ts';
import { createPool } from '../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { bounceTo } from './support/envelope.ts';
import { decodeWithWorkers } from './support/workers.ts';

let db: TestDatabase;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, { max: 8, timeoutMs: 5000 }, pino({ level: 'silent' }));
});
after(async () => {
  await pool?.end();
  await db?.drop();
});

async function storeMessages(count: number, tag: string): Promise<string[]> {
  const spool = new Spool(pool, {
    windowMs: 1,
    maxBatch: 100,
    deadlineMs: 5000,
    maxConcurrentCommits: 2,
    instance: 'test',
  });
  const stored = await Promise.all(
    Array.from({ length: count }, (_, n) =>
      spool.store(bounceTo('b@bounces.example.com', Buffer.from(`Subject: ${tag} ${n}\r\n\r\nbody\r\n`))),
    ),
  );
  await spool.close();
  return stored.map((s) => s.id);
}

test('two workers decoding at once take every row exactly once', async () => {
  const ids = await storeMessages(200, 'twice');
  const seen = new Map<string, number>();
  // The stage writes inside the claiming transaction, as the real decoder will.
  const stage = eachMessage(async (message, tx) => {
    seen.set(message.id, (seen.get(message.id) ?? 0) + 1);
    await tx.query('select pg_sleep(0.001)');
  });
  await decodeWithWorkers(pool, stage, 2, 10, 20_000);
  assert.equal(seen.size, 200);
  assert.ok(
    [...seen.values()].every((n) => n === 1),
    'a row was decoded twice',
  );
  assert.deepEqual([...seen.keys()].sort(), [...ids].sort());
  const { rows } = await pool.query(
    `select count(*)::int as n from raw_messages where decode_state = 'decoded' and decode_attempts = 1`,
  );
  assert.equal(rows[0].n, 200);
});

test('a message that fails to decode is kept, marked failed with the error, and does not stop the batch', async () => {
  const [bad, good] = await storeMessages(2, 'failing');
  const stage = eachMessage(async (message, tx) => {
    // This write must be undone with the failure: nothing half-decoded stays.
    await tx.query(`update raw_messages set helo = 'touched' where id = $1`, [message.id]);
    if (message.id === bad) throw new Error('cannot read this one');
  });
  let took: number;
  do took = await decodeBatch(pool, stage, 50);
  while (took > 0);
  const { rows } = await pool.query<{
    id: string;
    decode_state: string;
    decode_error: string | null;
    helo: string | null;
    raw: Buffer;
  }>(
    'select id::text, decode_state, decode_error, helo, raw from raw_messages where id = ' +
      'any($1::bigint[]) order by id',
    [[bad, good]],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.equal(byId.get(bad!)!.decode_state, 'failed');
  assert.match(byId.get(bad!)!.decode_error!, /cannot read this one/);
  assert.equal(byId.get(bad!)!.helo, null, 'the failed decode was rolled back to its savepoint');
  assert.ok(byId.get(bad!)!.raw.length > 0);
  assert.equal(byId.get(good!)!.decode_state, 'decoded');
  assert.equal(byId.get(good!)!.helo, 'touched');
});

test('a worker started later picks up rows stored before it (restart, or another instance)', async () => {
  const ids = await storeMessages(5, 'later');
  const seen: string[] = [];
  const worker = new DecodeWorker(
    pool,
    eachMessage(async (m) => void seen.push(m.id)),
    { batchSize: 100, pollMs: 10_000 },
    (e) => assert.fail(e),
  );
  worker.start();
  const deadline = Date.now() + 5000;
  while (seen.length < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await worker.stop();
  assert.deepEqual(seen.sort(), [...ids].sort());
});

test('transient faults (deadlock, serialization, statement timeout) go back to the queue and pass later', async () => {
  const ids = await storeMessages(4, 'transient');
  const faults = new Map<string, string[]>([
    // Real errors from the real server, each of the class it names.
    [ids[0]!, [`do $$ begin raise exception 'deadlock detected' using errcode = '40P01'; end $$`]],
    [ids[1]!, [`do $$ begin raise exception 'could not serialize access' using errcode = '40001'; end $$`]],
    [ids[2]!, ['set local statement_timeout = 50', 'select pg_sleep(1)']],
  ]);
  const stage = eachMessage(async (message, tx) => {
    await tx.query(`update raw_messages set helo = 'touched' where id = $1`, [message.id]);
    const fault = faults.get(message.id);
    // Each faulty message fails at its first two recorded attempts, then passes.
    if (fault && message.attempts < 2) for (const sql of fault) await tx.query(sql);
    if (fault) await tx.query('set local statement_timeout = 0');
  });
  const retried: number[] = [];
  const deadline = Date.now() + 20_000;
  for (;;) {
    await decodeBatch(
      pool,
      stage,
      50,
      { decoded: () => undefined, failed: () => undefined, retried: (n) => retried.push(n) },
      50,
    );
    const { rows } = await pool.query(
      `select count(*)::int as n from raw_messages where id = any($1::bigint[]) and decode_state = 'pending'`,
      [ids],
    );
    if (rows[0].n === 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const { rows } = await pool.query<{
    id: string;
    decode_state: string;
    decode_attempts: number;
    decode_error: string | null;
    next_attempt_at: Date | null;
  }>(
    'select id::text, decode_state, decode_attempts, decode_error, next_attempt_at from ' +
      'raw_messages where id = any($1::bigint[]) order by id',
    [ids],
  );
  assert.deepEqual(
    rows.map((r) => [r.decode_state, r.decode_attempts, r.decode_error, r.next_attempt_at]),
    [
      ['decoded', 3, null, null],
      ['decoded', 3, null, null],
      ['decoded', 3, null, null],
      ['decoded', 1, null, null],
    ],
  );
  assert.equal(
    retried.reduce((a, b) => a + b, 0),
    6,
  );
});

test('a retried message waits for its next attempt time, doubling each attempt', async () => {
  const { retryDelayMs } = await import('../src/ingest/decode-queue.ts');
  assert.deepEqual(
    [1, 2, 3, 4].map((n) => retryDelayMs(n, 1000)),
    [1000, 2000, 4000, 8000],
  );
  assert.equal(retryDelayMs(30, 1000), 600_000);
  const [id] = await storeMessages(1, 'waiting');
  await pool.query(`update raw_messages set next_attempt_at = now() + interval '1 hour' where id = $1`, [id]);
  const seen: string[] = [];
  await decodeBatch(
    pool,
    eachMessage(async (m) => void seen.push(m.id)),
    50,
  );
  assert.ok(!seen.includes(id!), 'a message is not taken before its next attempt time');
});

test('a batch reads its raw messages in slices of bounded bytes, and decodes every one', async () => {
  const ids = await storeMessages(30, 'sliced');
  const seen = new Map<string, number>();
  // One byte per slice: every message is read on its own, and still decoded exactly once, in order.
  let took: number;
  do
    took = await decodeBatch(
      pool,
      eachMessage(async (m) => void seen.set(m.id, m.raw.length)),
      50,
      undefined,
      1000,
      1,
    );
  while (took > 0);
  assert.deepEqual(
    [...seen.keys()].filter((id) => ids.includes(id)),
    ids,
  );
  assert.ok([...seen.values()].every((n) => n > 0));
});

test('a stage gets the stored bytes exactly: 8-bit text that is not UTF-8 included', async () => {
  const spool = new Spool(pool, {
    windowMs: 1,
    maxBatch: 100,
    deadlineMs: 5000,
    maxConcurrentCommits: 2,
    instance: 'test',
  });
  // Latin-1 (é = 0xE9), a lone UTF-8 lead byte, and every byte value but NUL.
  const raw = Buffer.concat([
    Buffer.from('Subject: r\xe9sum\xe9\r\n\r\n', 'latin1'),
    Buffer.from([0xc3, 0x0d, 0x0a]),
    Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1)),
  ]);
  const { id } = await spool.store(bounceTo('b@bounces.example.com', raw));
  await spool.close();
  const seen = new Map<string, Buffer>();
  let took: number;
  do
    took = await decodeBatch(
      pool,
      eachMessage(async (m) => void seen.set(m.id, Buffer.from(m.raw))),
      50,
    );
  while (took > 0);
  assert.ok(seen.get(id)!.equals(raw), 'the bytes the stage read differ from those stored');
});

test('while messages arrive, a worker rests after each batch for its share; stop ends a rest at once', async () => {
  await storeMessages(3, 'yielding');
  const batches: Array<{ start: number; end: number }> = [];
  const slow = eachMessage(async (_m, tx) => {
    const start = performance.now();
    await tx.query('select pg_sleep(0.03)');
    batches.push({ start, end: performance.now() });
  });
  const waitFor = async (n: number) => {
    const deadline = Date.now() + 5000;
    while (batches.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  };
  // A quarter of its time: a batch of at least 30 ms is followed by at least 90 ms of rest.
  const quarter = new DecodeWorker(
    pool,
    slow,
    { batchSize: 1, pollMs: 10_000, yieldTo: { busy: () => true, share: 0.25 } },
    (e) => assert.fail(e),
  );
  quarter.start();
  await waitFor(2);
  await quarter.stop();
  assert.equal(batches.length, 2);
  assert.ok(batches[1]!.start - batches[0]!.end >= 90, `rested ${batches[1]!.start - batches[0]!.end} ms`);

  // A hundredth: the rest after one batch is at least 2.97 s, and stop does not wait for it.
  const hundredth = new DecodeWorker(
    pool,
    slow,
    { batchSize: 1, pollMs: 10_000, yieldTo: { busy: () => true, share: 0.01 } },
    (e) => assert.fail(e),
  );
  hundredth.start();
  await waitFor(3);
  const stopping = performance.now();
  await hundredth.stop();
  assert.ok(performance.now() - stopping < 2000, 'stop waited for the rest');
  assert.equal(batches.length, 3);
});
