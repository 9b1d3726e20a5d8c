// What a decoded report means, fact by fact: each recipient fact is linked to its send
// (correlate), weighed (the evidence rule), recorded (one bounce_events row), and, when it
// may, applied to the address's standing (the pure decision, then its persistence), all
// in the transaction that marks the raw message decoded.
import type { Pool, PoolClient } from 'pg';
import type { BreakerConfig } from '../config/index.ts';
import { linkFact, linkMessage, recentSends, type Correlation, type CorrelationMethod, type CorrelationOptions, type MessageLink } from '../correlate/correlate.ts';
import type { RecipientFact, Report } from '../parse/report.ts';
import { admit, evidenceOf, subjectOf, type Evidence, type EvidencePolicy, type Unapplied } from '../standing/evidence.ts';
import { decide, type Effect, type StandingPolicy } from '../standing/policy.ts';
import { insertEvents, setStandingEffect } from '../store/events.ts';
import { appendHistory, breakerHolds, countDomainBounces, lockStanding, saveStanding } from '../store/standing.ts';

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
function canAffect(fact: Pick<RecipientFact, 'action' | 'type'>, kind: string): boolean {
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

/**
 * Links every fact of a report to its send and weighs its evidence, the message as a whole.
 * What links the report (a token, a registered id) is the same for every address it names:
 * it is looked up once, and recent sends (the last resort) in one query for all of them.
 */
async function weigh(tx: PoolClient, message: FactSource, report: Report, opts: EventsOptions): Promise<WeighedFact[]> {
  const messageLink = await linkMessage(tx, report, message.rcptTo, opts.correlation);
  const facts = report.kind === 'feedback' && report.recipients.length === 0 ? redactedComplainant(messageLink) : report.recipients;
  const named = facts.map((f) => f.address.toLowerCase());
  const recent = messageLink ? new Map() : await recentSends(tx, named, message.receivedAt, opts.correlation.recentSendWindowMs);
  const linked = facts.map((fact, i) => {
    const link = linkFact(messageLink, recent, named[i]!, opts.correlation.keys);
    const subject = subjectOf(named[i]!, report.kind, link);
    const isSendRecipient = subject === named[i] ? link.isSendRecipient : true;
    return { fact, subject, named: subject === named[i] ? null : named[i]!, link, evidence: evidenceOf({ proof: link.proof, isSendRecipient }), otherRecipient: isSendRecipient === false };
  });
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
function redactedComplainant(link: MessageLink | null): RecipientFact[] {
  if (!link || (link.proof !== 'signed' && link.proof !== 'registered') || !link.sendRecipient) return [];
  return [{ address: link.sendRecipient, action: 'failed', status: null, replyCode: null, diagnosticCode: null, remoteMta: null, reason: 'feedback', type: 'ignored', rule: 'arf.recipient-of-the-send' }];
}

export async function recordFacts(tx: PoolClient, message: FactSource, report: Report, opts: EventsOptions): Promise<RecordedFact[]> {
  if (report.kind === 'other') return [];
  const weighed = await weigh(tx, message, report, opts);
  const eventIds = await insertEvents(
    tx,
    weighed.map(({ fact, link, subject, evidence, unapplied, named }) => ({
      occurredAt: message.receivedAt, rawMessageId: message.id, recipient: subject, recipientDomain: domainOf(subject),
      kind: report.kind, action: fact.action, reason: fact.reason, type: fact.type, rule: fact.rule,
      status: fact.status, replyCode: fact.replyCode, diagnostic: fact.diagnosticCode, remoteMta: fact.remoteMta,
      feedbackType: report.kind === 'feedback' ? (report.feedback?.type ?? null) : null,
      sentMessageId: link.sentMessageId, sendId: link.sendId, campaign: link.campaign, correlation: link.method,
      evidence, unapplied, namedRecipient: named,
    })),
  );
  // The outage breaker counts every bounce of the domain, proven or not: an outage is seen
  // in all of its bounces, and a burst of forged ones only ever holds quarantines back.
  const byDomain = new Map<string, { hard: number; total: number }>();
  const recorded: RecordedFact[] = [];
  const toApply: Array<{ weighed: WeighedFact; eventId: string; index: number }> = [];
  weighed.forEach((w, i) => {
    const eventId = eventIds[i] ?? null;
    if (eventId !== null && report.kind === 'bounce') {
      const counts = byDomain.get(domainOf(w.subject)) ?? { hard: 0, total: 0 };
      counts.total++;
      if (w.fact.type === 'hard') counts.hard++;
      byDomain.set(domainOf(w.subject), counts);
    }
    const mayAffect = canAffect(w.fact, report.kind);
    recorded.push({ recipient: w.subject, inserted: eventId !== null, correlation: w.link.method, evidence: w.evidence, mayAffect, unapplied: w.unapplied, effect: 'none' });
    if (eventId !== null && w.unapplied === null && mayAffect) toApply.push({ weighed: w, eventId, index: i });
  });
  await countDomainBounces(tx, message.receivedAt, byDomain);
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
