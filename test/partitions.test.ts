// bounce_events partitions: made ahead (twice and concurrently without error), and dropped
// whole past the retention.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { dropExpiredPartitions, ensureMonthlyPartitions, partitionName } from '../src/store/partitions.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

let db: TestDatabase;
let pool: pg.Pool;
before(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 4 });
});
after(async () => {
  await pool?.end();
  await db?.drop();
});

async function partitions(): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `select c.relname as name
       from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
      where p.relname = 'bounce_events' order by 1`,
  );
  return rows.map((r) => r.name);
}

test('last, this and the next two months exist after one call; more calls, even at once, do nothing', async () => {
  const now = new Date('2026-11-15T00:00:00Z');
  const created = await ensureMonthlyPartitions(pool, now);
  assert.deepEqual(created, [
    'bounce_events_y2026m10',
    'bounce_events_y2026m11',
    'bounce_events_y2026m12',
    'bounce_events_y2027m01',
  ]);
  const again = await Promise.all([ensureMonthlyPartitions(pool, now), ensureMonthlyPartitions(pool, now)]);
  assert.deepEqual(again, [[], []]);
  await pool.query(
    `insert into bounce_events (occurred_at, raw_message_id, recipient, recipient_domain, kind, action, reason,
                                type, rule, correlation)
     values ('2026-11-20T10:00:00Z',
       1, 'a@b.example', 'b.example', 'bounce', 'failed', 'userunknown', 'hard', 'test', 'none')`,
  );
  const { rows } = await pool.query(`select tableoid::regclass::text as part from bounce_events`);
  assert.deepEqual(rows, [{ part: 'bounce_events_y2026m11' }]);
});

test('months past the retention are dropped whole; 0 keeps everything', async () => {
  await ensureMonthlyPartitions(pool, new Date('2026-01-15T00:00:00Z')); // 2025-12 … 2026-03
  assert.deepEqual(await dropExpiredPartitions(pool, new Date('2026-11-15T00:00:00Z'), 0), []);
  const dropped = await dropExpiredPartitions(pool, new Date('2026-11-15T00:00:00Z'), 6);
  assert.deepEqual(dropped, [
    'bounce_events_y2025m12',
    'bounce_events_y2026m01',
    'bounce_events_y2026m02',
    'bounce_events_y2026m03',
  ]);
  const left = await partitions();
  assert.ok(left.includes('bounce_events_default'));
  assert.ok(left.includes(partitionName(new Date('2026-11-01T00:00:00Z'))));
});
