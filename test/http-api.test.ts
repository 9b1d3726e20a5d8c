// The HTTP side as a stranger or a careless client meets it: the registry checks every field
// and answers 400 naming it, 413 for a body over the cap, 503 without the database's words;
// /readyz and /metrics answer from their own pool while the main one is exhausted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type pg from 'pg';
import { pino } from 'pino';
import { type HttpEndpoints, startHttp } from '../src/api/http.ts';
import { Metrics } from '../src/metrics/index.ts';
import { createPool } from '../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { freePort } from './support/net.ts';

const TOKEN = 'http-api-test-token-0123456789abcdef0123';
const log = pino({ level: 'silent' });
let db: TestDatabase;
let pool: pg.Pool;
let probePool: pg.Pool;
let http: HttpEndpoints;

before(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, { max: 1, timeoutMs: 1000 }, log);
  probePool = createPool(db.url, { max: 2, timeoutMs: 2000 }, log);
  http = await startHttp({
    host: '127.0.0.1',
    port: 0,
    pool,
    probePool,
    metrics: new Metrics(),
    log,
    isDraining: () => false,
    sentApiToken: TOKEN,
  });
});
after(async () => {
  await http?.close();
  await pool?.end();
  await probePool?.end();
  await db?.drop();
});

async function post(body: string, port = http.port, auth = `Bearer ${TOKEN}`) {
  const res = await fetch(`http://127.0.0.1:${port}/v1/sent-messages`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body,
  });
  return { status: res.status, text: await res.text() };
}

const one = (extra: Record<string, unknown>) =>
  JSON.stringify([{ messageId: '<m1@sender.example>', recipient: 'a@receiver.example', ...extra }]);

describe('POST /v1/sent-messages', () => {
  test('a wrong token, of any length, is 401', async () => {
    for (const auth of ['', 'Bearer x', `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN])
      assert.equal((await post('[]', http.port, auth)).status, 401, auth);
  });

  const BAD: Array<[string, string, RegExp]> = [
    ['not JSON', '[{', /not JSON/],
    ['not an array', '{}', /JSON array/],
    [
      'sentAt "1" (Date.parse would take it as 2001)',
      one({ sentAt: '1' }),
      /item 0: "sentAt" must be a date-time such as 2026-12-04T10:00:00Z, got "1"/,
    ],
    ['sentAt "next tuesday"', one({ sentAt: 'next tuesday' }), /"sentAt" must be a date-time/],
    ['sentAt "2026-13-45T99:00:00Z"', one({ sentAt: '2026-13-45T99:00:00Z' }), /"sentAt" must be a date-time/],
    ['sentAt in the year 275760', one({ sentAt: '+275760-09-13T00:00:00Z' }), /"sentAt"/],
    ['sentAt in 1900', one({ sentAt: '1900-01-01T00:00:00Z' }), /"sentAt" is out of range/],
    [
      'metadata of 15 MB',
      one({ metadata: { blob: 'x'.repeat(15 * 1024 * 1024) } }),
      /item 0: "metadata" is \d+ bytes as JSON; at most 16384/,
    ],
    ['metadata with a NUL', one({ metadata: { tag: 'a\u0000b' } }), /"metadata" must not contain NUL/],
    ['a campaign with a NUL', one({ campaign: 'nov\u0000' }), /"campaign" must not contain NUL/],
    ['a messageId with spaces', one({ messageId: 'a b@c' }), /"messageId" must be one Message-ID/],
    ['metadata as an array', one({ metadata: [1] }), /"metadata" must be an object/],
    ['a number as recipient', one({ recipient: 42 }), /"recipient" must be a string/],
  ];
  for (const [name, body, message] of BAD) {
    test(`400 naming the field: ${name}`, async () => {
      const res = await post(body);
      assert.equal(res.status, 400, res.text.slice(0, 200));
      assert.match(res.text, message);
    });
  }

  test('a body over 16 MiB is 413, and nothing is stored', async () => {
    const res = await post(' '.repeat(17 * 1024 * 1024));
    assert.equal(res.status, 413);
    assert.match(res.text, /over \d+ bytes/);
    const { rows } = await probePool.query('select count(*)::int as n from sent_messages');
    assert.equal(rows[0].n, 0);
  });

  test('a valid batch is stored; the date forms platforms write are read as the moment they name', async () => {
    const forms: Array<[string, string]> = [
      ['2026-12-04T10:00:00.123+01:00', '2026-12-04T09:00:00.123Z'],
      ['2026-12-04T10:00:00Z', '2026-12-04T10:00:00.000Z'],
      ['2026-12-04 10:00:00', '2026-12-04T10:00:00.000Z'], // no zone: UTC
      ['2026-12-04T10:00+0200', '2026-12-04T08:00:00.000Z'],
      ['2026-12-04', '2026-12-04T00:00:00.000Z'],
      ['Fri, 04 Dec 2026 10:00:00 +0100', '2026-12-04T09:00:00.000Z'],
    ];
    const batch = forms.map(([sentAt], i) => ({
      messageId: `<d${i}@sender.example>`,
      recipient: 'a@receiver.example',
      sentAt,
      metadata: { list: 'news' },
    }));
    const res = await post(JSON.stringify(batch));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.text), { inserted: forms.length, duplicates: 0 });
    const { rows } = await probePool.query(
      `select message_id, sent_at from sent_messages where message_id like 'd%@sender.example' order by message_id`,
    );
    assert.deepEqual(
      rows.map((r) => r.sent_at.toISOString()),
      forms.map(([, at]) => at),
    );
  });

  test("503 when the database cannot be reached, without the database's words", async () => {
    const deadPort = await freePort();
    const dead = createPool(`postgres://postgres@127.0.0.1:${deadPort}/none`, { max: 1, timeoutMs: 500 }, log);
    const other = await startHttp({
      host: '127.0.0.1',
      port: 0,
      pool: dead,
      probePool: dead,
      metrics: new Metrics(),
      log,
      isDraining: () => false,
      sentApiToken: TOKEN,
    });
    try {
      const res = await post(one({}), other.port);
      assert.equal(res.status, 503);
      assert.equal(res.text, 'the registry is unavailable; retry later\n');
      const ready = await fetch(`http://127.0.0.1:${other.port}/readyz`);
      assert.equal(ready.status, 503);
      assert.equal(await ready.text(), 'database unavailable\n');
    } finally {
      await other.close();
      await dead.end();
    }
  });
});

test('/readyz and /metrics answer while every connection of the main pool is taken', async () => {
  const held = await pool.connect(); // the main pool has one connection: now none is free
  try {
    const ready = await fetch(`http://127.0.0.1:${http.port}/readyz`);
    assert.equal(ready.status, 200);
    const metrics = await fetch(`http://127.0.0.1:${http.port}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^bounced_database_up 1$/m);
  } finally {
    held.release();
  }
});
