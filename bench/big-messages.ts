// `npm run bench:big -- [--sessions 30] [--megabytes 9]`: S sessions each send one bounce
// of about M MB at once, and retry on a 4xx, against bounced with its defaults and, in the
// same run, with its memory ceilings lifted (the baseline: no DATA budget, no byte cap on
// group commits). Prints the first replies, the retries needed, what was stored, and the
// peak resident memory of each server process (VmHWM).
// Postgres: BENCH_DATABASE_URL (a server where databases may be created) if set, else an
// embedded server in a temporary folder.
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { spawnServer } from '../test/support/child-server.ts';
import { corpusMessage } from '../test/support/corpus.ts';
import { RawSmtpClient } from '../test/support/smtp-client.ts';
import { benchPostgres, withFreshDatabase } from './support/postgres.ts';

const { values } = parseArgs({
  options: { sessions: { type: 'string', default: '30' }, megabytes: { type: 'string', default: '9' } },
});
const S = Number(values.sessions);
const MB = Number(values.megabytes);
const DOMAIN = 'bounces.example.com';

/** A real bounce with an attachment-like base64 body making it about MB megabytes. */
function bigBounce(n: number): Buffer {
  const head = corpusMessage('lhost-postfix-01.eml').toString('latin1').replace(/\r?\n/g, '\r\n');
  const line = `${'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo'.repeat(2).slice(0, 76)}\r\n`;
  const body = line.repeat(Math.ceil((MB * 1024 * 1024) / line.length));
  return Buffer.from(`X-Big: ${n}-${Date.now()}\r\n${head}\r\n${body}`, 'latin1');
}

const server = async (databaseUrl: string, env: Record<string, string>) => {
  const child = await spawnServer({ DATABASE_URL: databaseUrl, BOUNCE_DOMAINS: DOMAIN, ...env }, 60_000);
  return { proc: child.proc, port: child.smtpPort };
};

async function run(url: string, label: string, env: Record<string, string>): Promise<void> {
  const { proc, port } = await server(url, env);
  const first = new Map<number, number>();
  let retries = 0;
  try {
    await Promise.all(
      Array.from({ length: S }, async (_, n) => {
        const raw = bigBounce(n);
        for (let attempt = 0; attempt < 100; attempt++) {
          const { client } = await RawSmtpClient.greet(port);
          await client.command('EHLO bench.example.net');
          const reply = await client.send('', [`b@${DOMAIN}`], raw);
          await client.quit();
          if (attempt === 0) first.set(reply.code, (first.get(reply.code) ?? 0) + 1);
          if (reply.code === 250) return;
          retries++;
          await new Promise((r) => setTimeout(r, 200 + Math.random() * 300));
        }
      }),
    );
    const peak = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${proc.pid}/status`, 'utf8'))?.[1];
    const check = new pg.Client({ connectionString: url });
    await check.connect();
    const { rows } = await check.query(
      `select count(*)::int as n, count(distinct dedupe_key)::int as keys from raw_messages`,
    );
    await check.end();
    const replies = [...first]
      .sort()
      .map(([code, n]) => `${n}×${code}`)
      .join(' ');
    console.log(
      `${label.padEnd(34)} first replies ${replies.padEnd(16)} retries ` +
        `${String(retries).padStart(3)}  stored ${rows[0].n} (${rows[0].keys} distinct)  peak RSS ` +
        `${(Number(peak) / 1024).toFixed(0)} MiB`,
    );
  } finally {
    proc.kill('SIGTERM');
    await once(proc, 'exit');
  }
}

const postgres = await benchPostgres('big');
console.log(`big messages: ${S} sessions at once, one bounce of ~${MB} MB each, retried on 4xx until stored`);
try {
  const lifted = { MAX_DATA_BYTES_IN_FLIGHT: String(16 * 1024 ** 3), GROUP_COMMIT_MAX_BYTES: String(1024 ** 3) };
  await withFreshDatabase(postgres.adminUrl, 'bounced_big', (url) => run(url, 'ceilings lifted (baseline)', lifted));
  await withFreshDatabase(postgres.adminUrl, 'bounced_big', (url) => run(url, 'defaults', {}));
} finally {
  await postgres.stop();
}
