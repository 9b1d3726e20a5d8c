// Two workers decoding at once must change each standing exactly as one would: soft bounces
// on six different days of one address, each received twice, and a hard bounce received
// four times, decoded by two concurrent workers in whatever order they claim them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { pino } from 'pino';
import { parseKeyring } from '../src/config/keys.ts';
import { mintToken, returnPathAddress } from '../src/correlate/token.ts';
import { Spool } from '../src/ingest/spool.ts';
import { Metrics } from '../src/metrics/index.ts';
import { decode } from '../src/parse/index.ts';
import { reportStage } from '../src/pipeline/decode-stage.ts';
import { DEFAULT_EVIDENCE_POLICY } from '../src/standing/evidence.ts';
import { DEFAULT_POLICY } from '../src/standing/policy.ts';
import { createPool } from '../src/store/database.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { bounceTo } from './support/envelope.ts';
import { toCrlf } from './support/smtp-client.ts';
import { decodeWithWorkers } from './support/workers.ts';

let db: TestDatabase;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, { max: 8, timeoutMs: 10_000 }, pino({ level: 'silent' }));
});
after(async () => {
  await pool?.end();
  await db?.drop();
});

const template = toCrlf(readFileSync(new URL('./fixtures/decoder/text/exim-quota.eml', import.meta.url))).toString(
  'latin1',
);
const hard = toCrlf(readFileSync(new URL('./fixtures/decoder/dsn/postfix-rcpt-unknown.eml', import.meta.url))).toString(
  'latin1',
);
const DAY = 86_400_000;
// Each bounce comes back through the return path of its own send, a token bound to the
// recipient: the authenticated evidence a fact needs to change a standing.
const ring = parseKeyring('7:concurrency-test-secret-0123456789abcdef');
const returnPath = (sendId: string, recipient: string) =>
  returnPathAddress(mintToken({ sendId, recipient, key: ring.current }), 'bounces.example.com');

/** The server's decode stage, decoding in this thread, with this outage breaker. */
const stageWith = (breaker: { windowMs: number; minHard: number; minRatio: number }) =>
  reportStage((raw) => decode(raw), new Metrics(), {
    correlation: { keys: ring.all, headers: [], recentSendWindowMs: 0 },
    policy: DEFAULT_POLICY,
    evidence: DEFAULT_EVIDENCE_POLICY,
    breaker,
    switchboard: pool,
  });

test('two concurrent workers: soft bounces counted once a day to quarantine; a hard one quarantines once', async () => {
  const spool = new Spool(pool, {
    windowMs: 1,
    maxBatch: 50,
    deadlineMs: 10_000,
    maxConcurrentCommits: 2,
    instance: 'test',
  });
  const base = Date.now() - 10 * DAY;
  const stores = [];
  for (let day = 0; day < 6; day++) {
    for (const copy of ['a', 'b']) {
      const raw = template.replace(/dave@quota\.example/g, 'walk@soft.example');
      stores.push(
        spool.store(
          bounceTo(
            returnPath(`soft-${day}${copy}`, 'walk@soft.example'),
            Buffer.from(raw, 'latin1'),
            new Date(base + day * DAY + (copy === 'b' ? 3_600_000 : 0)),
          ),
        ),
      );
    }
  }
  for (let n = 0; n < 4; n++) {
    stores.push(
      spool.store(
        bounceTo(
          returnPath(`hard-${n}`, 'dup@hard.example'),
          Buffer.from(hard.replace(/alice@receiver\.example/g, 'dup@hard.example'), 'latin1'),
          new Date(base + n * 60_000),
        ),
      ),
    );
  }
  await Promise.all(stores);
  await spool.close();

  const stage = stageWith({ windowMs: 600_000, minHard: 1000, minRatio: 1 });
  await decodeWithWorkers(pool, stage, 2, 2);

  const soft = await pool.query(`select state, soft_count from address_standing where address = 'walk@soft.example'`);
  assert.deepEqual(soft.rows, [{ state: 'quarantined', soft_count: 5 }]);
  const effects = await pool.query(
    `select standing_effect, count(*)::int as n from bounce_events where recipient = 'walk@soft.example'
     group by 1 order by 1`,
  );
  assert.deepEqual(effects.rows, [
    { standing_effect: 'counted', n: 4 },
    { standing_effect: 'none', n: 7 },
    { standing_effect: 'quarantined', n: 1 },
  ]);
  const toQuarantine = await pool.query(
    `select count(*)::int as n from address_standing_history where address = 'walk@soft.example'
     and to_state = 'quarantined'`,
  );
  assert.equal(toQuarantine.rows[0].n, 1);

  const hardRows = await pool.query(`select state from address_standing where address = 'dup@hard.example'`);
  assert.deepEqual(hardRows.rows, [{ state: 'quarantined' }]);
  const hardHistory = await pool.query(
    `select count(*)::int as n from address_standing_history where address = 'dup@hard.example'`,
  );
  assert.equal(hardHistory.rows[0].n, 1);
});

test('two workers deciding a burst over tripped breakers never deadlock (no cycle, no retry)', async () => {
  const spool = new Spool(pool, {
    windowMs: 1,
    maxBatch: 100,
    deadlineMs: 10_000,
    maxConcurrentCommits: 2,
    instance: 'test',
  });
  const domains = ['gmail.example', 'outlook.example', 'yahoo.example', 'orange.example'];
  const stores = [];
  for (let n = 0; n < 400; n++) {
    const address = `burst${n}@${domains[n % domains.length]}`;
    stores.push(
      spool.store(
        bounceTo(
          returnPath(`burst-${n}`, address),
          Buffer.from(hard.replace(/alice@receiver\.example/g, address), 'latin1'),
        ),
      ),
    );
  }
  await Promise.all(stores);
  await spool.close();
  const stage = stageWith({ windowMs: 600_000, minHard: 20, minRatio: 0.5 });
  await decodeWithWorkers(pool, stage, 2, 10);
  const attempts = await pool.query(
    `select decode_state, decode_attempts, count(*)::int as n from raw_messages
     where position('burst' in convert_from(raw, 'LATIN1')) > 0 group by 1, 2`,
  );
  assert.deepEqual(attempts.rows, [{ decode_state: 'decoded', decode_attempts: 1, n: 400 }]);
  const breakers = await pool.query(`select domain from domain_breakers where released_at is null order by 1`);
  assert.deepEqual(
    breakers.rows.map((r) => r.domain),
    [...domains].sort(),
  );
  // Every hard fact either quarantined its address or was held by its domain's breaker.
  const effects = await pool.query(
    `select count(*)::int as n from bounce_events where recipient like 'burst%'
     and standing_effect in ('quarantined', 'held')`,
  );
  assert.equal(effects.rows[0].n, 400);
});
