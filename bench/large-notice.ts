// `npm run bench:notice -- [--addresses 90000]`: one text notice naming N addresses at 5,000
// receiving domains (none of them our recipients: a forgery, or a relay's mass failure) is
// delivered over SMTP to the server, running in this process as `bounced serve` runs it.
// While it is decoded and recorded, small bounces keep arriving over 4 sessions. Prints:
// - how long after its 250 the notice was decided, and what its facts did (none may act);
// - the longest transaction the decode side held open (sampled from pg_stat_activity);
// - the small bounces' 250 latency (p50/p99/slowest) while the notice was written, against
//   the same load measured just before it arrived (the baseline, same run);
// - the longest the SMTP thread's event loop waited for a turn meanwhile.
// Postgres: BENCH_DATABASE_URL (a server where databases may be created) if set, else an
// embedded server in a temporary folder.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { loadConfig } from '../src/config/index.ts';
import { startServer } from '../src/serve.ts';
import { failureNotice, manyAddresses } from '../test/support/notices.ts';
import { load, type Mail, percentile } from './support/load.ts';
import { benchPostgres, withFreshDatabase } from './support/postgres.ts';

const { values } = parseArgs({ options: { addresses: { type: 'string', default: '90000' } } });
const N = Number(values.addresses);

const small =
  (tag: string) =>
  (n: number): Mail => ({
    rcpt: 'b@bounces.example.com',
    raw: Buffer.from(failureNotice([`${tag}${n}@small.example`]).replace(/\n/g, '\r\n')),
  });

/** Sends small bounces, 200 at a time over 4 sessions, until `done` says stop; every 250's latency. */
async function steadyLoad(port: number, tag: string, done: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  for (let round = 0; !done(); round++) {
    const r = await load(port, 200, 4, small(`${tag}${round}-`));
    latencies.push(...r.latencies);
  }
  return latencies.sort((a, b) => a - b);
}

const describe = (ms: number[]) =>
  `p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms, slowest ` +
  `${ms.at(-1)!.toFixed(1)} ms (${ms.length} messages)`;

const postgres = await benchPostgres('notice');
try {
  await withFreshDatabase(postgres.adminUrl, 'bounced_notice', async (url) => {
    const config = loadConfig({
      DATABASE_URL: url,
      BOUNCE_DOMAINS: 'bounces.example.com',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
      INSTANCE_NAME: 'bench',
      MAX_MESSAGE_BYTES: String(64 * 1024 * 1024),
    });
    const server = await startServer(config, pino({ level: 'warn' }));
    const watch = new pg.Pool({ connectionString: url, max: 1 });
    try {
      let until = Date.now() + 3000;
      const baseline = await steadyLoad(server.smtpPort, 'before', () => Date.now() > until);

      const raw = Buffer.from(failureNotice(manyAddresses(N, 5000)).replace(/\n/g, '\r\n'));
      let decided = false;
      let longestTransaction = 0;
      const sampler = setInterval(() => {
        void watch
          .query<{ s: number | null }>(
            `select extract(epoch from max(clock_timestamp() - xact_start))::float8 as s from pg_stat_activity
             where application_name like '%decode'`,
          )
          .then(({ rows }) => (longestTransaction = Math.max(longestTransaction, rows[0]?.s ?? 0)))
          .catch(() => undefined);
      }, 100);
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const sent = await load(server.smtpPort, 1, 1, () => ({ rcpt: 'b@bounces.example.com', raw }));
      const ackedAt = process.hrtime.bigint();
      const during = steadyLoad(server.smtpPort, 'during', () => decided);
      for (;;) {
        const { rows } = await watch.query(
          `select count(*)::int as n from raw_messages where decode_state = 'pending'`,
        );
        if (rows[0].n === 0) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const seconds = Number(process.hrtime.bigint() - ackedAt) / 1e9;
      decided = true;
      const latencies = await during;
      loop.disable();
      clearInterval(sampler);
      // The small bounces sent after the notice may still be in the queue: let them go too.
      until = 0;
      const { rows } = await watch.query(
        `select count(*)::int as events, count(*) filter (where standing_effect <> 'none')::int as applied
           from bounce_events where recipient like 'user%'`,
      );
      console.log(
        `notice naming ${N} addresses (${(raw.length / 1e6).toFixed(1)} MB): 250 after ` +
          `${sent.p50ms.toFixed(0)} ms; decided ${seconds.toFixed(2)} s after it; ` +
          `${rows[0].events} events, ${rows[0].applied} applied`,
      );
      console.log(`longest decode transaction: ${longestTransaction.toFixed(2)} s`);
      console.log(`small bounces before it (baseline): ${describe(baseline)}`);
      console.log(`small bounces while it was written:  ${describe(latencies)}`);
      console.log(`longest event-loop stall on the SMTP thread meanwhile: ${(loop.max / 1e6).toFixed(0)} ms`);
    } finally {
      await watch.end();
      await server.shutdown();
    }
  });
} finally {
  await postgres.stop();
}
