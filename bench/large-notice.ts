// `npm run bench:notice -- [--addresses 90000]`: one text notice naming N addresses at 5,000
// receiving domains (none of them our recipients: a forgery, or a relay's mass failure) is
// stored, then decoded (in the decoder thread, as in the server) and recorded by the decode
// stage; prints how long that took, what the facts did (none may change a standing), and
// the longest the event loop (where SMTP sessions run in the server) waited for a turn.
// Postgres: BENCH_DATABASE_URL (a server where databases may be created) if set, else an
// embedded server in a temporary folder.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { decodeBatch } from '../src/ingest/decode-queue.ts';
import { Spool } from '../src/ingest/spool.ts';
import { Metrics } from '../src/metrics/index.ts';
import { reportStage } from '../src/pipeline/decode-stage.ts';
import { DecoderThread } from '../src/pipeline/decoder-thread.ts';
import { DEFAULT_EVIDENCE_POLICY } from '../src/standing/evidence.ts';
import { DEFAULT_POLICY } from '../src/standing/policy.ts';
import { createPool } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { benchPostgres, withFreshDatabase } from './support/postgres.ts';
import { failureNotice, manyAddresses } from '../test/support/notices.ts';

const { values } = parseArgs({ options: { addresses: { type: 'string', default: '90000' } } });
const N = Number(values.addresses);

const notice = (count: number) => Buffer.from(failureNotice(manyAddresses(count, 5000)));

const postgres = await benchPostgres('notice');
try {
  await withFreshDatabase(postgres.adminUrl, 'bounced_notice', async (url) => {
    const pool = createPool(url, { max: 4, timeoutMs: 600_000 }, pino({ level: 'silent' }));
    try {
      await migrate(pool);
      const spool = new Spool(pool, { windowMs: 0, maxBatch: 1, deadlineMs: 600_000, maxConcurrentCommits: 1, instance: 'bench' });
      const raw = notice(N);
      await spool.store({ envelope: { mailFrom: '', rcptTo: ['b@bounces.example.com'], remoteIp: null, helo: null, tlsProtocol: null, sessionId: null, receivedAt: new Date(), source: 'smtp' }, raw });
      await spool.close();
      const decoder = new DecoderThread(600_000, () => undefined);
      await decoder.start();
      const stage = reportStage((r) => decoder.decode(r), new Metrics(), {
        correlation: { keys: [], headers: [], recentSendWindowMs: 7 * 86_400_000 },
        policy: DEFAULT_POLICY,
        evidence: DEFAULT_EVIDENCE_POLICY,
        breaker: { windowMs: 600_000, minHard: 50, minRatio: 0.2 },
        switchboard: pool,
      });
      // The longest the event loop went without a turn: what SMTP sessions beside it would wait.
      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const started = process.hrtime.bigint();
      await decodeBatch(pool, stage, 1);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      loop.disable();
      await decoder.close();
      const { rows } = await pool.query(`select count(*)::int as events, count(*) filter (where standing_effect <> 'none')::int as applied from bounce_events`);
      console.log(`notice naming ${N} addresses (${(raw.length / 1e6).toFixed(1)} MB): decoded and recorded in ${seconds.toFixed(2)} s; ${rows[0].events} events, ${rows[0].applied} applied; longest event-loop stall ${(loop.max / 1e6).toFixed(0)} ms`);
    } finally {
      await pool.end();
    }
  });
} finally {
  await postgres.stop();
}
