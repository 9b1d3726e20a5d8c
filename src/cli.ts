// The `bounced` command. main() returns the exit code: 0 done, 1 failed, 2 bad usage or
// configuration (one line on stderr).
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import type { RuleSet } from './classify/index.ts';
import { loadRuleFile, RuleFileError } from './classify/rule-file.ts';
import { runApply } from './commands/apply.ts';
import { runClassify } from './commands/classify.ts';
import { UsageError } from './commands/duration.ts';
import { fetchRunFrom, runFetch } from './commands/fetch.ts';
import { runParse } from './commands/parse.ts';
import { runRelease } from './commands/release.ts';
import { runReprocess } from './commands/reprocess.ts';
import { runRules } from './commands/rules.ts';
import { runToken } from './commands/token.ts';
import { type Config, ConfigError, loadConfig } from './config/index.ts';
import { TokenError } from './correlate/token.ts';
import { createLogger } from './log.ts';
import { MailboxUrlError } from './mailbox/session.ts';
import { eventsOptions, startServer } from './serve.ts';
import { openDatabase } from './store/database.ts';
import { EmbeddedPostgresError } from './store/embedded.ts';
import { MigrationError, migrate } from './store/migrate.ts';

const USAGE = `usage: bounced <command>

commands:
  serve                              run the SMTP listener and the HTTP endpoints (/metrics /healthz /readyz)
  migrate                            apply the database migrations and exit
  parse [--json] [--rules F] [--jobs N] PATH…   decode bounce files or folders (no database), one line per file
  classify [--rules F] "TEXT"        the reason, type and rule for one line of bounce text
  rules [--rules F] [ID…]            the rule table: each rule's rows, the reply each was written for
  token mint --send-id ID [--recipient A] [--ttl 14d] [--domain D]   a signed return-path token (keys: TOKEN_KEYS)
  token verify TOKEN|ADDRESS [--recipient A]   check a token: its send id, expiry and recipient, or why it is refused
  release --domain D --since T [--dry-run]   undo the quarantines an outage of domain D caused since T
  apply --event ID | --message ID [--actor NAME] [--note T] [--dry-run]   apply by hand facts recorded and not applied
  reprocess [--since 30d] [--failed] [--dry-run]   decode stored messages again with the current rules
  fetch URL [--once] [--interval 300] […]    read bounces from a POP3/IMAP mailbox (password: MAILBOX_PASSWORD)

configuration is read from environment variables: see README.md`;

/** Commands of the design that later releases bring. */
const NOT_YET = new Set<string>();
const WITH_ARGUMENTS = new Set(['token', 'release', 'reprocess', 'fetch', 'apply']);

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    (command === undefined ? process.stderr : process.stdout).write(`${USAGE}\n`);
    return command === undefined ? 2 : 0;
  }
  if (NOT_YET.has(command)) return usageError(`'${command}' is not available in this release yet`);
  if (command === 'parse' || command === 'classify' || command === 'rules') return decodeCommand(command, rest);
  if (command !== 'serve' && command !== 'migrate' && !WITH_ARGUMENTS.has(command))
    return usageError(`unknown command '${command}' (try: bounced help)`);
  if (!WITH_ARGUMENTS.has(command) && rest.length > 0)
    return usageError(`'${command}' takes no arguments, got ${JSON.stringify(rest.join(' '))}`);

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
      if (
        err instanceof UsageError ||
        err instanceof TokenError ||
        (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      )
        return usageError((err as Error).message);
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
    if (
      err instanceof UsageError ||
      err instanceof MailboxUrlError ||
      (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    )
      return usageError((err as Error).message);
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

/** parse, classify and rules need no configuration and no database. */
async function decodeCommand(command: 'parse' | 'classify' | 'rules', args: string[]): Promise<number> {
  const options = {
    json: { type: 'boolean', default: false },
    rules: { type: 'string' },
    jobs: { type: 'string' },
  } as const;
  let parsed: ReturnType<typeof parseArgs<{ args: string[]; allowPositionals: true; options: typeof options }>>;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options });
  } catch (err) {
    return usageError(`${command}: ${(err as Error).message}`);
  }
  const { values, positionals } = parsed;
  let rules: RuleSet = { extra: [] };
  try {
    if (values.rules) rules = { extra: loadRuleFile(values.rules) };
  } catch (err) {
    if (err instanceof RuleFileError) return usageError(err.message);
    throw err;
  }
  const out = (line: string) => process.stdout.write(`${line}\n`);
  if (command !== 'parse' && values.jobs !== undefined) return usageError(`${command}: --jobs is for parse`);
  if (command === 'classify') {
    if (positionals.length !== 1 || values.json) return usageError('usage: bounced classify [--rules FILE] "TEXT"');
    return runClassify(positionals[0]!, rules, out);
  }
  if (command === 'rules') {
    if (values.json) return usageError('usage: bounced rules [--rules FILE] [ID…]');
    try {
      return runRules(positionals, rules, out);
    } catch (err) {
      return usageError(`rules: ${(err as Error).message}`);
    }
  }
  if (positionals.length === 0) return usageError('usage: bounced parse [--json] [--rules FILE] [--jobs N] PATH…');
  const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
  if (jobs !== undefined && !(Number.isInteger(jobs) && jobs >= 1))
    return usageError(`parse: --jobs takes a whole number of threads, 1 or more (got ${values.jobs})`);
  try {
    const write = (text: string) => process.stdout.write(text);
    return await runParse(positionals, { json: values.json ?? false, rulesFile: values.rules, jobs }, write);
  } catch (err) {
    return usageError(`parse: ${(err as Error).message}`);
  }
}

function usageError(message: string): number {
  process.stderr.write(`bounced: ${message}\n`);
  return 2;
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
