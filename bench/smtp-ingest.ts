// `npm run bench`: what bounced does with a burst, next to two servers that keep nothing,
// in one run on this machine.
//
// 1. Intake: N unique messages (corpus bounces, each made unique) over C concurrent
//    loopback sessions, to bounced (250 only after the commit), to a minimal smtp-server
//    that discards (the floor of a Node SMTP server) and to Haraka accepting and
//    discarding (installed from npm into a cache folder). R alternating runs; the median
//    of each: acknowledged messages/s and the p50/p99 from the end of DATA to the 250;
//    then each server's peak resident memory. bounced decodes while it takes mail: after
//    each of its runs, the seconds until its queue is empty.
// 2. Burst: B bounces of one campaign (bench/support/burst.ts) about registered sends,
//    over C sessions: the drain, in seconds from the last 250 to the last decision, what
//    the facts did to the standings, and which breakers tripped.
//
//   npm run bench -- [--messages N] [--connections C] [--runs R] [--burst B] [--no-haraka]
// Postgres: BENCH_DATABASE_URL (a server where databases may be created) if set, else an
// embedded server in a temporary folder.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { corpusFiles, corpusMessage } from '../test/support/corpus.ts';
import { freePort } from '../test/support/net.ts';
import { burstMail, burstSends } from './support/burst.ts';
import { type LoadResult, load, median } from './support/load.ts';
import { benchPostgres, withFreshDatabase } from './support/postgres.ts';
import {
  type Child,
  cpuSeconds,
  HARAKA_VERSION,
  peakRssMiB,
  startChild,
  startHaraka,
  stopChild,
} from './support/servers.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '10000' },
    connections: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    burst: { type: 'string', default: '10000' },
    'no-haraka': { type: 'boolean', default: false },
  },
});
const N = Number(values.messages);
const C = Number(values.connections);
const R = Number(values.runs);
const B = Number(values.burst);
const DOMAIN = 'bounces.example.com';
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// bounced runs as in production: the compiled build.
const build = spawnSync(process.execPath, ['--import', 'tsx', here('../scripts/build.ts')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');

async function pending(db: pg.Client): Promise<number> {
  const { rows } = await db.query(`select count(*)::int as n from raw_messages where decode_state = 'pending'`);
  return rows[0].n;
}

/** Seconds from `since` (hrtime) until nothing is pending, polled every 20 ms. */
async function drained(db: pg.Client, since: bigint, timeoutMs = 300_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while ((await pending(db)) > 0) {
    if (Date.now() > deadline) return NaN;
    await new Promise((r) => setTimeout(r, 20));
  }
  return Number(process.hrtime.bigint() - since) / 1e9;
}

interface Target {
  name: string;
  child: Child;
  runs: LoadResult[];
  drains: number[];
  /** Share of one core the server used during each run. */
  cpu: number[];
}

const corpus = corpusFiles().map(corpusMessage);
const uniqueMail = (tag: string) => (n: number) => ({
  rcpt: `b+${n}@${DOMAIN}`,
  raw: Buffer.concat([Buffer.from(`X-Bench: ${tag}-${n}\r\n`), corpus[n % corpus.length]!]),
});
const meanBytes = corpus.reduce((a, m) => a + m.length, 0) / corpus.length;

const postgres = await benchPostgres('bench');
try {
  await withFreshDatabase(postgres.adminUrl, 'bounced_bench', async (databaseUrl) => {
    const db = new pg.Client({ connectionString: databaseUrl });
    const targets: Target[] = [];
    await db.connect();
    try {
      const bounced = await startChild(
        [here('../bin/bounced.js'), 'serve'],
        {
          DATABASE_URL: databaseUrl,
          BOUNCE_DOMAINS: DOMAIN,
          SMTP_HOST: '127.0.0.1',
          SMTP_PORT: '0',
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: '0',
          LOG_LEVEL: 'info', // the production default: one log line per transaction is part of the cost
          MAX_CONNECTIONS: String(C + 10),
        },
        /^HTTP listening/,
      );
      targets.push({ name: 'bounced (durable)', child: bounced, runs: [], drains: [], cpu: [] });
      targets.push({
        name: 'smtp-server discard',
        child: await startChild(['--import', 'tsx', here('./discard-server.ts')], {}, /^SMTP listening$/),
        runs: [],
        drains: [],
        cpu: [],
      });
      if (!values['no-haraka']) {
        try {
          targets.push({
            name: `Haraka ${HARAKA_VERSION} discard`,
            child: await startHaraka(await freePort(), DOMAIN),
            runs: [],
            drains: [],
            cpu: [],
          });
        } catch (err) {
          console.log(`Haraka: not measured (${(err as Error).message})`);
        }
      }

      console.log(
        `intake: ${N} unique messages (corpus, ${(meanBytes / 1024).toFixed(1)} KB mean) over ` +
          `${C} sessions, ${R} alternating runs; medians`,
      );
      // Warm up (JIT, pools) before anything is measured.
      for (const t of targets) await load(t.child.port, Math.min(N, 2000), C, uniqueMail(`warm-${t.name}`));
      await drained(db, process.hrtime.bigint());
      for (let r = 0; r < R; r++) {
        for (const t of targets) {
          const cpuBefore = cpuSeconds(t.child.proc.pid);
          const result = await load(t.child.port, N, C, uniqueMail(`run${r}-${t.name}`));
          t.cpu.push((cpuSeconds(t.child.proc.pid) - cpuBefore) / result.seconds);
          t.runs.push(result);
          if (t.child === bounced) t.drains.push(await drained(db, result.lastAckAt));
        }
      }
      const row = (t: Target) => {
        const perSecond = median(t.runs.map((x) => x.perSecond));
        const failures = t.runs.reduce((a, x) => a + x.failures, 0);
        return {
          t,
          perSecond,
          p50: median(t.runs.map((x) => x.p50ms)),
          p99: median(t.runs.map((x) => x.p99ms)),
          cpu: median(t.cpu),
          rss: peakRssMiB(t.child.proc.pid),
          failures,
        };
      };
      const rows = targets.map(row);
      for (const x of rows) {
        console.log(
          `  ${x.t.name.padEnd(22)} ${x.perSecond.toFixed(0).padStart(6)} msg/s   ` +
            `p50 ${x.p50.toFixed(2).padStart(6)} ms   p99 ${x.p99.toFixed(2).padStart(6)} ms   ` +
            `CPU ${(x.cpu * 100).toFixed(0).padStart(3)}% of a core   peak RSS ` +
            `${x.rss.toFixed(0).padStart(4)} MiB   failures ${x.failures}`,
        );
      }
      const b = rows[0]!;
      for (const other of rows.slice(1))
        console.log(
          `  bounced / ${other.t.name}: ${(b.perSecond / other.perSecond).toFixed(2)}x ` +
            `throughput, p99 ${(b.p99 / other.p99).toFixed(1)}x`,
        );
      console.log(
        `  bounced decoding kept up: queue empty ` +
          `${targets[0]!.drains.map((s) => s.toFixed(2)).join(' / ')} s after each run's last 250`,
      );
      const { rows: stored } = await db.query(
        `select count(*)::int as n from raw_messages where position('X-Bench: run'::bytea in raw) > 0`,
      );
      console.log(`  stored by bounced: ${stored[0].n} of ${N * R} measured messages (must be equal)`);
      for (const t of targets.slice(1)) await stopChild(t.child.proc);

      // The burst: every send registered first, as the platform does before it sends.
      const sends = burstSends(`burst-${Date.now()}`, B);
      await db.query(
        `insert into sent_messages (message_id, recipient, campaign) select unnest($1::text[]),
         unnest($2::text[]), 'bench-burst'`,
        [sends.map((s) => s.messageId), sends.map((s) => s.recipient)],
      );
      const burst = await load(bounced.port, B, C, (n) => burstMail(sends[n]!, n, `b@${DOMAIN}`));
      const drain = await drained(db, burst.lastAckAt);
      const { rows: outcome } = await db.query(
        `select (select count(*)::int from raw_messages r where r.decode_state = 'failed') as failed,
                (select count(*)::int from bounce_events where campaign = 'bench-burst') as events,
                (select string_agg(effect || '=' || n, ' ' order by effect) from
                   (select coalesce(standing_effect, 'none') as effect, count(*) as n from bounce_events
                   where campaign = 'bench-burst' group by 1) e) as effects,
                (select string_agg(domain, ' ' order by domain) from domain_breakers
                where released_at is null) as tripped`,
      );
      const o = outcome[0];
      console.log(
        `burst: ${B} bounces of one campaign over ${C} sessions: ${burst.perSecond.toFixed(0)} ` +
          `msg/s acknowledged, p99 ${burst.p99ms.toFixed(2)} ms, failures ${burst.failures}`,
      );
      console.log(
        `  decode drain: last decision ${drain.toFixed(2)} s after the last 250; ${o.events} ` +
          `events, failed ${o.failed}`,
      );
      console.log(`  effects: ${o.effects}; breakers tripped: ${o.tripped ?? 'none'}`);
      console.log(`  bounced peak RSS over the whole run: ${peakRssMiB(bounced.proc.pid).toFixed(0)} MiB`);
    } finally {
      for (const t of targets) await stopChild(t.child.proc);
      await db.end();
    }
  });
} finally {
  await postgres.stop();
}
