// Two instances on one database share a burst, as two MX hosts do: each message is stored
// by the instance that took it and decoded by whichever claims it first, exactly once; the
// facts about registered sends change each standing once.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { RunningServer } from '../src/serve.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { deliver } from './support/deliver.ts';
import { dsnNotice } from './support/notices.ts';
import { BOUNCE_DOMAIN, startTestServer } from './support/server.ts';

const API = 'two-instances-registry-token-0123456789';
let db: TestDatabase;
let pool: pg.Pool;
let first: RunningServer;
let second: RunningServer;

before(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  first = await startTestServer(db.url, { SENT_API_TOKEN: API, INSTANCE_NAME: 'mx1' });
  second = await startTestServer(db.url, { SENT_API_TOKEN: API, INSTANCE_NAME: 'mx2' });
});
after(async () => {
  await second?.shutdown();
  await first?.shutdown();
  await pool?.end();
  await db?.drop();
});

test('200 through both instances: each message stored once, decoded once, each address quarantined once', async () => {
  const sends = Array.from({ length: 200 }, (_, n) => ({
    messageId: `two-${n}@sender.example`,
    recipient: `user${n}@d${n % 4}.example`,
    campaign: 'two',
  }));
  const res = await fetch(`http://127.0.0.1:${first.httpPort}/v1/sent-messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
    body: JSON.stringify(sends),
  });
  assert.equal(res.status, 200, await res.text());
  const lanes = Array.from({ length: 8 }, async (_, lane) => {
    for (let n = lane; n < 200; n += 8)
      await deliver(
        (n % 2 ? first : second).smtpPort,
        dsnNotice(`user${n}@d${n % 4}.example`, `two-${n}@sender.example`),
        `b@${BOUNCE_DOMAIN}`,
      );
  });
  await Promise.all(lanes);
  const deadline = Date.now() + 60_000;
  let pending = -1;
  while (Date.now() < deadline) {
    pending = (await pool.query(`select count(*)::int as n from raw_messages where decode_state <> 'decoded'`)).rows[0]
      .n;
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(pending, 0);
  const stored = await pool.query(
    `select instance, count(*)::int as n, max(decode_attempts)::int as attempts from raw_messages group by 1
     order by 1`,
  );
  assert.deepEqual(stored.rows, [
    { instance: 'mx1', n: 100, attempts: 1 },
    { instance: 'mx2', n: 100, attempts: 1 },
  ]);
  const events = await pool.query(
    `select count(*)::int as n, count(distinct recipient)::int as addresses from bounce_events`,
  );
  assert.deepEqual(events.rows[0], { n: 200, addresses: 200 });
  const history = await pool.query(
    `select count(*)::int as n from address_standing_history where to_state = 'quarantined' or cause = 'breaker'`,
  );
  assert.equal(history.rows[0].n, 200, 'each address quarantined (or held by its breaker) exactly once');
});
