// Real Postgres for tests: TEST_DATABASE_URL (set by scripts/run-tests.ts to an embedded
// server, or by the developer to any server). The schema is migrated once into a template
// database; each test file clones it, so files run in parallel without seeing each other.
import { createHash, randomBytes } from 'node:crypto';
import { after, before } from 'node:test';
import pg from 'pg';
import { migrate, readMigrations } from '../../src/store/migrate.ts';

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`, which starts an embedded Postgres');
  return url;
}

function urlFor(database: string): string {
  const u = new URL(adminUrl());
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function templateName(): Promise<string> {
  const migrations = await readMigrations();
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(m.checksum);
  return `bounced_tmpl_${hash.digest('hex').slice(0, 16)}`;
}

async function ensureTemplate(): Promise<string> {
  const name = await templateName();
  await withAdmin(async (admin) => {
    // Test files start in parallel: one builds the template, the others wait for it.
    await admin.query('select pg_advisory_lock(7264531)');
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (rowCount) return;
      const building = `${name}_build`;
      await admin.query(`drop database if exists ${building}`);
      await admin.query(`create database ${building}`);
      const pool = new pg.Pool({ connectionString: urlFor(building), max: 1 });
      try {
        await migrate(pool);
      } finally {
        await pool.end();
      }
      await admin.query(`alter database ${building} rename to ${name}`);
    } finally {
      await admin.query('select pg_advisory_unlock(7264531)');
    }
  });
  return name;
}

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** A new database; migrated (cloned from the template) unless `empty`. */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<TestDatabase> {
  const template = opts.empty ? 'template0' : await ensureTemplate();
  const name = `bounced_t_${randomBytes(6).toString('hex')}`;
  await withAdmin((admin) => admin.query(`create database ${name} template ${template}`));
  return {
    name,
    url: urlFor(name),
    drop: () =>
      withAdmin(async (admin) => {
        // pool.end() resolves before its connections have closed: wait for them (briefly), so
        // that FORCE does not terminate a connection this process still reads from (its
        // "terminating connection due to administrator command" would be an uncaught error).
        for (let i = 0; i < 100; i++) {
          const { rows } = await admin.query<{ n: number }>(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          );
          if (rows[0]!.n === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await admin.query(`drop database if exists ${name} with (force)`);
      }),
  };
}

/** What useTestDatabase gives a test file, filled in by its before() hook. */
export interface DatabaseFixture {
  db: TestDatabase;
  pool: pg.Pool;
}

/** A migrated database of its own and a pool of `max` connections, for the file that calls this. */
export function useTestDatabase(max = 2): DatabaseFixture {
  const fixture = {} as DatabaseFixture;
  before(async () => {
    fixture.db = await createTestDatabase();
    fixture.pool = new pg.Pool({ connectionString: fixture.db.url, max });
  });
  after(async () => {
    await fixture.pool?.end();
    await fixture.db?.drop();
  });
  return fixture;
}
