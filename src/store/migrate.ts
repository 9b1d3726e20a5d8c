// Numbered, append-only SQL migrations. All pending files are applied in one transaction
// under an advisory lock, so that instances starting together take turns and the loser
// finds the work done. Each applied file's checksum is kept: an edited migration that has
// already run is refused rather than silently ignored.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Pool } from 'pg';
import { withTransaction } from './database.ts';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

// Any fixed 64-bit number; it names "the bounced schema" among advisory locks.
const MIGRATION_LOCK_ID = 0x626f756e636564n; // 'bounced'

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: Migration[];
  /** Versions present in the database that this code does not know (a newer release ran). */
  unknown: number[];
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationError(`migration file ${file} is not named NNNN_name.sql`);
    const sql = await readFile(`${dir}/${file}`, 'utf8');
    migrations.push({
      version: Number(match[1]),
      name: match[2]!,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new MigrationError(
        `migrations must be numbered 0001, 0002, … without gaps; found ${file(m)} at position ${i + 1}`,
      );
  });
  return migrations;
}

function file(m: Pick<Migration, 'version' | 'name'>): string {
  return `${String(m.version).padStart(4, '0')}_${m.name}.sql`;
}

export async function migrate(pool: Pool, migrations?: Migration[]): Promise<MigrationResult> {
  const known = migrations ?? (await readMigrations());
  return withTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_ID.toString()]);
    await client.query(`
      create table if not exists schema_migrations (
        version    integer primary key,
        name       text not null,
        checksum   text not null,
        applied_at timestamptz not null default now()
      )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'select version, name, checksum from schema_migrations order by version',
    );
    const done = new Map(rows.map((r) => [r.version, r]));
    for (const m of known) {
      const row = done.get(m.version);
      if (row && row.checksum !== m.checksum) {
        throw new MigrationError(
          `migration ${file(m)} was changed after it was applied ` +
            `(checksum ${row.checksum.slice(0, 12)}… in the database, ` +
            `${m.checksum.slice(0, 12)}… on disk); applied migrations are append-only: add a new file instead`,
        );
      }
    }
    const pending = known.filter((m) => !done.has(m.version));
    for (const m of pending) {
      try {
        await client.query(m.sql);
      } catch (err) {
        throw new MigrationError(`migration ${file(m)} failed: ${(err as Error).message}`);
      }
      await client.query('insert into schema_migrations (version, name, checksum) values ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
    }
    const unknown = rows.map((r) => r.version).filter((v) => !known.some((m) => m.version === v));
    return { applied: pending, unknown };
  });
}
