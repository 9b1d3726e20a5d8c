// `npm run bench`: how fast bounced acknowledges bounces it has made durable, next to a
// minimal smtp-server that discards them, under the same load in the same run.
//
// Load: N messages from the shared corpus (each made unique), over C concurrent loopback
// connections, each connection sending one message after another. Reported per target:
// acknowledged messages/s and the p50/p99 time from the end of DATA to the 250, as the
// median over R alternating runs; then bounced as a ratio of the baseline.
//
//   npm run bench -- [--messages N] [--connections C] [--runs R]
// Postgres: BENCH_DATABASE_URL if set, else an embedded server in a temporary folder.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../src/store/embedded.ts';
import { corpusFiles, corpusMessage } from '../test/support/corpus.ts';
import { RawSmtpClient } from '../test/support/smtp-client.ts';
import { freePort } from '../test/support/net.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    connections: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
  },
});
const N = Number(values.messages);
const C = Number(values.connections);
const R = Number(values.runs);
const DOMAIN = 'bounces.example.com';

interface RunResult {
  perSecond: number;
  p50ms: number;
  p99ms: number;
  failures: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}


interface Child {
  proc: ChildProcess;
  port: number;
  httpPort: number | undefined;
}

/** Starts a server process and waits for its log line `readyMsg` (the last one it prints when ready). */
async function startChild(args: string[], env: Record<string, string>, readyMsg: RegExp): Promise<Child> {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const child: Child = { proc, port: 0, httpPort: undefined };
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        return; // not a log line
      }
      if (entry.msg === 'SMTP listening') child.port = entry.port!;
      if (entry.msg?.startsWith('HTTP listening')) child.httpPort = entry.port;
      if (entry.msg && readyMsg.test(entry.msg)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  return child;
}

/** Mean messages per group commit and mean commit time, from bounced's own metrics. */
async function commitStats(httpPort: number | undefined): Promise<string> {
  if (!httpPort) return 'n/a';
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  const commits = value('bounced_ingest_commit_seconds_count');
  return `${commits} group commits, ${(value('bounced_ingest_commit_batch_messages_sum') / commits).toFixed(1)} messages each, ` +
    `${((value('bounced_ingest_commit_seconds_sum') / commits) * 1000).toFixed(2)} ms each (mean, warm-up included)`;
}

async function stopChild(proc: ChildProcess): Promise<void> {
  proc.kill('SIGTERM');
  await once(proc, 'exit');
}

async function load(port: number, messages: Buffer[], tag: string): Promise<RunResult> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: C }, async () => {
      const { client } = await RawSmtpClient.greet(port);
      await client.command('EHLO bench.example.net');
      while (next < N) {
        const n = next++;
        const raw = Buffer.concat([Buffer.from(`X-Bench: ${tag}-${n}\r\n`), messages[n % messages.length]!]);
        if ((await client.command('MAIL FROM:<>')).code !== 250 || (await client.command(`RCPT TO:<b+${n}@${DOMAIN}>`)).code !== 250) {
          failures++;
          continue;
        }
        const { reply, endOfDataAt, repliedAt } = await client.data(raw);
        if (reply.code === 250) latencies.push(Number(repliedAt - endOfDataAt) / 1e6);
        else failures++;
      }
      await client.quit();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, p50ms: percentile(latencies, 50), p99ms: percentile(latencies, 99), failures };
}

const messages = corpusFiles().map(corpusMessage);
let folder: string | undefined;
let stopPg: (() => Promise<void>) | undefined;
let databaseUrl = process.env.BENCH_DATABASE_URL;
if (!databaseUrl) {
  folder = mkdtempSync(join(tmpdir(), 'bounced-bench-'));
  chmodSync(folder, 0o755);
  const embedded = await startEmbeddedPostgres({ dataDir: folder, port: await freePort(), log: pino({ level: 'warn' }) });
  databaseUrl = embedded.url;
  stopPg = embedded.stop;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const bounced = await startChild([here('../bin/bounced.js'), 'serve'], {
  DATABASE_URL: databaseUrl,
  BOUNCE_DOMAINS: DOMAIN,
  SMTP_HOST: '127.0.0.1',
  SMTP_PORT: '0',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  LOG_LEVEL: 'info', // the production default: one log line per transaction is part of the cost
  MAX_CONNECTIONS: String(C + 10),
}, /^HTTP listening/);
const baseline = await startChild(['--import', 'tsx', here('./discard-server.ts')], {}, /^SMTP listening$/);

console.log(`bench: ${N} messages from ${messages.length} corpus files, ${C} connections, ${R} runs each, alternating`);
const results = { bounced: [] as RunResult[], baseline: [] as RunResult[] };
await load(bounced.port, messages, 'warmup'); // JIT and connection pools warm
await load(baseline.port, messages, 'warmup');
for (let r = 0; r < R; r++) {
  results.baseline.push(await load(baseline.port, messages, `base-${r}`));
  results.bounced.push(await load(bounced.port, messages, `run-${Date.now()}-${r}`));
}
const commits = await commitStats(bounced.httpPort);
await stopChild(bounced.proc);
await stopChild(baseline.proc);

const summary = (name: string, runs: RunResult[]) => ({
  name,
  perSecond: median(runs.map((r) => r.perSecond)),
  p50ms: median(runs.map((r) => r.p50ms)),
  p99ms: median(runs.map((r) => r.p99ms)),
  failures: runs.reduce((a, r) => a + r.failures, 0),
});
const b = summary('bounced (durable)', results.bounced);
const d = summary('smtp-server discard', results.baseline);
const row = (s: ReturnType<typeof summary>) =>
  `${s.name.padEnd(22)} ${s.perSecond.toFixed(0).padStart(7)} msg/s   p50 ${s.p50ms.toFixed(2).padStart(6)} ms   p99 ${s.p99ms.toFixed(2).padStart(7)} ms   failures ${s.failures}`;
console.log(row(d));
console.log(row(b));
console.log(`ratio bounced/baseline: throughput ${(b.perSecond / d.perSecond).toFixed(2)}x, p50 latency ${(b.p50ms / d.p50ms).toFixed(1)}x, p99 latency ${(b.p99ms / d.p99ms).toFixed(1)}x`);

const check = new pg.Client({ connectionString: databaseUrl });
await check.connect();
const { rows } = await check.query(`select count(*)::int as n from raw_messages where position('X-Bench: run-'::bytea in raw) > 0`);
await check.end();
console.log(`bounced group commits: ${commits}`);
console.log(`stored: ${rows[0].n} of ${N * R} measured messages (must be equal)`);
await stopPg?.();
if (folder) rmSync(folder, { recursive: true, force: true });
