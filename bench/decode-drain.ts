// `npm run bench:drain -- [--messages N] [--workers 1,2,4]`: how fast stored bounces are
// decided. N hard and soft DSNs (two thirds 5.1.1, one third 4.2.2), each about a send
// registered in sent_messages (authenticated evidence: every fact goes all the way to the
// standing), at 6 receiving domains (4 large, so their breakers trip), are stored, then
// decoded by W concurrent decode workers through the decoder thread; prints the drain time
// and messages/s for each W, and what the facts did. A fresh database per run.
// Postgres: BENCH_DATABASE_URL (a server where databases may be created) if set, else an
// embedded server in a temporary folder.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { DecodeWorker } from '../src/ingest/decode-queue.ts';
import { Spool } from '../src/ingest/spool.ts';
import { Metrics } from '../src/metrics/index.ts';
import { reportStage } from '../src/pipeline/decode-stage.ts';
import { DecoderThread } from '../src/pipeline/decoder-thread.ts';
import { DEFAULT_EVIDENCE_POLICY } from '../src/standing/evidence.ts';
import { DEFAULT_POLICY } from '../src/standing/policy.ts';
import { createPool } from '../src/store/database.ts';
import { migrate } from '../src/store/migrate.ts';
import { bounceTo } from '../test/support/envelope.ts';
import { dsnNotice } from '../test/support/notices.ts';
import { benchPostgres, withFreshDatabase } from './support/postgres.ts';

const { values } = parseArgs({
  options: { messages: { type: 'string', default: '2000' }, workers: { type: 'string', default: '1,2,4' } },
});
const N = Number(values.messages);
const WORKERS = values.workers!.split(',').map(Number);
const DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'orange.fr', 'one.example', 'two.example'];
const log = pino({ level: 'silent' });

async function run(url: string, workers: number): Promise<void> {
  const pool = createPool(url, { max: workers + 6, timeoutMs: 60_000 }, log);
  const thread = new DecoderThread(60_000);
  try {
    await migrate(pool);
    const sends = Array.from({ length: N }, (_, i) => ({
      messageId: `send-${i}@sender.example`,
      rcpt: `user${i}@${DOMAINS[i % DOMAINS.length]}`,
    }));
    await pool.query(
      `insert into sent_messages (message_id, recipient, campaign) select unnest($1::text[]),
       unnest($2::text[]), 'burst'`,
      [sends.map((s) => s.messageId), sends.map((s) => s.rcpt)],
    );
    const spool = new Spool(pool, {
      windowMs: 2,
      maxBatch: 200,
      deadlineMs: 60_000,
      maxConcurrentCommits: 4,
      instance: 'bench',
    });
    await Promise.all(
      sends.map((s, i) =>
        spool.store(
          bounceTo(
            'b@bounces.example.com',
            dsnNotice(s.rcpt, s.messageId, i % 3 === 0 ? '452 4.2.2 mailbox full' : undefined),
          ),
        ),
      ),
    );
    await spool.close();
    await thread.start();
    const stage = reportStage((raw) => thread.decode(raw), new Metrics(), {
      correlation: { keys: [], headers: [], recentSendWindowMs: 0 },
      policy: DEFAULT_POLICY,
      evidence: DEFAULT_EVIDENCE_POLICY,
      breaker: { windowMs: 600_000, minHard: 50, minRatio: 0.2 },
      switchboard: pool,
    });
    const started = process.hrtime.bigint();
    const errors: string[] = [];
    const decoders = Array.from(
      { length: workers },
      () => new DecodeWorker(pool, stage, { batchSize: 50, pollMs: 50 }, (e) => errors.push(e.message)),
    );
    for (const d of decoders) d.start();
    for (;;) {
      const { rows } = await pool.query(`select count(*)::int as n from raw_messages where decode_state = 'pending'`);
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    await Promise.all(decoders.map((d) => d.stop()));
    const effects = await pool.query(
      `select standing_effect, count(*)::int as n from bounce_events group by 1 order by 1`,
    );
    const retried = await pool.query(`select count(*)::int as n from raw_messages where decode_attempts > 1`);
    const rate = (N / seconds).toFixed(0).padStart(6);
    const effectCounts = effects.rows.map((r) => `${r.standing_effect}=${r.n}`).join(' ');
    console.log(
      `${String(workers).padStart(7)}  ${seconds.toFixed(2).padStart(8)} s  ${rate} msg/s  ` +
        `retried ${retried.rows[0].n}  effects ${effectCounts}${errors.length ? `  errors ${errors.length}` : ''}`,
    );
  } finally {
    await thread.close();
    await pool.end();
  }
}

const postgres = await benchPostgres('drain');
console.log(`drain: ${N} stored bounces, every fact authenticated; workers, drain time, rate`);
try {
  for (const w of WORKERS) await withFreshDatabase(postgres.adminUrl, `bounced_drain_${w}`, (url) => run(url, w));
} finally {
  await postgres.stop();
}
