// Every metric is declared here, once, with its few fixed labels. Labels are bounded:
// never an address, a host name or an id. Node's process metrics live in their own
// registry so that ours can be checked on their own (promtool check metrics).

import type { Pool } from 'pg';
import client from 'prom-client';

export type TransactionResult =
  | 'accepted'
  | 'duplicate'
  | 'relay_refused'
  | 'token_refused'
  | 'too_many_recipients'
  | 'too_big'
  | 'memory_busy'
  | 'temp_failed'
  | 'rate_limited'
  | 'aborted';

/** The mailbox providers most lists are made of; METRICS_DOMAINS replaces the list. */
const DEFAULT_LABELLED_DOMAINS = [
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'msn.com',
  'yahoo.com',
  'aol.com',
  'icloud.com',
  'me.com',
  'gmx.de',
  'web.de',
  't-online.de',
  'orange.fr',
  'free.fr',
  'laposte.net',
  'yandex.ru',
  'mail.ru',
  'qq.com',
  '163.com',
];

export type ConnectionResult = 'accepted' | 'refused_busy' | 'refused_shutdown' | 'rate_limited' | 'cut_off';

/**
 * One metric's series, as a thread that counts part of the server's work sends them to the
 * main one (see Metrics.absorb).
 */
export interface MetricSnapshot {
  name: string;
  type: 'counter' | 'gauge';
  series: Array<{ labels: Partial<Record<string, string | number>>; value: number }>;
}

export class Metrics {
  readonly registry = new client.Registry();
  readonly processRegistry = new client.Registry();

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[] = []) {
    return new client.Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private gauge<L extends string>(name: string, help: string, labelNames: readonly L[] = []) {
    return new client.Gauge<L>({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]) {
    return new client.Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  readonly smtpConnections = this.counter(
    'bounced_smtp_connections_total',
    'SMTP connections, by what we did with them',
    ['result'],
  );
  readonly smtpActiveSessions = this.gauge('bounced_smtp_active_sessions', 'SMTP sessions open now');
  readonly smtpTransactions = this.counter(
    'bounced_smtp_transactions_total',
    'SMTP transactions and refused recipients, by result',
    ['result'],
  );
  readonly smtpDataReplySeconds = this.histogram(
    'bounced_smtp_data_reply_seconds',
    'Time from the end of DATA to our reply (includes the commit)',
    ['result'],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  );
  readonly ingestStored = this.counter(
    'bounced_ingest_stored_messages_total',
    'Messages committed to the spool (raw_messages)',
  );
  readonly ingestCommitBatchSize = this.histogram(
    'bounced_ingest_commit_batch_messages',
    'Messages per group commit',
    [],
    [1, 2, 4, 8, 16, 32, 64, 128, 256],
  );
  readonly ingestCommitSeconds = this.histogram(
    'bounced_ingest_commit_seconds',
    'Duration of one group commit',
    [],
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  );
  readonly ingestCommitFailures = this.counter(
    'bounced_ingest_commit_failures_total',
    'Group commits that failed (their messages got 451)',
  );
  readonly decodedMessages = this.counter(
    'bounced_decode_messages_total',
    'Stored messages the decoding stage took, by result: decoded, failed (cannot be decoded), ' +
      'retried (a transient database fault; back in the queue)',
    ['result'],
  );
  readonly decodedReports = this.counter(
    'bounced_decode_reports_total',
    'Decoded messages by kind (bounce, delay, autoreply, feedback, delivered, other)',
    ['kind'],
  );
  readonly recipientFacts = this.counter(
    'bounced_decode_recipient_facts_total',
    'Recipient facts decoded, by type (hard, soft, ignored) and reason (34 values)',
    ['type', 'reason'],
  );
  readonly correlations = this.counter(
    'bounced_correlation_total',
    'Recipient facts linked to their send, by the method that matched (none = unmatched)',
    ['method'],
  );
  readonly standingChanges = this.counter(
    'bounced_standing_changes_total',
    'What facts did to address standing: counted, quarantined, complained, held (by a breaker)',
    ['effect'],
  );
  readonly factEvidence = this.counter(
    'bounced_fact_evidence_total',
    'Recipient facts that could change a standing, by the evidence they carried ' +
      '(authenticated, weak, none) and outcome (applied, or why not)',
    ['evidence', 'outcome'],
  );
  readonly sentRegistered = this.counter(
    'bounced_sent_messages_registered_total',
    'Sent messages registered through POST /v1/sent-messages',
  );
  readonly breakersTripped = this.gauge(
    'bounced_breakers_tripped',
    'Receiving domains whose outage breaker is tripped now (quarantines held)',
  );
  readonly factsByDomain = this.counter(
    'bounced_recipient_facts_by_domain_total',
    'Recipient facts by receiving domain (a configured list of large providers, else "other"), kind and type',
    ['domain', 'kind', 'type'],
  );
  readonly mailboxMessages = this.counter(
    'bounced_mailbox_messages_total',
    'Messages of POP3/IMAP mailboxes, by result: fetched, stored, duplicate, removed, kept, failed, too_big',
    ['result'],
  );
  readonly rulesLoaded = this.gauge(
    'bounced_classification_rules_loaded',
    'Operator rules from classification_rules in use',
  );
  readonly rulesRefused = this.gauge(
    'bounced_classification_rules_refused',
    'Operator rules not in use: a pattern that does not compile or could backtrack ' +
      'catastrophically (see classification_rules.problem)',
  );
  readonly decoderRestarts = this.counter(
    'bounced_decoder_restarts_total',
    'Times the decoder thread was started again: a message past DECODE_BUDGET_MS (budget), ' +
      'a crash, or the thread gone (exit)',
    ['why'],
  );
  readonly databaseUp = this.gauge(
    'bounced_database_up',
    '1 when the last look at Postgres (scrape or readiness) succeeded',
  );
  readonly backlogMessages = this.gauge(
    'bounced_decode_backlog_messages',
    'Stored messages not decoded yet (all instances)',
  );
  readonly backlogOldestSeconds = this.gauge(
    'bounced_decode_backlog_oldest_seconds',
    'Age of the oldest stored message not decoded yet; 0 when none',
  );

  /** Receiving domains that get their own label value; the rest are "other". */
  private readonly labelledDomains: Set<string>;

  constructor(labelledDomains: readonly string[] = DEFAULT_LABELLED_DOMAINS) {
    this.labelledDomains = new Set(labelledDomains.map((d) => d.toLowerCase()));
    client.collectDefaultMetrics({ register: this.processRegistry, prefix: 'bounced_' });
    // Every known series starts at 0, so that rate() and increase() see its first events
    // (a series born at 3 shows no increase) and ratios have a denominator from the start.
    for (const kind of ['bounce', 'delay', 'autoreply', 'feedback', 'delivered', 'other'])
      this.decodedReports.inc({ kind }, 0);
    for (const result of ['decoded', 'failed', 'retried']) this.decodedMessages.inc({ result }, 0);
    for (const result of [
      'accepted',
      'duplicate',
      'relay_refused',
      'token_refused',
      'too_many_recipients',
      'too_big',
      'memory_busy',
      'temp_failed',
      'rate_limited',
      'aborted',
    ]) {
      this.smtpTransactions.inc({ result }, 0);
    }
    for (const result of ['accepted', 'refused_busy', 'refused_shutdown', 'rate_limited', 'cut_off'])
      this.smtpConnections.inc({ result }, 0);
    for (const result of ['accepted', 'duplicate', 'too_big', 'temp_failed'])
      this.smtpDataReplySeconds.zero({ result });
    for (const method of ['token', 'message-id', 'envelope-id', 'x-header', 'in-reply-to', 'recent-send', 'none'])
      this.correlations.inc({ method }, 0);
    for (const effect of ['counted', 'quarantined', 'complained', 'held']) this.standingChanges.inc({ effect }, 0);
    for (const [evidence, outcome] of [
      ['authenticated', 'applied'],
      ['weak', 'applied'],
      ['weak', 'weak-evidence'],
      ['none', 'no-evidence'],
      ['none', 'not-the-send-recipient'],
      ['weak', 'too-many-addresses'],
      ['authenticated', 'too-many-addresses'],
    ] as const) {
      this.factEvidence.inc({ evidence, outcome }, 0);
    }
    for (const result of ['fetched', 'stored', 'duplicate', 'removed', 'kept', 'failed', 'too_big'])
      this.mailboxMessages.inc({ result }, 0);
    for (const why of ['budget', 'crash', 'exit']) this.decoderRestarts.inc({ why }, 0);
  }

  /** What the decode side counts: in the server its thread has a registry of its own, sent here (absorb). */
  get decodeSide(): Array<client.Counter<string> | client.Gauge<string>> {
    return [
      this.decodedMessages,
      this.decodedReports,
      this.recipientFacts,
      this.correlations,
      this.standingChanges,
      this.factEvidence,
      this.factsByDomain,
      this.rulesLoaded,
      this.rulesRefused,
      this.decoderRestarts,
    ];
  }

  /** Every series of these metrics, with its value now. */
  static async snapshot(metrics: Array<client.Counter<string> | client.Gauge<string>>): Promise<MetricSnapshot[]> {
    return Promise.all(
      metrics.map(async (m) => {
        const { name, type, values } = await m.get();
        return {
          name,
          type: String(type) === 'gauge' ? 'gauge' : 'counter',
          series: values.map((v) => ({ labels: v.labels, value: v.value })),
        } satisfies MetricSnapshot;
      }),
    );
  }

  /** What each source's counters stood at when last absorbed. */
  private readonly absorbed = new Map<string, number>();

  /**
   * Takes in another registry's snapshot: a counter grows by what it counted since the same
   * `source` last sent one (a restarted thread is a new source, counting from zero); a gauge
   * takes its value.
   */
  absorb(source: string, snapshot: MetricSnapshot[]): void {
    for (const { name, type, series } of snapshot) {
      const target = this.registry.getSingleMetric(name) as client.Counter<string> | client.Gauge<string> | undefined;
      if (!target) continue;
      for (const { labels, value } of series) {
        if (type === 'gauge') {
          (target as client.Gauge<string>).set(labels, value);
          continue;
        }
        const key = `${source}\0${name}\0${JSON.stringify(labels)}`;
        const delta = value - (this.absorbed.get(key) ?? 0);
        this.absorbed.set(key, value);
        if (delta > 0) (target as client.Counter<string>).inc(labels, delta);
      }
    }
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
      const breakers = await pool.query<{ n: number }>(
        'select count(*)::int as n from domain_breakers where released_at is null',
      );
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
