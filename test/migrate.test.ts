// Migrations: once each, twice in a row, concurrently, and an edited migration refused.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { MigrationError, migrate, readMigrations } from '../src/store/migrate.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';

const created: TestDatabase[] = [];
const pools: pg.Pool[] = [];

async function emptyDatabase(): Promise<string> {
  const db = await createTestDatabase({ empty: true });
  created.push(db);
  return db.url;
}

function poolFor(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  pools.push(pool);
  return pool;
}

after(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await Promise.all(created.map((d) => d.drop()));
});

async function appliedVersions(pool: pg.Pool): Promise<number[]> {
  const { rows } = await pool.query<{ version: number }>('select version from schema_migrations order by version');
  return rows.map((r) => r.version);
}

test('the migration files are numbered from 0001 without gaps', async () => {
  const migrations = await readMigrations();
  assert.ok(migrations.length >= 1);
  assert.deepEqual(
    migrations.map((m) => m.version),
    migrations.map((_, i) => i + 1),
  );
});

test('migrating twice in a row applies each migration once', async () => {
  const pool = poolFor(await emptyDatabase());
  const all = await readMigrations();
  const first = await migrate(pool);
  assert.equal(first.applied.length, all.length);
  const second = await migrate(pool);
  assert.equal(second.applied.length, 0);
  assert.deepEqual(
    await appliedVersions(pool),
    all.map((m) => m.version),
  );
  const { rows } = await pool.query(`select to_regclass('raw_messages') is not null as present`);
  assert.equal(rows[0].present, true);
});

test('four instances migrating at once: one applies, the others find it done, none fails', async () => {
  const url = await emptyDatabase();
  const results = await Promise.all([1, 2, 3, 4].map(() => migrate(poolFor(url))));
  const all = await readMigrations();
  assert.equal(results.filter((r) => r.applied.length === all.length).length, 1);
  assert.equal(results.filter((r) => r.applied.length === 0).length, 3);
  assert.deepEqual(
    await appliedVersions(poolFor(url)),
    all.map((m) => m.version),
  );
});

test('an applied migration that was edited is refused, and nothing else is applied', async () => {
  const pool = poolFor(await emptyDatabase());
  const original = await readMigrations();
  await migrate(pool, original.slice(0, 1));
  const edited = original.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited`, checksum: 'f'.repeat(64) } : m));
  await assert.rejects(
    migrate(pool, edited),
    (err: Error) => err instanceof MigrationError && /0001_\w+\.sql was changed after it was applied/.test(err.message),
  );
  assert.deepEqual(await appliedVersions(pool), [1]);
});

test('a failing migration rolls back the whole run', async () => {
  const pool = poolFor(await emptyDatabase());
  const dir = mkdtempSync(join(tmpdir(), 'bounced-migrations-'));
  writeFileSync(join(dir, '0001_good.sql'), 'create table first_table (id int);');
  writeFileSync(join(dir, '0002_bad.sql'), 'create table second_table (id int); select no_such_function();');
  await assert.rejects(
    migrate(pool, await readMigrations(dir)),
    (err: Error) => err instanceof MigrationError && /0002_bad\.sql failed/.test(err.message),
  );
  const { rows } = await pool.query(`select to_regclass('first_table') as t, to_regclass('schema_migrations') as m`);
  assert.deepEqual(rows[0], { t: null, m: null });
});

test('badly named or gapped migration files are refused before touching the database', async () => {
  const gap = mkdtempSync(join(tmpdir(), 'bounced-migrations-'));
  writeFileSync(join(gap, '0001_a.sql'), 'select 1;');
  writeFileSync(join(gap, '0003_c.sql'), 'select 1;');
  await assert.rejects(readMigrations(gap), /without gaps/);
  const named = mkdtempSync(join(tmpdir(), 'bounced-migrations-'));
  writeFileSync(join(named, 'add-things.sql'), 'select 1;');
  await assert.rejects(readMigrations(named), /not named NNNN_name\.sql/);
});

test('0012 and 0013 move the history into months, ids and all; the suppression list keeps its why', async () => {
  const pool = poolFor(await emptyDatabase());
  const all = await readMigrations();
  await migrate(
    pool,
    all.filter((m) => m.version < 12),
  );
  // Ann was quarantined, released, then quarantined again (the why is the last quarantine);
  // Bob complained. Their history spans three months.
  await pool.query(
    `insert into address_standing (address, domain, state, last_reason)
     values ('ann@y.example', 'y.example', 'quarantined', 'userunknown'),
     ('bob@y.example', 'y.example', 'complained', 'feedback')`,
  );
  await pool.query(
    `insert into address_standing_history (address, at, from_state, to_state, reason, cause, raw_message_id, actor,
                                           note)
     values ('ann@y.example', now() - interval '70 days', 'fine', 'quarantined', 'userunknown', 'event',
             11, 'bounced', null),
            ('ann@y.example', now() - interval '40 days', 'quarantined', 'fine', null, 'operator',
             null, 'ops', 'released'),
            ('ann@y.example', now() - interval '3 days', 'fine', 'quarantined', 'userunknown', 'event',
             12, 'bounced', null),
            ('bob@y.example', now() - interval '40 days', 'fine', 'complained', 'feedback', 'event',
             13, 'bounced', null)`,
  );
  // The event behind Ann's last quarantine: the list shows its evidence.
  await pool.query(
    `insert into bounce_events (occurred_at, raw_message_id, recipient, recipient_domain, kind, action, reason,
                                type, rule,
                                correlation, evidence, sent_message_id)
     values (now() - interval '3 days', 12, 'ann@y.example', 'y.example', 'bounce', 'failed',
             'userunknown', 'hard', 'test', 'token', 'authenticated', 'send-12@sender.example')`,
  );
  const why = `select address, raw_message_id, cause, actor, evidence, correlation, sent_message_id
                 from suppression_list order by address`;
  const whyBefore = await pool.query(why);
  const rowsBefore = await pool.query(`select * from address_standing_history order by id`);

  await migrate(pool, all);
  const whyAfter = await pool.query(why);
  assert.deepEqual(whyAfter.rows, whyBefore.rows);
  assert.deepEqual(
    [whyAfter.rows[0].evidence, whyAfter.rows[0].sent_message_id],
    ['authenticated', 'send-12@sender.example'],
  );
  assert.deepEqual(
    whyAfter.rows.map((r) => [r.address, Number(r.raw_message_id)]),
    [
      ['ann@y.example', 12],
      ['bob@y.example', 13],
    ],
  );
  const rowsAfter = await pool.query(`select * from address_standing_history order by id`);
  assert.deepEqual(rowsAfter.rows, rowsBefore.rows);
  // Every row in its month, none in the default partition.
  const parts = await pool.query(
    `select tableoid::regclass::text as part,
            to_char(at at time zone 'UTC', '"address_standing_history_y"YYYY"m"MM') as month
       from address_standing_history`,
  );
  for (const { part, month } of parts.rows) assert.equal(part, month);
  // New changes continue the ids, and set the why in the same statement.
  await pool.query(`update address_standing set state = 'fine' where address = 'bob@y.example'`);
  const { rows } = await pool.query(
    `insert into address_standing_history (address, at, from_state, to_state, cause, raw_message_id, actor)
     values ('bob@y.example', now(), 'complained', 'fine', 'operator', 14, 'ops') returning id`,
  );
  assert.ok(Number(rows[0].id) > Math.max(...rowsBefore.rows.map((r) => Number(r.id))));
  const bob = await pool.query(
    `select why_raw_message_id::int as raw, why_actor from address_standing where address = 'bob@y.example'`,
  );
  assert.deepEqual(bob.rows, [{ raw: 14, why_actor: 'ops' }]);
});
