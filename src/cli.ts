// The `bounced` command. main() returns the exit code: 0 done, 1 failed, 2 bad usage or
// configuration (one line on stderr). The commands that decode files (parse, classify,
// rules) load only the decoder: the server, the database and their libraries are loaded
// (cli-configured.ts) only by the commands that use them, so that `bounced parse` of one
// file starts in a tenth of a second.
import { parseArgs } from 'node:util';
import type { RuleSet } from './classify/index.ts';
import { loadRuleFile, RuleFileError } from './classify/rule-file.ts';
import { runClassify } from './commands/classify.ts';
import { runParse } from './commands/parse.ts';
import { runRules } from './commands/rules.ts';

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

  const { runConfigured } = await import('./cli-configured.ts');
  return runConfigured(command, rest, usageError);
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
