// Every metric is declared here, once, with its few fixed labels. Labels are bounded:
// never an address, a host name or an id. Node's process metrics live in their own
// registry so that ours can be checked on their own (promtool check metrics).
import client from 'prom-client';
import type { Pool } from 'pg';

export type TransactionResult =
  | 'accepted'
  | 'duplicate'
  | 'relay_refused'
  | 'token_refused'
  | 'too_many_recipients'
  | 'too_big'
  | 'temp_failed'
  | 'rate_limited'
  | 'aborted';

/** The mailbox providers most lists are made of; METRICS_DOMAINS replaces the list. */
export const DEFAULT_LABELLED_DOMAINS = [
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'aol.com',
  'icloud.com', 'me.com', 'gmx.de', 'web.de', 't-online.de', 'orange.fr', 'free.fr', 'laposte.net', 'yandex.ru',
  'mail.ru', 'qq.com', '163.com',
];

export type ConnectionResult = 'accepted' | 'refused_busy' | 'refused_shutdown' | 'rate_limited';

export class Metrics {
  readonly registry = new client.Registry();
  readonly processRegistry = new client.Registry();

  readonly smtpConnections = new client.Counter({
    name: 'bounced_smtp_connections_total',
    help: 'SMTP connections, by what we did with them',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly smtpActiveSessions = new client.Gauge({
    name: 'bounced_smtp_active_sessions',
    help: 'SMTP sessions open now',
    registers: [this.registry],
  });
  readonly smtpTransactions = new client.Counter({
    name: 'bounced_smtp_transactions_total',
    help: 'SMTP transactions and refused recipients, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly smtpDataReplySeconds = new client.Histogram({
    name: 'bounced_smtp_data_reply_seconds',
    help: 'Time from the end of DATA to our reply (includes the commit)',
    labelNames: ['result'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly ingestStored = new client.Counter({
    name: 'bounced_ingest_stored_messages_total',
    help: 'Messages committed to the spool (raw_messages)',
    registers: [this.registry],
  });
  readonly ingestCommitBatchSize = new client.Histogram({
    name: 'bounced_ingest_commit_batch_messages',
    help: 'Messages per group commit',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  readonly ingestCommitSeconds = new client.Histogram({
    name: 'bounced_ingest_commit_seconds',
    help: 'Duration of one group commit',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly ingestCommitFailures = new client.Counter({
    name: 'bounced_ingest_commit_failures_total',
    help: 'Group commits that failed (their messages got 451)',
    registers: [this.registry],
  });
  readonly decodedMessages = new client.Counter({
    name: 'bounced_decode_messages_total',
    help: 'Stored messages the decoding stage finished, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  readonly decodedReports = new client.Counter({
    name: 'bounced_decode_reports_total',
    help: 'Decoded messages by kind (bounce, delay, autoreply, feedback, delivered, other)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly recipientFacts = new client.Counter({
    name: 'bounced_decode_recipient_facts_total',
    help: 'Recipient facts decoded, by type (hard, soft, ignored) and reason (34 values)',
    labelNames: ['type', 'reason'] as const,
    registers: [this.registry],
  });
  readonly correlations = new client.Counter({
    name: 'bounced_correlation_total',
    help: 'Recipient facts linked to their send, by the method that matched (none = unmatched)',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  readonly standingChanges = new client.Counter({
    name: 'bounced_standing_changes_total',
    help: 'What facts did to address standing: counted, quarantined, complained, held (by a breaker)',
    labelNames: ['effect'] as const,
    registers: [this.registry],
  });
  readonly sentRegistered = new client.Counter({
    name: 'bounced_sent_messages_registered_total',
    help: 'Sent messages registered through POST /v1/sent-messages',
    registers: [this.registry],
  });
  readonly breakersTripped = new client.Gauge({
    name: 'bounced_breakers_tripped',
    help: 'Receiving domains whose outage breaker is tripped now (quarantines held)',
    registers: [this.registry],
  });
  readonly factsByDomain = new client.Counter({
    name: 'bounced_recipient_facts_by_domain_total',
    help: 'Recipient facts by receiving domain (a configured list of large providers, else "other"), kind and type',
    labelNames: ['domain', 'kind', 'type'] as const,
    registers: [this.registry],
  });
  readonly rulesLoaded = new client.Gauge({
    name: 'bounced_classification_rules_loaded',
    help: 'Operator rules from classification_rules in use',
    registers: [this.registry],
  });
  readonly databaseUp = new client.Gauge({
    name: 'bounced_database_up',
    help: '1 when the last look at Postgres (scrape or readiness) succeeded',
    registers: [this.registry],
  });
  readonly backlogMessages = new client.Gauge({
    name: 'bounced_decode_backlog_messages',
    help: 'Stored messages not decoded yet (all instances)',
    registers: [this.registry],
  });
  readonly backlogOldestSeconds = new client.Gauge({
    name: 'bounced_decode_backlog_oldest_seconds',
    help: 'Age of the oldest stored message not decoded yet; 0 when none',
    registers: [this.registry],
  });

  /** Receiving domains that get their own label value; the rest are "other". */
  private readonly labelledDomains: Set<string>;

  constructor(labelledDomains: readonly string[] = DEFAULT_LABELLED_DOMAINS) {
    this.labelledDomains = new Set(labelledDomains.map((d) => d.toLowerCase()));
    client.collectDefaultMetrics({ register: this.processRegistry, prefix: 'bounced_' });
    // Every known series starts at 0, so that rate() and increase() see its first events
    // (a series born at 3 shows no increase) and ratios have a denominator from the start.
    for (const kind of ['bounce', 'delay', 'autoreply', 'feedback', 'delivered', 'other']) this.decodedReports.inc({ kind }, 0);
    for (const result of ['decoded', 'failed']) this.decodedMessages.inc({ result }, 0);
    for (const result of ['accepted', 'duplicate', 'relay_refused', 'token_refused', 'too_many_recipients', 'too_big', 'temp_failed', 'rate_limited', 'aborted']) {
      this.smtpTransactions.inc({ result }, 0);
    }
    for (const result of ['accepted', 'refused_busy', 'refused_shutdown', 'rate_limited']) this.smtpConnections.inc({ result }, 0);
    for (const result of ['accepted', 'duplicate', 'too_big', 'temp_failed']) this.smtpDataReplySeconds.zero({ result });
    for (const method of ['token', 'message-id', 'envelope-id', 'x-header', 'in-reply-to', 'recent-send', 'none']) this.correlations.inc({ method }, 0);
    for (const effect of ['counted', 'quarantined', 'complained', 'held']) this.standingChanges.inc({ effect }, 0);
  }

  /** A bounded label for a receiving domain. */
  domainLabel(domain: string): string {
    const d = domain.toLowerCase();
    return this.labelledDomains.has(d) ? d : 'other';
  }

  /** Reads the backlog from Postgres; called at scrape time, bounded by the pool's query timeout. */
  async refreshFromDatabase(pool: Pool): Promise<void> {
    try {
      const { rows } = await pool.query<{ pending: string; oldest: number | null }>(
        `select count(*) as pending, extract(epoch from now() - min(received_at))::float8 as oldest
           from raw_messages where decode_state = 'pending'`,
      );
      this.backlogMessages.set(Number(rows[0]?.pending ?? 0));
      this.backlogOldestSeconds.set(Math.max(0, rows[0]?.oldest ?? 0));
      const breakers = await pool.query<{ n: number }>('select count(*)::int as n from domain_breakers where released_at is null');
      this.breakersTripped.set(breakers.rows[0]?.n ?? 0);
      this.databaseUp.set(1);
    } catch {
      this.databaseUp.set(0);
    }
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    const merged = client.Registry.merge([this.registry, this.processRegistry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}
