// Starts the real server in this process, on port 0, against a test database.
import { after, before } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { type Config, loadConfig } from '../../src/config/index.ts';
import { type RunningServer, startServer } from '../../src/serve.ts';
import { createTestDatabase, type TestDatabase } from './db.ts';

export const BOUNCE_DOMAIN = 'bounces.example.com';

function testConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    BOUNCE_DOMAINS: BOUNCE_DOMAIN,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SMTP_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    INSTANCE_NAME: 'test',
    ...env,
  });
}

export async function startTestServer(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const config = testConfig(databaseUrl, env);
  return startServer(config, pino({ level: config.logLevel }));
}

/** What useTestServer gives a test file, filled in by its before() hook. */
export interface ServerFixture {
  db: TestDatabase;
  /** Two connections to the test database, for the test's own queries. */
  pool: pg.Pool;
  server: RunningServer;
}

/**
 * A database of its own and a server on it, for the file (or the describe block) that calls
 * this: started before its tests, taken down after. `seed` runs before the server starts.
 */
export function useTestServer(
  env: Record<string, string> = {},
  seed?: (pool: pg.Pool) => Promise<unknown>,
): ServerFixture {
  const fixture = {} as ServerFixture;
  before(async () => {
    fixture.db = await createTestDatabase();
    fixture.pool = new pg.Pool({ connectionString: fixture.db.url, max: 2 });
    await seed?.(fixture.pool);
    fixture.server = await startTestServer(fixture.db.url, env);
  });
  after(async () => {
    await fixture.server?.shutdown();
    await fixture.pool?.end();
    await fixture.db?.drop();
  });
  return fixture;
}

/**
 * The server's /metrics text once every pattern matches it (or after `timeoutMs`, for the
 * assertions to say what is missing). The decode side counts in a thread of its own and
 * sends its counts a moment after each batch commits: a test that has seen a row decoded
 * may scrape before they arrive.
 */
export async function scrapeUntil(httpPort: number, patterns: RegExp[], timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    if (patterns.every((p) => p.test(text)) || Date.now() > deadline) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
