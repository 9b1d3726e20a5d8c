// `bounced fetch URL [--once] [--interval 300] [--max-messages 200] [--max-bytes N]
//   [--non-bounce keep|move] [--ca FILE] [--insecure-tls] [--allow-plaintext-login]`: reads a POP3/IMAP mailbox into
// the spool. The password comes from MAILBOX_PASSWORD, never from the command line.
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { Spool } from '../ingest/spool.ts';
import { type FetchRun, fetchSession } from '../mailbox/fetch.ts';
import { parseMailboxUrl } from '../mailbox/session.ts';
import { UsageError } from './duration.ts';

export function fetchRunFrom(
  args: string[],
  config: Config,
): { run: FetchRun; once: boolean; intervalSeconds: number } {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      once: { type: 'boolean', default: false },
      interval: { type: 'string' },
      'max-messages': { type: 'string' },
      'max-bytes': { type: 'string' },
      'non-bounce': { type: 'string' },
      ca: { type: 'string' },
      'insecure-tls': { type: 'boolean', default: false },
      'allow-plaintext-login': { type: 'boolean', default: false },
    },
  });
  const url = positionals[0] ?? config.fetch.url;
  if (!url || positionals.length > 1)
    throw new UsageError(
      'usage: bounced fetch pop3://user@host | imaps://user@host/INBOX [--once] [--interval 300] ' +
        '(password: MAILBOX_PASSWORD)',
    );
  parseMailboxUrl(url); // a bad URL is a usage error, before any connection
  const password = config.fetch.password;
  if (password === undefined) throw new UsageError('MAILBOX_PASSWORD is not set');
  const number = (v: string | undefined, fallback: number, name: string) => {
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) === 0) throw new UsageError(`--${name}: expected a positive whole number`);
    return Number(v);
  };
  const nonBounce = values['non-bounce'] ?? config.fetch.nonBounce;
  if (nonBounce !== 'keep' && nonBounce !== 'move') throw new UsageError('--non-bounce: expected keep or move');
  return {
    run: {
      url,
      password,
      limits: {
        maxMessages: number(values['max-messages'], config.fetch.maxMessages, 'max-messages'),
        maxBytes: number(values['max-bytes'], config.fetch.maxBytes, 'max-bytes'),
        maxMessageBytes: config.smtp.maxMessageBytes,
        nonBounce,
      },
      trust: {
        caFile: values.ca ?? config.fetch.caFile,
        insecure: values['insecure-tls'] || config.fetch.insecureTls,
        allowPlaintextLogin: values['allow-plaintext-login'] || config.fetch.allowPlaintextLogin,
        maxMessageBytes: config.smtp.maxMessageBytes,
      },
    },
    once: values.once ?? false,
    intervalSeconds: number(values.interval, config.fetch.intervalSeconds, 'interval'),
  };
}

export async function runFetch(
  args: string[],
  config: Config,
  pool: Pool,
  log: Logger,
  out: (line: string) => void,
): Promise<number> {
  // serve polls FETCH_URL itself; this command is for one mailbox from the command line.
  const { run, once, intervalSeconds } = fetchRunFrom(args, config);
  const spool = new Spool(pool, {
    windowMs: 0,
    maxBatch: 50,
    deadlineMs: config.ingest.commitDeadlineMs,
    maxConcurrentCommits: 1,
    instance: config.instanceName,
  });
  let stopping = false;
  const stop = () => (stopping = true);
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  try {
    do {
      out(JSON.stringify(await fetchSession(run, pool, spool, log)));
      for (let waited = 0; !once && !stopping && waited < intervalSeconds; waited++)
        await new Promise((r) => setTimeout(r, 1000));
    } while (!once && !stopping);
  } finally {
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    await spool.close();
  }
  return 0;
}
