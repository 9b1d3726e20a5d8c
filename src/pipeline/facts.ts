// What a decoded report means, fact by fact: each recipient fact is linked to its send
// (correlate), weighed (the evidence rule), recorded (one bounce_events row), and, when it
// may, applied to the address's standing (the pure decision, then its persistence), all
// in the transaction that marks the raw message decoded.
import type { Pool, PoolClient } from 'pg';
import type { BreakerConfig } from '../config/index.ts';
import { correlate, type Correlation, type CorrelationMethod, type CorrelationOptions } from '../correlate/correlate.ts';
import type { RecipientFact, Report } from '../parse/report.ts';
import { admit, evidenceOf, subjectOf, type Evidence, type EvidencePolicy, type Unapplied } from '../standing/evidence.ts';
import { decide, type Effect, type StandingPolicy } from '../standing/policy.ts';
import { insertEvent, setStandingEffect } from '../store/events.ts';
import { appendHistory, breakerHolds, countDomainBounce, lockStanding, saveStanding } from '../store/standing.ts';

export interface EventsOptions {
  correlation: CorrelationOptions;
  policy: StandingPolicy;
  evidence: EvidencePolicy;
  breaker: BreakerConfig;
  /** Where the outage breaker trips and closes, outside the batch's transaction (see store/standing.ts). */
  switchboard: Pool;
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

/** An operator applying a fact by hand (`bounced apply`), named in the history. */
export interface Operator {
  actor: string;
  note: string | null;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** Facts that can change a standing: final failures that are the address's, and complaints. */
export function canAffect(fact: Pick<RecipientFact, 'action' | 'type'>, kind: string): boolean {
  return kind === 'feedback' || (fact.action === 'failed' && fact.type !== 'ignored');
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
    linked.map((l) => ({ address: l.subject, evidence: l.evidence, otherRecipient: l.otherRecipient, mayAffect: canAffect(l.fact, report.kind) })),
    opts.evidence,
  );
  return linked.map((l, i) => ({ fact: l.fact, subject: l.subject, named: l.named, link: l.link, evidence: l.evidence, unapplied: verdicts[i]! }));
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

export async function recordFacts(tx: PoolClient, message: FactSource, report: Report, opts: EventsOptions): Promise<RecordedFact[]> {
  if (report.kind === 'other') return [];
  const weighed = await weigh(tx, message, report, opts);
  const recorded: RecordedFact[] = [];
  const toApply: Array<{ weighed: WeighedFact; eventId: string; index: number }> = [];
  for (const w of weighed) {
    const { fact, link, subject } = w;
    const eventId = await insertEvent(tx, {
      occurredAt: message.receivedAt, rawMessageId: message.id, recipient: subject, recipientDomain: domainOf(subject),
      kind: report.kind, action: fact.action, reason: fact.reason, type: fact.type, rule: fact.rule,
      status: fact.status, replyCode: fact.replyCode, diagnostic: fact.diagnosticCode, remoteMta: fact.remoteMta,
      feedbackType: report.kind === 'feedback' ? (report.feedback?.type ?? null) : null,
      sentMessageId: link.sentMessageId, sendId: link.sendId, campaign: link.campaign, correlation: link.method,
      evidence: w.evidence, unapplied: w.unapplied, namedRecipient: w.named,
    });
    // The outage breaker counts every bounce of the domain, proven or not: an outage is seen
    // in all of its bounces, and a burst of forged ones only ever holds quarantines back.
    if (eventId !== null && report.kind === 'bounce') await countDomainBounce(tx, domainOf(subject), message.receivedAt, fact.type === 'hard');
    const mayAffect = canAffect(fact, report.kind);
    recorded.push({ recipient: subject, inserted: eventId !== null, correlation: link.method, evidence: w.evidence, mayAffect, unapplied: w.unapplied, effect: 'none' });
    if (eventId !== null && w.unapplied === null && mayAffect) toApply.push({ weighed: w, eventId, index: recorded.length - 1 });
  }
  // Standing rows are locked in address order, so that two workers or instances applying
  // facts about the same addresses never wait on each other in a cycle.
  toApply.sort((a, b) => (a.weighed.subject < b.weighed.subject ? -1 : a.weighed.subject > b.weighed.subject ? 1 : 0));
  for (const { weighed: w, eventId, index } of toApply) {
    const effect = await applyFact(tx, w.subject, w.fact, report.kind, message, opts, null);
    if (effect !== 'none') await setStandingEffect(tx, eventId, message.receivedAt, effect);
    recorded[index]!.effect = effect;
  }
  return recorded;
}

/** Applies one admitted fact to the address's standing; `operator` names who applied it by hand. */
export async function applyFact(
  tx: PoolClient,
  address: string,
  fact: Pick<RecipientFact, 'action' | 'type' | 'reason'>,
  kind: string,
  message: Pick<FactSource, 'id' | 'receivedAt'>,
  opts: Pick<EventsOptions, 'policy' | 'breaker' | 'switchboard'>,
  operator: Operator | null,
): Promise<Effect> {
  const domain = domainOf(address);
  // An operator applying a fact by hand has looked at it: the outage breaker does not hold it.
  const held = !operator && (fact.type === 'hard' || fact.type === 'soft') ? await breakerHolds(tx, opts.switchboard, domain, message.receivedAt, opts.breaker, fact.type === 'hard') : false;
  const current = await lockStanding(tx, address, domain);
  const decision = decide(current, { at: message.receivedAt, kind, action: fact.action, type: fact.type, reason: fact.reason, held }, opts.policy);
  await saveStanding(tx, address, decision.next);
  for (const change of decision.changes) {
    await appendHistory(tx, address, {
      at: operator ? new Date() : message.receivedAt,
      change,
      cause: operator && change.cause === 'event' ? 'operator' : change.cause,
      rawMessageId: message.id,
      actor: operator?.actor ?? 'bounced',
      note: change.cause === 'breaker' ? 'quarantine held: domain breaker tripped' : (operator?.note ?? null),
    });
  }
  return decision.effect;
}
