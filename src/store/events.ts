// Writing what a decoded report means: one bounce_events row per recipient fact, linked to
// its send, and the address's standing updated, all in the transaction that marks the raw
// message decoded. The unique key (raw message, recipient) makes a second decoding of the
// same message (a retry, another instance, reprocess) change nothing.
import type { PoolClient } from 'pg';
import type { BreakerConfig } from '../config/index.ts';
import { correlate, type Correlation, type CorrelationMethod, type CorrelationOptions } from '../correlate/correlate.ts';
import type { RecipientFact, Report } from '../parse/report.ts';
import { admit, evidenceOf, subjectOf, type Evidence, type EvidencePolicy, type Unapplied } from '../standing/evidence.ts';
import { decide, type Effect, type Standing, type StandingPolicy, type StandingState } from '../standing/policy.ts';

export interface EventsOptions {
  correlation: CorrelationOptions;
  policy: StandingPolicy;
  evidence: EvidencePolicy;
  breaker: BreakerConfig;
}

/** The stored message a report came from: what the facts are linked and dated by. */
export interface FactSource {
  id: string;
  receivedAt: Date;
  /** Envelope recipients: our return paths, b+TOKEN@… */
  rcptTo: string[];
}

export interface RecordedFact {
  recipient: string;
  /** False when this message's fact was already recorded. */
  inserted: boolean;
  correlation: CorrelationMethod;
  evidence: Evidence;
  /** A final failure that is the address's, or a complaint: it could change a standing. */
  mayAffect: boolean;
  /** Why a fact that could have changed the standing did not. */
  unapplied: Unapplied | null;
  effect: Effect;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

interface WeighedFact {
  fact: RecipientFact;
  /** The address the fact acts on (and is recorded under). */
  subject: string;
  /** The address the report named, when it is not the subject. */
  named: string | null;
  link: Correlation;
  evidence: Evidence;
  unapplied: Unapplied | null;
}

/** Links every fact of a report to its send and weighs its evidence, the message as a whole. */
async function weigh(tx: PoolClient, message: FactSource, report: Report, opts: EventsOptions): Promise<WeighedFact[]> {
  const facts = report.kind === 'feedback' && report.recipients.length === 0 ? await redactedComplainant(tx, message, report, opts) : report.recipients;
  const linked = [];
  for (const fact of facts) {
    const named = fact.address.toLowerCase();
    const link = await correlate(tx, { report, rcptTo: message.rcptTo, recipient: named, occurredAt: message.receivedAt }, opts.correlation);
    const subject = subjectOf(named, report.kind, link);
    const isSendRecipient = subject === named ? link.isSendRecipient : true;
    linked.push({ fact, subject, named: subject === named ? null : named, link, evidence: evidenceOf({ proof: link.proof, isSendRecipient }), otherRecipient: isSendRecipient === false });
  }
  const verdicts = admit(
    linked.map((l) => ({ address: l.subject, evidence: l.evidence, otherRecipient: l.otherRecipient, mayAffect: canAffect(l.fact, report) })),
    opts.evidence,
  );
  return linked.map((l, i) => ({ fact: l.fact, subject: l.subject, named: l.named, link: l.link, evidence: l.evidence, unapplied: verdicts[i]! }));
}

export async function recordFacts(tx: PoolClient, message: FactSource, report: Report, opts: EventsOptions): Promise<RecordedFact[]> {
  if (report.kind === 'other') return [];
  const weighed = await weigh(tx, message, report, opts);
  const recorded: RecordedFact[] = [];
  const toApply: Array<{ weighed: WeighedFact; eventId: string; index: number }> = [];
  for (const w of weighed) {
    const { fact, link, subject } = w;
    const { rows } = await tx.query<{ id: string }>(
      `insert into bounce_events (occurred_at, raw_message_id, recipient, recipient_domain, kind, action, reason, type, rule,
                                  status, reply_code, diagnostic, remote_mta, feedback_type, sent_message_id, send_id, campaign, correlation,
                                  evidence, unapplied, named_recipient)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
       on conflict (raw_message_id, recipient, occurred_at) do nothing
       returning id`,
      [
        message.receivedAt, message.id, subject, domainOf(subject), report.kind, fact.action, fact.reason, fact.type, fact.rule,
        fact.status, fact.replyCode, fact.diagnosticCode?.slice(0, 2000) ?? null, fact.remoteMta,
        report.kind === 'feedback' ? (report.feedback?.type ?? null) : null,
        link.sentMessageId, link.sendId, link.campaign, link.method, w.evidence, w.unapplied, w.named,
      ],
    );
    const inserted = rows.length > 0;
    const mayAffect = canAffect(fact, report);
    recorded.push({ recipient: subject, inserted, correlation: link.method, evidence: w.evidence, mayAffect, unapplied: w.unapplied, effect: 'none' });
    if (inserted && w.unapplied === null && mayAffect) toApply.push({ weighed: w, eventId: rows[0]!.id, index: recorded.length - 1 });
  }
  // Standing rows are locked in address order, so that two workers or instances applying
  // facts about the same addresses never wait on each other in a cycle.
  toApply.sort((a, b) => (a.weighed.subject < b.weighed.subject ? -1 : a.weighed.subject > b.weighed.subject ? 1 : 0));
  for (const { weighed: w, eventId, index } of toApply) {
    const effect = await applyStanding(tx, w.subject, w.fact, report.kind, message, opts, null);
    if (effect !== 'none') {
      await tx.query('update bounce_events set standing_effect = $1 where id = $2 and occurred_at = $3', [effect, eventId, message.receivedAt]);
    }
    recorded[index]!.effect = effect;
  }
  return recorded;
}

/**
 * Providers that redact complaints (no Original-Rcpt-To, no To: in the returned copy) still
 * return the message: the send it is proven to be (token, registered id) names who complained.
 */
async function redactedComplainant(tx: PoolClient, message: FactSource, report: Report, opts: EventsOptions): Promise<RecipientFact[]> {
  const link = await correlate(tx, { report, rcptTo: message.rcptTo, recipient: '', occurredAt: message.receivedAt }, opts.correlation);
  if (link.proof !== 'signed' && link.proof !== 'registered') return [];
  const address = link.sendRecipient;
  if (!address) return [];
  return [{ address, action: 'failed', status: null, replyCode: null, diagnosticCode: null, remoteMta: null, reason: 'feedback', type: 'ignored', rule: 'arf.recipient-of-the-send' }];
}

/** Facts that can change a standing: final failures that are the address's, and complaints. */
export function canAffect(fact: RecipientFact, report: Pick<Report, 'kind'>): boolean {
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

/** Applies one admitted fact to the address's standing; `operator` names who applied it by hand. */
export async function applyStanding(
  tx: PoolClient,
  address: string,
  fact: Pick<RecipientFact, 'action' | 'type' | 'reason'>,
  kind: string,
  message: Pick<FactSource, 'id' | 'receivedAt'>,
  opts: Pick<EventsOptions, 'policy' | 'breaker'>,
  operator: { actor: string; note: string | null } | null,
): Promise<Effect> {
  const domain = domainOf(address);
  // An operator applying a fact by hand has looked at it: the outage breaker does not hold it.
  const held = !operator && (fact.type === 'hard' || fact.type === 'soft') ? await breakerHolds(tx, domain, message.receivedAt, opts.breaker, fact.type === 'hard') : false;
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
  const decision = decide(current, { at: message.receivedAt, kind, action: fact.action, type: fact.type, reason: fact.reason, held }, opts.policy);
  const n = decision.next;
  await tx.query(
    `update address_standing
        set state = $2, soft_count = $3, last_counted_at = $4, last_event_at = $5, last_reason = $6,
            quarantined_at = $7, release_at = $8, updated_at = clock_timestamp()
      where address = $1`,
    [address, n.state, n.softCount, n.lastCountedAt, n.lastEventAt, n.lastReason, n.quarantinedAt, n.releaseAt],
  );
  for (const change of decision.changes) {
    const note = change.cause === 'breaker' ? 'quarantine held: domain breaker tripped' : (operator?.note ?? null);
    await tx.query(
      `insert into address_standing_history (address, at, from_state, to_state, reason, cause, raw_message_id, actor, note)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [address, operator ? new Date() : message.receivedAt, change.from, change.to, change.reason, operator && change.cause === 'event' ? 'operator' : change.cause, message.id, operator?.actor ?? 'bounced', note],
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
