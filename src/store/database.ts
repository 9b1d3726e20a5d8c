// The Postgres connection: the server at DATABASE_URL, or the embedded one.
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded.ts';

export interface Database {
  pool: pg.Pool;
  /**
   * Two connections of their own for readiness and metrics, with a short timeout: they
   * answer during an SMTP flood without taking the spool's connections, and fail fast.
   */
  probePool: pg.Pool;
  /** Where it points, with the password hidden, for logs. */
  describe: string;
  /** Where it points, for another thread's connections (never logged). */
  url: string;
  close(): Promise<void>;
}

export interface PoolOptions {
  max: number;
  /** Bounds pool.connect() and each query, so a hung server turns into an error. */
  timeoutMs: number;
  applicationName?: string;
}

export function createPool(url: string, opts: PoolOptions, log: Logger): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max,
    connectionTimeoutMillis: opts.timeoutMs,
    query_timeout: opts.timeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: opts.applicationName ?? 'bounced',
  });
  // An idle client losing its server emits on the pool; a checked-out one (idle in a
  // transaction while a message decodes, for instance) emits on itself. Without a listener
  // either would crash the process on a failover or a pg_terminate_backend; with one, the
  // query in flight fails, its transaction is retried, and the pool replaces the client.
  pool.on('error', (err) => log.warn({ err: err.message }, 'idle Postgres connection lost'));
  pool.on('connect', (client) => {
    client.on('error', (err) => log.warn({ err: err.message }, 'Postgres connection lost'));
  });
  return pool;
}

/**
 * Runs `work` in one transaction on a client of its own: committed when it resolves (or
 * rolled back, for a dry run), rolled back when it throws. The client goes back either way.
 */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (tx: pg.PoolClient) => Promise<T>,
  opts: { rollback?: boolean } = {},
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query(opts.rollback ? 'rollback' : 'commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Readiness and metrics give up after this: a probe that hangs is worse than a 503. */
const PROBE_TIMEOUT_MS = 2000;

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparsable DATABASE_URL)';
  }
}

export async function openDatabase(config: Config, log: Logger, timeoutMs: number): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log });
    url = embedded.url;
  }
  const pool = createPool(
    url,
    { max: config.pgPoolSize, timeoutMs, applicationName: `bounced ${config.instanceName}` },
    log,
  );
  const probePool = createPool(
    url,
    { max: 2, timeoutMs: PROBE_TIMEOUT_MS, applicationName: `bounced ${config.instanceName} probe` },
    log,
  );
  return {
    pool,
    probePool,
    describe: embedded ? `embedded Postgres in ${config.dataDir}` : redactUrl(url),
    url,
    async close() {
      await probePool.end().catch(() => undefined);
      await pool.end().catch((err) => log.warn({ err: (err as Error).message }, 'closing the Postgres pool'));
      if (embedded) await embedded.stop();
    },
  };
}
