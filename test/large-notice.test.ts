// A notice naming more addresses than one transaction should hold is written in parts, each
// committed on its own (here parts of 3, so that a notice of 10 takes four). A crash between
// parts leaves the message pending and leased; decoded again, it finishes what was left and
// records and applies nothing twice.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PoolClient } from 'pg';
import { parseKeyring } from '../src/config/keys.ts';
import { mintToken, returnPathAddress } from '../src/correlate/token.ts';
import { decodeBatch } from '../src/ingest/decode-queue.ts';
import { Spool } from '../src/ingest/spool.ts';
import { Metrics } from '../src/metrics/index.ts';
import { decode } from '../src/parse/index.ts';
import { reportStage } from '../src/pipeline/decode-stage.ts';
import { DEFAULT_EVIDENCE_POLICY } from '../src/standing/evidence.ts';
import { DEFAULT_POLICY } from '../src/standing/policy.ts';
import { useTestDatabase } from './support/db.ts';
import { bounceTo } from './support/envelope.ts';
import { failureNotice, manyAddresses } from './support/notices.ts';

const fixture = useTestDatabase(6);
const ring = parseKeyring('4:large-notice-test-secret-0123456789abcd');

function stageWithParts(partSize: number) {
  return reportStage(
    (raw) => decode(raw),
    new Metrics(),
    {
      correlation: { keys: ring.all, headers: [], recentSendWindowMs: 0 },
      policy: DEFAULT_POLICY,
      evidence: DEFAULT_EVIDENCE_POLICY,
      breaker: { windowMs: 600_000, minHard: 50, minRatio: 0.2 },
      switchboard: fixture.pool,
    },
    partSize,
  );
}

/** Stores one message for the return path `rcpt`; its id. */
async function store(rcpt: string, raw: string): Promise<string> {
  const spool = new Spool(fixture.pool, {
    windowMs: 0,
    maxBatch: 1,
    deadlineMs: 5000,
    maxConcurrentCommits: 1,
    instance: 'test',
  });
  const { id } = await spool.store(bounceTo(rcpt, Buffer.from(raw)));
  await spool.close();
  return id;
}

test('10 addresses in parts of 3: a crash after three parts, then the rest, each fact once', async () => {
  const addresses = manyAddresses(10, 3);
  // Our signed return path, bound to the send's recipient user7: the one fact that may act.
  const returnPath = returnPathAddress(
    mintToken({ sendId: 'send-7', recipient: 'user7@d1.example', key: ring.current }),
    'bounces.example.com',
  );
  const id = await store(returnPath, failureNotice(addresses));

  // The connection is lost as the fourth part begins: three parts (9 facts) are committed.
  const stage = stageWithParts(3);
  const parts = stage.writeInParts!;
  let begun = 0;
  const crashing = {
    ...stage,
    writeInParts: {
      isLarge: parts.isLarge,
      write: (
        pool: Parameters<typeof parts.write>[0],
        item: Parameters<typeof parts.write>[1],
        renewLease: (tx: PoolClient) => Promise<void>,
      ) =>
        parts.write(pool, item, async (tx) => {
          if (++begun === 4)
            throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
          await renewLease(tx);
        }),
    },
  };
  assert.equal(await decodeBatch(fixture.pool, crashing, 10), 1);
  const after = await fixture.pool.query(
    `select decode_state, decode_attempts, next_attempt_at > now() as later,
            (select count(*)::int from bounce_events where raw_message_id = $1) as events
       from raw_messages where id = $1`,
    [id],
  );
  assert.deepEqual(after.rows[0], { decode_state: 'pending', decode_attempts: 1, later: true, events: 9 });
  // While it waits, no worker takes it.
  assert.equal(await decodeBatch(fixture.pool, stage, 10), 0);

  await fixture.pool.query(`update raw_messages set next_attempt_at = now() where id = $1`, [id]);
  assert.equal(await decodeBatch(fixture.pool, stage, 10), 1);
  const { rows } = await fixture.pool.query(
    `select decode_state, report_kind, jsonb_array_length(report->'recipients') as named from raw_messages
     where id = $1`,
    [id],
  );
  assert.deepEqual(rows[0], { decode_state: 'decoded', report_kind: 'bounce', named: 10 });
  const events = await fixture.pool.query(
    `select recipient, unapplied, standing_effect from bounce_events where raw_message_id = $1 order by recipient`,
    [id],
  );
  assert.deepEqual(events.rows.map((e) => e.recipient).sort(), [...addresses].sort());
  const acted = events.rows.filter((e) => e.unapplied === null);
  assert.deepEqual(
    acted.map((e) => [e.recipient, e.standing_effect]),
    [['user7@d1.example', 'quarantined']],
  );
  assert.ok(
    events.rows
      .filter((e) => e.recipient !== 'user7@d1.example')
      .every((e) => e.unapplied === 'not-the-send-recipient'),
  );
  const history = await fixture.pool.query(`select address, to_state from address_standing_history`);
  assert.deepEqual(history.rows, [{ address: 'user7@d1.example', to_state: 'quarantined' }]);
  const counted = await fixture.pool.query(`select sum(events)::int as n from bounce_counts_daily`);
  assert.equal(counted.rows[0].n, 10);
});

test('a notice at or under the part size is written with its batch, in one transaction', async () => {
  const id = await store(
    'b@bounces.example.com',
    failureNotice(manyAddresses(3, 3).map((a) => a.replace('user', 'small'))),
  );
  const stage = stageWithParts(3);
  assert.equal(stage.writeInParts!.isLarge(decode(Buffer.from(failureNotice(manyAddresses(3, 3))))), false);
  assert.equal(stage.writeInParts!.isLarge(decode(Buffer.from(failureNotice(manyAddresses(4, 3))))), true);
  assert.equal(await decodeBatch(fixture.pool, stage, 10), 1);
  const { rows } = await fixture.pool.query(`select count(*)::int as n from bounce_events where raw_message_id = $1`, [
    id,
  ]);
  assert.equal(rows[0].n, 3);
});
