// The decode side of the server, in a thread of its own: it claims stored messages, has
// each read by the decoder thread (a thread of its own again, with a time budget), and
// writes what a batch says: events, links to sends, standings. None of it runs on the
// thread that answers SMTP, so neither a burst's batches nor a notice naming 90,000
// addresses delays a 250. It has its own connections to Postgres and its own logger; its
// metrics go to the main thread's registry after each batch (Metrics.absorb).
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { loadRulesFromDatabase } from '../classify/rule-store.ts';
import { DecodeWorker } from '../ingest/decode-queue.ts';
import { type MetricSnapshot, Metrics } from '../metrics/index.ts';
import { createPool } from '../store/database.ts';
import { reportStage } from './decode-stage.ts';
import { DecoderThread } from './decoder-thread.ts';
import type { EventsOptions } from './facts.ts';

export interface DecodeSideSettings {
  databaseUrl: string;
  instanceName: string;
  /** Batches written at once (DECODE_WORKERS). */
  workers: number;
  batchSize: number;
  /** The share (0–1) of their time the decoders take while messages arrive. */
  shareWhileReceiving: number;
  /** Told that something was stored, wait this long for more before claiming. */
  gatherMs: number;
  /** DECODE_BUDGET_MS: the time one message may take to decode. */
  budgetMs: number;
  /** Connection and statement timeout of the decode side's connections. */
  timeoutMs: number;
  events: Omit<EventsOptions, 'switchboard'>;
  metricsDomains: string[] | undefined;
  logLevel: string;
}

export type DecodeSideRequest = { type: 'stored' } | { type: 'stop' };
export type DecodeSideMessage =
  | { type: 'ready' }
  | { type: 'metrics'; snapshot: MetricSnapshot[] }
  | { type: 'stopped' };

/** Operators' rules in classification_rules are read again this often. */
const RULES_REFRESH_MS = 60_000;
/** How often to look for work stored by another instance or left by a crash. */
const POLL_MS = 2000;
/** Intake counts as busy until this long after the last message stored. */
const INTAKE_QUIET_MS = 500;
/** Metrics go to the main thread at most this often. */
const METRICS_EVERY_MS = 100;

async function run(port: MessagePort, settings: DecodeSideSettings): Promise<void> {
  const log = pino({ level: settings.logLevel }).child({ thread: 'decode' });
  // A batch's transaction and the breaker's own statements (outside it) for each worker, and one for the rules.
  const pool = createPool(
    settings.databaseUrl,
    {
      max: settings.workers * 2 + 1,
      timeoutMs: settings.timeoutMs,
      applicationName: `bounced ${settings.instanceName} decode`,
    },
    log,
  );
  const metrics = new Metrics(settings.metricsDomains);
  let shipping: NodeJS.Timeout | undefined;
  const ship = async () => {
    clearTimeout(shipping);
    shipping = undefined;
    port.postMessage({
      type: 'metrics',
      snapshot: await Metrics.snapshot(metrics.decodeSide),
    } satisfies DecodeSideMessage);
  };
  const counted = () => {
    shipping ??= setTimeout(() => void ship(), METRICS_EVERY_MS);
  };
  const decodedAs = (result: 'decoded' | 'failed' | 'retried', n: number) => {
    metrics.decodedMessages.inc({ result }, n);
    counted();
  };

  const decoderThread = new DecoderThread(settings.budgetMs, (why) => {
    metrics.decoderRestarts.inc({ why });
    counted();
    log.warn({ why, budgetMs: settings.budgetMs }, 'decoder thread restarted');
  });
  await decoderThread.start();
  const refreshRules = async () => {
    try {
      const loaded = await loadRulesFromDatabase(pool);
      decoderThread.setRules(loaded.specs);
      metrics.rulesLoaded.set(loaded.rules.length);
      metrics.rulesRefused.set(loaded.skipped.length);
      counted();
      for (const why of loaded.skipped) log.warn({ rule: why }, 'classification rule skipped');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not load classification rules; keeping the previous ones');
    }
  };
  await refreshRules();
  const rulesTimer = setInterval(() => void refreshRules(), RULES_REFRESH_MS);

  // The token keys crossed the thread boundary as plain bytes.
  const correlation = {
    ...settings.events.correlation,
    keys: settings.events.correlation.keys.map((k) => ({ id: k.id, secret: Buffer.from(k.secret) })),
  };
  const stage = reportStage((raw) => decoderThread.decode(raw), metrics, {
    ...settings.events,
    correlation,
    switchboard: pool,
  });
  // Messages arriving now: storing them goes first (see DecodeQueueOptions.yieldTo). On two
  // cores, decoding at full speed during a flood cost intake a third of its rate and put
  // its p99 past 25 ms; at half its time it still keeps a 10,000-message burst within
  // seconds. The workers share the share.
  let lastStoredAt = 0;
  const intakeBusy = () => performance.now() - lastStoredAt < INTAKE_QUIET_MS;
  // Several batches at once: each mostly waits on Postgres round trips, which overlap.
  const decoders = Array.from(
    { length: settings.workers },
    () =>
      new DecodeWorker(
        pool,
        stage,
        {
          batchSize: settings.batchSize,
          pollMs: POLL_MS,
          gatherMs: settings.gatherMs,
          yieldTo: { busy: intakeBusy, share: settings.shareWhileReceiving / settings.workers },
        },
        (err) => log.warn({ err: err.message }, 'decoding batch failed; will retry'),
        {
          decoded: (n) => decodedAs('decoded', n),
          failed: (n) => decodedAs('failed', n),
          retried: (n) => decodedAs('retried', n),
        },
      ),
  );
  for (const d of decoders) d.start();

  port.on('message', (request: DecodeSideRequest) => {
    if (request.type === 'stored') {
      lastStoredAt = performance.now();
      for (const d of decoders) d.notify();
    }
    if (request.type !== 'stop') return;
    void (async () => {
      // The batches in hand are finished and committed; what is still pending waits in the
      // database for the next start.
      await Promise.all(decoders.map((d) => d.stop()));
      await decoderThread.close();
      clearInterval(rulesTimer);
      await ship();
      await pool.end().catch(() => undefined);
      port.postMessage({ type: 'stopped' } satisfies DecodeSideMessage);
      port.close();
    })();
  });
  // The rules' counts are in the server's registry before it says it has started.
  await ship();
  port.postMessage({ type: 'ready' } satisfies DecodeSideMessage);
}

if (parentPort) {
  const port = parentPort;
  run(port, workerData as DecodeSideSettings).catch((err) => {
    // Thrown to the main thread as this thread's 'error'.
    setImmediate(() => {
      throw err;
    });
  });
}
