// `bounced serve`: wires the stages together, and takes them down in order on shutdown.
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { type HttpEndpoints, startHttp } from './api/http.ts';
import type { Config } from './config/index.ts';
import { Spool } from './ingest/spool.ts';
import { protocolLogger } from './log.ts';
import { type FetchRun, fetchSession } from './mailbox/fetch.ts';
import { Metrics } from './metrics/index.ts';
import { DecodeSide } from './pipeline/decode-side.ts';
import type { EventsOptions } from './pipeline/facts.ts';
import { SmtpListener } from './smtp/listener.ts';
import { type Database, openDatabase } from './store/database.ts';
import { migrate } from './store/migrate.ts';
import { dropExpiredPartitions, ensureMonthlyPartitions } from './store/partitions.ts';
import { applyRetention } from './store/retention.ts';
import { dropOldBounceMinutes } from './store/standing.ts';

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

/** How decoded facts are linked and weighed, from the configuration. */
function eventsSettings(config: Config): Omit<EventsOptions, 'switchboard'> {
  return {
    correlation: { keys: config.tokens.keyring?.all ?? [], ...config.correlation },
    policy: config.standing,
    evidence: config.evidence,
    breaker: config.breaker,
  };
}

/** The same, with the pool the outage breaker trips and closes through. */
export function eventsOptions(config: Config, pool: Pool): EventsOptions {
  return { ...eventsSettings(config), switchboard: pool };
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
    if (result.unknown.length)
      log.warn(
        { versions: result.unknown },
        'the database has migrations this release does not know: a newer release ran',
      );

    const metrics = new Metrics(config.metricsDomains);
    const spool = new Spool(
      database.pool,
      {
        windowMs: config.ingest.groupCommitWindowMs,
        maxBatch: config.ingest.groupCommitMaxMessages,
        maxBatchBytes: config.ingest.groupCommitMaxBytes,
        deadlineMs: config.ingest.commitDeadlineMs,
        // Leave connections for the HTTP API and maintenance (the decode side has its own).
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

    // Every day: monthly partitions of bounce_events and the standing history (the next two
    // months made ahead, months past their retention dropped), then every other kind of row
    // past its retention.
    const maintainPartitions = async () => {
      try {
        const created = [
          ...(await ensureMonthlyPartitions(database.pool, new Date())),
          ...(await ensureMonthlyPartitions(database.pool, new Date(), 2, 'address_standing_history')),
        ];
        const dropped = await dropExpiredPartitions(database.pool, new Date(), config.eventsRetentionMonths);
        await dropOldBounceMinutes(database.pool, new Date());
        if (created.length || dropped.length) log.info({ created, dropped }, 'monthly partitions');
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
    // Decoding runs after the 250, from the stored rows (the queue is raw_messages itself),
    // in a thread of its own: reading, linking and deciding never hold up a 250.
    const decoder = new DecodeSide(
      {
        databaseUrl: database.url,
        instanceName: config.instanceName,
        workers: config.decodeWorkers,
        batchSize: config.decodeBatchSize,
        shareWhileReceiving: config.decodeShareWhileReceiving / 100,
        gatherMs: DECODE_GATHER_MS,
        budgetMs: config.decodeBudgetMs,
        timeoutMs: config.ingest.commitDeadlineMs,
        events: eventsSettings(config),
        metricsDomains: config.metricsDomains,
        logLevel: config.logLevel,
      },
      metrics,
      log,
    );
    await decoder.start();
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
    log.info(
      {
        host: config.smtp.host,
        port: smtpPort,
        domains: config.bounceDomains,
        tls: Boolean(config.smtp.tls),
        database: database.describe,
      },
      'SMTP listening',
    );

    // A mailbox to poll alongside SMTP (FETCH_URL), through the same spool.
    let fetchTimer: NodeJS.Timeout | undefined;
    let fetching: Promise<unknown> | undefined;
    if (config.fetch.url && config.fetch.password !== undefined) {
      const run: FetchRun = {
        url: config.fetch.url,
        password: config.fetch.password,
        limits: {
          maxMessages: config.fetch.maxMessages,
          maxBytes: config.fetch.maxBytes,
          maxMessageBytes: config.smtp.maxMessageBytes,
          nonBounce: config.fetch.nonBounce,
        },
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
