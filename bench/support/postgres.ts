// The Postgres a benchmark runs on: BENCH_DATABASE_URL (a server where databases may be
// created) if set, else an embedded server in a temporary folder, removed at the end. Each
// run gets a fresh database of its own.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../../src/store/embedded.ts';
import { freePort } from '../../test/support/net.ts';

export interface BenchPostgres {
  /** A URL of the server's maintenance database, to create databases from. */
  adminUrl: string;
  stop(): Promise<void>;
}

export async function benchPostgres(name: string): Promise<BenchPostgres> {
  const given = process.env.BENCH_DATABASE_URL;
  if (given) return { adminUrl: given, stop: async () => undefined };
  const folder = mkdtempSync(join(tmpdir(), `bounced-${name}-`));
  chmodSync(folder, 0o755); // the embedded server runs as the postgres user when we are root
  const embedded = await startEmbeddedPostgres({
    dataDir: folder,
    port: await freePort(),
    database: 'postgres',
    log: pino({ level: 'warn' }),
  });
  return {
    adminUrl: embedded.url,
    async stop() {
      await embedded.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Runs `work` with the URL of a new, empty database, dropped afterwards. */
export async function withFreshDatabase<T>(
  adminUrl: string,
  prefix: string,
  work: (url: string) => Promise<T>,
): Promise<T> {
  const name = `${prefix}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`drop database ${name} with (force)`);
    await admin.end();
  }
}
