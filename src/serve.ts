// `bounced serve`: wires the stages together, and takes them down in order on shutdown.
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from './config/index.ts';
import { fetchSession, type FetchRun } from './commands/fetch.ts';
import { loadRulesFromDatabase } from './classify/rule-store.ts';
import { DecodeWorker } from './ingest/decode-queue.ts';
import { reportStage } from './pipeline/decode-stage.ts';
import { DecoderThread } from './pipeline/decoder-thread.ts';
import { Spool } from './ingest/spool.ts';
import { protocolLogger } from './log.ts';
import { startHttp, type HttpEndpoints } from './api/http.ts';
import { Metrics } from './metrics/index.ts';
import { SmtpListener } from './smtp/listener.ts';
import { openDatabase, type Database } from './store/database.ts';
import type { EventsOptions } from './pipeline/facts.ts';
import { migrate } from './store/migrate.ts';
import { dropExpiredPartitions, ensureMonthlyPartitions } from './store/partitions.ts';
import { applyRetention } from './store/retention.ts';
import { dropOldBounceMinutes } from './store/standing.ts';

/** Operators' rules in classification_rules are read again this often. */
const RULES_REFRESH_MS = 60_000;
// A stored message wakes the decoders this long later: long enough for a burst to fill a
// batch, short against the seconds a burst may take to be decided.
const DECODE_GATHER_MS = 200;

export interface RunningServer {
  smtpPort: number;
  httpPort: number;
  metrics: Metrics;
  database: Database;
  /** Drains SMTP, flushes commits, closes the pool and the embedded Postgres. */
  shutdown(): Promise<void>;
}

/** How decoded facts are linked and weighed, from the configuration; the breaker writes through `pool`. */
export function eventsOptions(config: Config, pool: Pool): EventsOptions {
  return {
    switchboard: pool,
    correlation: { keys: config.tokens.keyring?.all ?? [], ...config.correlation },
    policy: config.standing,
    evidence: config.evidence,
    breaker: config.breaker,
  };
}

export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const database = await openDatabase(config, log, config.ingest.commitDeadlineMs);
  const cleanups: Array<() => Promise<void>> = [() => database.close()];
  const unwind = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const result = await migrate(database.pool);
    if (result.applied.length) log.info({ applied: result.applied.map((m) => m.version) }, 'migrations applied');
    if (result.unknown.length) log.warn({ versions: result.unknown }, 'the database has migrations this release does not know: a newer release ran');

    const metrics = new Metrics(config.metricsDomains);
    const spool = new Spool(
      database.pool,
      {
        windowMs: config.ingest.groupCommitWindowMs,
        maxBatch: config.ingest.groupCommitMaxMessages,
        maxBatchBytes: config.ingest.groupCommitMaxBytes,
        deadlineMs: config.ingest.commitDeadlineMs,
        // Leave connections for readiness checks, metrics and the decoding stage.
        maxConcurrentCommits: Math.max(1, Math.min(4, config.pgPoolSize - 2)),
        instance: config.instanceName,
      },
      {
        committed: (n, seconds) => {
          metrics.ingestCommitBatchSize.observe(n);
          metrics.ingestCommitSeconds.observe(seconds);
        },
        failed: (n, err) => {
          metrics.ingestCommitFailures.inc();
          log.error({ messages: n, err: err.message }, 'group commit failed');
        },
      },
    );
    cleanups.push(() => spool.close());

    // Decoding runs after the 250, from the stored rows (the queue is raw_messages itself),
    // in a thread of its own with a time budget per message.
    const decoderThread = new DecoderThread(config.decodeBudgetMs, (why) => {
      metrics.decoderRestarts.inc({ why });
      log.warn({ why, budgetMs: config.decodeBudgetMs }, 'decoder thread restarted');
    });
    await decoderThread.start();
    cleanups.push(() => decoderThread.close());
    const refreshRules = async () => {
      try {
        const loaded = await loadRulesFromDatabase(database.pool);
        decoderThread.setRules(loaded.specs);
        metrics.rulesLoaded.set(loaded.rules.length);
        metrics.rulesRefused.set(loaded.skipped.length);
        for (const why of loaded.skipped) log.warn({ rule: why }, 'classification rule skipped');
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'could not load classification rules; keeping the previous ones');
      }
    };
    await refreshRules();
    const rulesTimer = setInterval(() => void refreshRules(), RULES_REFRESH_MS);
    rulesTimer.unref();
    cleanups.push(async () => clearInterval(rulesTimer));
    // Every day: bounce_events partitions (this month and the next two made, old ones
    // dropped), then every other kind of row past its retention.
    const maintainPartitions = async () => {
      try {
        const created = await ensureMonthlyPartitions(database.pool, new Date());
        const dropped = await dropExpiredPartitions(database.pool, new Date(), config.eventsRetentionMonths);
        await dropOldBounceMinutes(database.pool, new Date());
        if (created.length || dropped.length) log.info({ created, dropped }, 'bounce_events partitions');
        const expired = await applyRetention(database.pool, new Date(), config.retention);
        if (Object.keys(expired).length) log.info({ expired }, 'retention: old rows dropped');
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'could not maintain partitions and retention');
      }
    };
    await maintainPartitions();
    const partitionTimer = setInterval(() => void maintainPartitions(), 86_400_000);
    partitionTimer.unref();
    cleanups.push(async () => clearInterval(partitionTimer));
    // Several batches at once: decoding is one thread, but each batch mostly waits on
    // Postgres round trips, which overlap.
    const stage = reportStage((raw) => decoderThread.decode(raw), metrics, eventsOptions(config, database.pool));
    const decoders = Array.from(
      { length: config.decodeWorkers },
      () =>
        new DecodeWorker(database.pool, stage, { batchSize: config.decodeBatchSize, pollMs: 2000, gatherMs: DECODE_GATHER_MS }, (err) => log.warn({ err: err.message }, 'decoding batch failed; will retry'), {
          decoded: (n) => metrics.decodedMessages.inc({ result: 'decoded' }, n),
          failed: (n) => metrics.decodedMessages.inc({ result: 'failed' }, n),
          retried: (n) => metrics.decodedMessages.inc({ result: 'retried' }, n),
        }),
    );
    const decoder = {
      start: () => decoders.forEach((d) => d.start()),
      notify: () => decoders.forEach((d) => d.notify()),
      stop: () => Promise.all(decoders.map((d) => d.stop())).then(() => undefined),
    };
    decoder.start();
    cleanups.push(() => decoder.stop());

    const smtp = new SmtpListener({
      config: config.smtp,
      bounceDomains: config.bounceDomains,
      tokens: config.tokens,
      sink: spool,
      metrics,
      log,
      protocolLog: protocolLogger(log, config.smtpLogLevel),
      onStored: () => decoder.notify(),
    });
    const smtpPort = await smtp.listen(config.smtp.host, config.smtp.port);
    cleanups.push(() => smtp.close());
    log.info({ host: config.smtp.host, port: smtpPort, domains: config.bounceDomains, tls: Boolean(config.smtp.tls), database: database.describe }, 'SMTP listening');

    // A mailbox to poll alongside SMTP (FETCH_URL), through the same spool.
    let fetchTimer: NodeJS.Timeout | undefined;
    let fetching: Promise<unknown> | undefined;
    if (config.fetch.url && config.fetch.password !== undefined) {
      const run: FetchRun = {
        url: config.fetch.url,
        password: config.fetch.password,
        limits: { maxMessages: config.fetch.maxMessages, maxBytes: config.fetch.maxBytes, maxMessageBytes: config.smtp.maxMessageBytes, nonBounce: config.fetch.nonBounce },
        trust: {
          caFile: config.fetch.caFile,
          insecure: config.fetch.insecureTls,
          allowPlaintextLogin: config.fetch.allowPlaintextLogin,
          maxMessageBytes: config.smtp.maxMessageBytes,
        },
      };
      const poll = () => {
        fetching ??= fetchSession(run, database.pool, spool, log, (result) => metrics.mailboxMessages.inc({ result }))
          .then(() => decoder.notify())
          .catch((err: Error) => {
            metrics.mailboxMessages.inc({ result: 'failed' });
            log.error({ err: err.message }, 'mailbox fetch failed; will try again');
          })
          .finally(() => (fetching = undefined));
      };
      poll();
      fetchTimer = setInterval(poll, config.fetch.intervalSeconds * 1000);
      log.info({ url: config.fetch.url, everySeconds: config.fetch.intervalSeconds }, 'polling a mailbox');
    } else if (config.fetch.url) {
      log.warn('FETCH_URL is set but MAILBOX_PASSWORD is not: not polling the mailbox');
    }

    const http: HttpEndpoints = await startHttp({
      host: config.http.host,
      port: config.http.port,
      pool: database.pool,
      probePool: database.probePool,
      metrics,
      log,
      isDraining: () => smtp.isDraining,
      sentApiToken: config.sentApiToken,
    });

    let stopping: Promise<void> | undefined;
    const shutdown = () =>
      (stopping ??= (async () => {
        log.info({ drainMs: config.shutdownDrainMs }, 'shutting down: refusing new sessions, draining DATA');
        clearInterval(fetchTimer);
        await fetching;
        const drained = await smtp.drain(config.shutdownDrainMs);
        if (!drained) log.warn('drain deadline passed with messages still in DATA: their clients will retry');
        await smtp.close();
        await spool.close();
        await decoder.stop();
        await decoderThread.close();
        clearInterval(rulesTimer);
        clearInterval(partitionTimer);
        await http.close();
        await database.close();
        log.info('stopped');
      })());
    return { smtpPort, httpPort: http.port, metrics, database, shutdown };
  } catch (err) {
    await unwind();
    throw err;
  }
}
