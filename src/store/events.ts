// Writing what a decoded report means: one bounce_events row per recipient fact, linked to
// its send, and the address's standing updated, all in the transaction that marks the raw
// message decoded. The unique key (raw message, recipient) makes a second decoding of the
// same message (a retry, another instance, reprocess) change nothing.
import type { PoolClient } from 'pg';
import type { BreakerConfig } from '../config/index.ts';
import { correlate, type CorrelationMethod, type CorrelationOptions } from '../correlate/correlate.ts';
import type { SpooledMessage } from '../ingest/decode-queue.ts';
import type { RecipientFact, Report } from '../parse/report.ts';
import { decide, type Effect, type Standing, type StandingPolicy, type StandingState } from './standing-policy.ts';

export interface EventsOptions {
  correlation: CorrelationOptions;
  policy: StandingPolicy;
  breaker: BreakerConfig;
}

export interface RecordedFact {
  recipient: string;
  /** False when this message's fact was already recorded. */
  inserted: boolean;
  correlation: CorrelationMethod;
  effect: Effect;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

export async function recordFacts(tx: PoolClient, message: SpooledMessage, report: Report, opts: EventsOptions): Promise<RecordedFact[]> {
  if (report.kind === 'other') return [];
  const recorded: RecordedFact[] = [];
  const facts = report.kind === 'feedback' && report.recipients.length === 0 ? await redactedComplainant(tx, message, report, opts) : report.recipients;
  for (const fact of facts) {
    const recipient = fact.address.toLowerCase();
    const link = await correlate(tx, { report, rcptTo: message.rcptTo, recipient, occurredAt: message.receivedAt }, opts.correlation);
    const { rows } = await tx.query<{ id: string }>(
      `insert into bounce_events (occurred_at, raw_message_id, recipient, recipient_domain, kind, action, reason, type, rule,
                                  status, reply_code, diagnostic, remote_mta, feedback_type, sent_message_id, send_id, campaign, correlation)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
       on conflict (raw_message_id, recipient, occurred_at) do nothing
       returning id`,
      [
        message.receivedAt, message.id, recipient, domainOf(recipient), report.kind, fact.action, fact.reason, fact.type, fact.rule,
        fact.status, fact.replyCode, fact.diagnosticCode?.slice(0, 2000) ?? null, fact.remoteMta,
        report.kind === 'feedback' ? (report.feedback?.type ?? null) : null,
        link.sentMessageId, link.sendId, link.campaign, link.method,
      ],
    );
    if (rows.length === 0) {
      recorded.push({ recipient, inserted: false, correlation: link.method, effect: 'none' });
      continue;
    }
    const effect = await applyStanding(tx, recipient, fact, report, message, opts);
    if (effect !== 'none') {
      await tx.query('update bounce_events set standing_effect = $1 where id = $2 and occurred_at = $3', [effect, rows[0]!.id, message.receivedAt]);
    }
    recorded.push({ recipient, inserted: true, correlation: link.method, effect });
  }
  return recorded;
}

/**
 * Providers that redact complaints (no Original-Rcpt-To, no To: in the returned copy) still
 * return the message: the send it correlates with names who complained.
 */
async function redactedComplainant(tx: PoolClient, message: SpooledMessage, report: Report, opts: EventsOptions): Promise<RecipientFact[]> {
  const link = await correlate(tx, { report, rcptTo: message.rcptTo, recipient: '', occurredAt: message.receivedAt }, opts.correlation);
  if (!link.sentMessageId) return [];
  const { rows } = await tx.query<{ recipient: string }>('select recipient from sent_messages where message_id = $1', [link.sentMessageId]);
  const address = rows[0]?.recipient;
  if (!address) return [];
  return [{ address, action: 'failed', status: null, replyCode: null, diagnosticCode: null, remoteMta: null, reason: 'feedback', type: 'ignored', rule: 'arf.recipient-of-the-send' }];
}

/** Facts that can change a standing: final failures that are the address's, and complaints. */
function canAffect(fact: RecipientFact, report: Report): boolean {
  return report.kind === 'feedback' || (fact.action === 'failed' && fact.type !== 'ignored');
}

interface StandingRow {
  state: StandingState;
  soft_count: number;
  last_counted_at: Date | null;
  last_event_at: Date | null;
  last_reason: string | null;
  quarantined_at: Date | null;
  release_at: Date | null;
}

async function applyStanding(tx: PoolClient, address: string, fact: RecipientFact, report: Report, message: SpooledMessage, opts: EventsOptions): Promise<Effect> {
  if (!canAffect(fact, report)) return 'none';
  const domain = domainOf(address);
  const held = fact.type === 'hard' || fact.type === 'soft' ? await breakerHolds(tx, domain, message.receivedAt, opts.breaker, fact.type === 'hard') : false;
  // The row lock serialises facts about one address across workers and instances.
  await tx.query(`insert into address_standing (address, domain, state) values ($1, $2, 'fine') on conflict (address) do nothing`, [address, domain]);
  const { rows } = await tx.query<StandingRow>(
    `select state, soft_count, last_counted_at, last_event_at, last_reason, quarantined_at, release_at
       from address_standing where address = $1 for update`,
    [address],
  );
  const row = rows[0]!;
  const current: Standing = {
    state: row.state,
    softCount: row.soft_count,
    lastCountedAt: row.last_counted_at,
    lastEventAt: row.last_event_at,
    lastReason: row.last_reason,
    quarantinedAt: row.quarantined_at,
    releaseAt: row.release_at,
  };
  const decision = decide(current, { at: message.receivedAt, kind: report.kind, action: fact.action, type: fact.type, reason: fact.reason, held }, opts.policy);
  const n = decision.next;
  await tx.query(
    `update address_standing
        set state = $2, soft_count = $3, last_counted_at = $4, last_event_at = $5, last_reason = $6,
            quarantined_at = $7, release_at = $8, updated_at = now()
      where address = $1`,
    [address, n.state, n.softCount, n.lastCountedAt, n.lastEventAt, n.lastReason, n.quarantinedAt, n.releaseAt],
  );
  for (const change of decision.changes) {
    await tx.query(
      `insert into address_standing_history (address, at, from_state, to_state, reason, cause, raw_message_id, note)
       values ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [address, message.receivedAt, change.from, change.to, change.reason, change.cause, message.id, change.cause === 'breaker' ? 'quarantine held: domain breaker tripped' : null],
    );
  }
  return decision.effect;
}

/**
 * The outage breaker of a receiving domain: an abnormal burst of hard bounces (at least
 * minHard in the window, and at least minRatio of its bounces) trips it, and quarantine
 * decisions for the domain are held until the burst is over, or an operator releases it.
 */
async function breakerHolds(tx: PoolClient, domain: string, at: Date, cfg: BreakerConfig, evaluate: boolean): Promise<boolean> {
  if (evaluate) {
    const { rows } = await tx.query<{ hard: string; total: string }>(
      `select count(*) filter (where type = 'hard') as hard, count(*) as total
         from bounce_events
        where recipient_domain = $1 and kind = 'bounce'
          and occurred_at > $2::timestamptz - make_interval(secs => $3) and occurred_at <= $2`,
      [domain, at, cfg.windowMs / 1000],
    );
    const hard = Number(rows[0]!.hard);
    const ratio = hard / Math.max(1, Number(rows[0]!.total));
    if (hard >= cfg.minHard && ratio >= cfg.minRatio) {
      await tx.query(
        `insert into domain_breakers (domain, tripped_at, hard_count, ratio) values ($1, $2, $3, $4)
         on conflict (domain) do update set tripped_at = excluded.tripped_at, hard_count = excluded.hard_count,
                                            ratio = excluded.ratio, released_at = null
          where domain_breakers.released_at is not null`,
        [domain, at, hard, ratio],
      );
    } else {
      // The burst is over once a whole window has passed below the thresholds.
      await tx.query(
        `update domain_breakers set released_at = $2
          where domain = $1 and released_at is null and tripped_at < $2::timestamptz - make_interval(secs => $3)`,
        [domain, at, cfg.windowMs / 1000],
      );
    }
  }
  const { rowCount } = await tx.query('select 1 from domain_breakers where domain = $1 and released_at is null', [domain]);
  return Boolean(rowCount);
}
