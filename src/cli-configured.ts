// The commands that read the configuration: the server, the migrations, tokens, and the
// operations on the database. Loaded by cli.ts only for them (see there).
import type { Pool } from 'pg';
import { runApply } from './commands/apply.ts';
import { UsageError } from './commands/duration.ts';
import { fetchRunFrom, runFetch } from './commands/fetch.ts';
import { runRelease } from './commands/release.ts';
import { runReprocess } from './commands/reprocess.ts';
import { runToken } from './commands/token.ts';
import { type Config, ConfigError, loadConfig } from './config/index.ts';
import { TokenError } from './correlate/token.ts';
import { createLogger } from './log.ts';
import { MailboxUrlError } from './mailbox/session.ts';
import { eventsOptions, startServer } from './serve.ts';
import { openDatabase } from './store/database.ts';
import { EmbeddedPostgresError } from './store/embedded.ts';
import { MigrationError, migrate } from './store/migrate.ts';

/** Runs `command` (checked by main: serve, migrate, or one of those with arguments). */
export async function runConfigured(
  command: string,
  rest: string[],
  usageError: (message: string) => number,
): Promise<number> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) return usageError(`configuration: ${err.message}`);
    throw err;
  }
  if (command === 'token') {
    try {
      return runToken(rest, config, (line) => process.stdout.write(`${line}\n`));
    } catch (err) {
      if (isUsageError(err)) return usageError((err as Error).message);
      throw err;
    }
  }
  const log = createLogger(config.logLevel);
  try {
    if (command === 'fetch') fetchRunFrom(rest, config); // usage errors before the database opens
    if (command === 'release' || command === 'reprocess' || command === 'fetch' || command === 'apply')
      return await withDatabase(config, log, (pool) => operate(command, rest, config, pool, log));
    return command === 'serve' ? await serve(config, log) : await runMigrate(config, log);
  } catch (err) {
    if (isUsageError(err)) return usageError((err as Error).message);
    if (err instanceof EmbeddedPostgresError || err instanceof MigrationError) {
      log.fatal(err.message);
      process.stderr.write(`bounced: ${err.message}\n`);
    } else {
      log.fatal({ err }, 'bounced stopped on an error');
      process.stderr.write(`bounced: ${(err as Error).message}\n`);
    }
    return 1;
  }
}

/** A mistake in the command's arguments (or a token or mailbox URL given in them): exit 2. */
function isUsageError(err: unknown): boolean {
  return (
    err instanceof UsageError ||
    err instanceof TokenError ||
    err instanceof MailboxUrlError ||
    ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ?? false)
  );
}

async function serve(config: Config, log: ReturnType<typeof createLogger>): Promise<number> {
  const server = await startServer(config, log);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      log.info({ signal }, 'signal received');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await server.shutdown();
  return 0;
}

/** release and reprocess: on the migrated database, one line per change on stdout. */
function operate(
  command: 'release' | 'reprocess' | 'fetch' | 'apply',
  args: string[],
  config: Config,
  pool: Pool,
  log: ReturnType<typeof createLogger>,
): Promise<number> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (command === 'release') return runRelease(args, pool, out);
  if (command === 'fetch') return runFetch(args, config, pool, log, out);
  if (command === 'apply') return runApply(args, pool, eventsOptions(config, pool), out);
  return runReprocess(args, pool, eventsOptions(config, pool), out);
}

async function withDatabase(
  config: Config,
  log: ReturnType<typeof createLogger>,
  work: (pool: Pool) => Promise<number>,
): Promise<number> {
  const database = await openDatabase(config, log, 30_000);
  try {
    await migrate(database.pool);
    return await work(database.pool);
  } finally {
    await database.close();
  }
}

async function runMigrate(config: Config, log: ReturnType<typeof createLogger>): Promise<number> {
  const database = await openDatabase(config, log, 30_000);
  try {
    const result = await migrate(database.pool);
    const names = result.applied.map((m) => `${String(m.version).padStart(4, '0')}_${m.name}`);
    process.stdout.write(names.length ? `applied: ${names.join(', ')}\n` : 'the schema is up to date\n');
    return 0;
  } finally {
    await database.close();
  }
}
