// A decoding instance killed in the middle of its work (SIGKILL: no goodbye, a batch's
// transaction open): nothing it had not committed counts, and whoever decodes next (here a
// second instance on the same database) decides every message exactly once: one event per
// fact, one quarantine per hard bounce, nothing pending or failed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Spool } from '../src/ingest/spool.ts';
import { spawnServer } from './support/child-server.ts';
import { useTestDatabase } from './support/db.ts';
import { bounceTo } from './support/envelope.ts';
import { dsnNotice } from './support/notices.ts';

const DOMAIN = 'bounces.example.com';
const COUNT = 3000;
const fixture = useTestDatabase(4);

/** A DSN about the registered send `i`: a hard bounce for even i, a full mailbox for odd. */
const dsn = (i: number) =>
  dsnNotice(`user${i}@d${i % 40}.example`, `killed-${i}@sender.example`, i % 2 ? '552 5.2.2 mailbox full' : undefined);

test('SIGKILL while decoding a backlog: the next instance decides every message exactly once', async () => {
  await fixture.pool.query(
    `insert into sent_messages (message_id, recipient, campaign)
     select 'killed-' || g || '@sender.example', 'user' || g || '@d' || (g % 40) || '.example', 'killed'
     from generate_series(0, $1::int - 1) g`,
    [COUNT],
  );
  // The backlog, stored as the SMTP side stores it, before any decoder runs.
  const spool = new Spool(fixture.pool, {
    windowMs: 1,
    maxBatch: 200,
    deadlineMs: 30_000,
    maxConcurrentCommits: 2,
    instance: 'test',
  });
  await Promise.all(Array.from({ length: COUNT }, (_, i) => spool.store(bounceTo(`b@${DOMAIN}`, dsn(i)))));
  await spool.close();

  // Small batches (DECODE_BATCH_SIZE) so that the kill lands between and inside them.
  const env = {
    DATABASE_URL: fixture.db.url,
    BOUNCE_DOMAINS: DOMAIN,
    DECODE_BATCH_SIZE: '20',
    DECODE_WORKERS: '2',
    BREAKER_MIN_HARD: '1000000',
  };
  const first = await spawnServer(env);
  const deadline = Date.now() + 30_000;
  let decoded = 0;
  while (Date.now() < deadline) {
    decoded = (await fixture.pool.query(`select count(*)::int as n from raw_messages where decode_state <> 'pending'`))
      .rows[0].n;
    if (decoded > 0) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  first.proc.kill('SIGKILL');
  await first.exited;
  const left = (await fixture.pool.query(`select count(*)::int as n from raw_messages where decode_state = 'pending'`))
    .rows[0].n;
  assert.ok(decoded > 0 && left > 0, `killed in the middle: ${decoded} decoded, ${left} pending`);

  const second = await spawnServer(env);
  try {
    const until = Date.now() + 60_000;
    while (
      Date.now() < until &&
      (await fixture.pool.query(`select count(*)::int as n from raw_messages where decode_state = 'pending'`)).rows[0]
        .n > 0
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    second.proc.kill('SIGTERM');
    await second.exited;
  }
  const states = await fixture.pool.query(`select decode_state, count(*)::int as n from raw_messages group by 1`);
  assert.deepEqual(states.rows, [{ decode_state: 'decoded', n: COUNT }]);
  const events = await fixture.pool.query(
    `select count(*)::int as n, count(distinct raw_message_id)::int as messages from bounce_events`,
  );
  assert.deepEqual(events.rows[0], { n: COUNT, messages: COUNT });
  // Each hard bounce quarantined its address once; each soft one counted once.
  const history = await fixture.pool.query(
    `select to_state, count(*)::int as n, count(distinct address)::int as addresses
     from address_standing_history group by 1 order by 1`,
  );
  assert.deepEqual(history.rows, [
    { to_state: 'quarantined', n: COUNT / 2, addresses: COUNT / 2 },
    { to_state: 'soft_bouncing', n: COUNT / 2, addresses: COUNT / 2 },
  ]);
  const effects = await fixture.pool.query(
    `select standing_effect, count(*)::int as n from bounce_events group by 1 order by 1`,
  );
  assert.deepEqual(effects.rows, [
    { standing_effect: 'counted', n: COUNT / 2 },
    { standing_effect: 'quarantined', n: COUNT / 2 },
  ]);
  const counts = await fixture.pool.query(
    `select sent, bounced, hard_bounced from campaign_bounce_rate where campaign = 'killed'`,
  );
  assert.deepEqual(counts.rows, [{ sent: String(COUNT), bounced: String(COUNT), hard_bounced: String(COUNT / 2) }]);
});
