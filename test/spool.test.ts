// The durable spool: group commit, idempotence, and the deadline past which a client is
// told 451 with nothing stored.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { pino } from 'pino';
import type { IncomingMessage } from '../src/ingest/message.ts';
import { Spool, type SpoolOptions, SpoolUnavailableError } from '../src/ingest/spool.ts';
import { createPool } from '../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

const silent = pino({ level: 'silent' });
let db: TestDatabase;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, { max: 6, timeoutMs: 5000 }, silent);
});
after(async () => {
  await pool?.end();
  await db?.drop();
});

function message(n: number, rcpt = 'b@bounces.example.com'): IncomingMessage {
  return {
    envelope: {
      mailFrom: '',
      rcptTo: [rcpt],
      remoteIp: '192.0.2.7',
      helo: 'mx.example.net',
      tlsProtocol: 'TLSv1.3',
      sessionId: `s${n}`,
      receivedAt: new Date(),
      source: 'smtp',
    },
    raw: Buffer.from(`Subject: spool ${n}\r\nX-N: ${n}\r\n\r\n${'x'.repeat(n % 97)}\r\n`),
  };
}

const OPTIONS: SpoolOptions = {
  windowMs: 2,
  maxBatch: 100,
  deadlineMs: 5000,
  maxConcurrentCommits: 2,
  instance: 'test',
};

describe('group commit', () => {
  test('a group is capped in bytes: large messages commit alone, small ones still share', async () => {
    const batches: number[] = [];
    const spool = new Spool(
      pool,
      { ...OPTIONS, maxBatchBytes: 1024 * 1024 },
      { committed: (n) => batches.push(n), failed: () => assert.fail('no failure expected') },
    );
    const big = (n: number): IncomingMessage => ({
      ...message(n),
      raw: Buffer.concat([Buffer.from(`X-Big: ${n}\r\n\r\n`), Buffer.alloc(600 * 1024, 'b')]),
    });
    const results = await Promise.all([
      ...Array.from({ length: 6 }, (_, n) => spool.store(big(5000 + n))),
      ...Array.from({ length: 40 }, (_, n) => spool.store(message(6000 + n))),
    ]);
    await spool.close();
    assert.equal(new Set(results.map((r) => r.id)).size, 46);
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      46,
    );
    // Two 600 KB messages never share a 1 MiB group; the 40 small ones need far fewer than 40 commits.
    assert.ok(batches.length >= 6 && batches.length < 30, JSON.stringify(batches));
    const { rows } = await pool.query(
      `select count(*)::int as n from raw_messages where id = any($1::bigint[]) and size_bytes > 600000`,
      [results.map((r) => r.id)],
    );
    assert.equal(rows[0].n, 6);
  });

  test('concurrent messages share transactions, and each promise resolves after its row is committed', async () => {
    const batches: number[] = [];
    const spool = new Spool(pool, OPTIONS, {
      committed: (n) => batches.push(n),
      failed: () => assert.fail('no failure expected'),
    });
    const results = await Promise.all(Array.from({ length: 300 }, (_, n) => spool.store(message(1000 + n))));
    await spool.close();
    assert.equal(
      batches.reduce((a, b) => a + b, 0),
      300,
    );
    assert.ok(batches.length < 30, `300 messages should need far fewer than 30 commits, took ${batches.length}`);
    assert.ok(Math.max(...batches) <= OPTIONS.maxBatch);
    assert.equal(new Set(results.map((r) => r.id)).size, 300);
    assert.ok(results.every((r) => !r.duplicate));
    const { rows } = await pool.query(
      `select count(*)::int as n, count(distinct id)::int as ids, bool_and(tls_protocol = 'TLSv1.3') as tls,
              bool_and(host(remote_ip) = '192.0.2.7') as ip, bool_and(rcpt_to = array['b@bounces.example.com']) as rcpt,
              bool_and(size_bytes = octet_length(raw)) as sizes, bool_and(sha256 = sha256(raw)) as hashes
         from raw_messages where id = any($1::bigint[])`,
      [results.map((r) => r.id)],
    );
    assert.deepEqual(rows[0], { n: 300, ids: 300, tls: true, ip: true, rcpt: true, sizes: true, hashes: true });
  });

  test('the same envelope and bytes twice, even in one batch, make one row', async () => {
    const spool = new Spool(pool, OPTIONS);
    const [a, b] = await Promise.all([spool.store(message(7)), spool.store(message(7))]);
    const c = await spool.store(message(7));
    const other = await spool.store(message(7, 'c@bounces.example.com'));
    await spool.close();
    assert.equal(a!.id, b!.id);
    assert.equal(a!.id, c.id);
    assert.equal(c.duplicate, true);
    assert.notEqual(other.id, a!.id, 'another envelope is another delivery');
    const { rows } = await pool.query(`select count(*)::int as n from raw_messages where raw = $1`, [message(7).raw]);
    assert.equal(rows[0].n, 2);
  });

  test('a closed spool refuses new messages', async () => {
    const spool = new Spool(pool, OPTIONS);
    await spool.close();
    await assert.rejects(
      spool.store(message(9)),
      (err: Error) => err instanceof SpoolUnavailableError && err.reason === 'closed',
    );
  });
});

describe('when the database does not answer', () => {
  let blackHole: Server;
  const held: Socket[] = [];
  let port = 0;

  before(async () => {
    // Accepts TCP connections and never says a word: a hung or partitioned database.
    blackHole = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    port = (blackHole.address() as { port: number }).port;
  });
  after(async () => {
    for (const s of held) s.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  test('store() fails at the deadline with a SpoolUnavailableError', async () => {
    const hung = createPool(`postgres://nobody@127.0.0.1:${port}/none`, { max: 2, timeoutMs: 10_000 }, silent);
    const spool = new Spool(hung, { ...OPTIONS, deadlineMs: 300 });
    const started = Date.now();
    await assert.rejects(
      spool.store(message(11)),
      (err: Error) => err instanceof SpoolUnavailableError && err.reason === 'deadline',
    );
    const waited = Date.now() - started;
    assert.ok(waited >= 290 && waited < 5000, `waited ${waited} ms`);
    await hung.end().catch(() => undefined);
  });

  test('a refused connection fails the batch at once with reason "database"', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const down = createPool(`postgres://nobody@127.0.0.1:${closedPort}/none`, { max: 2, timeoutMs: 2000 }, silent);
    let failures = 0;
    const spool = new Spool(down, OPTIONS, {
      committed: () => assert.fail('nothing can commit'),
      failed: () => failures++,
    });
    await assert.rejects(
      spool.store(message(12)),
      (err: Error) => err instanceof SpoolUnavailableError && err.reason === 'database',
    );
    assert.equal(failures, 1);
    await down.end().catch(() => undefined);
  });
});
