// What decoded reports mean, fact by fact: each recipient fact is linked to its send
// (correlate), weighed (the evidence rule), recorded (one bounce_events row), and, when it
// may, applied to the address's standing (the pure decision, then its persistence), all
// in the transaction that marks the raw messages decoded. A batch of messages is written
// set by set (every send looked up at once, every event in one insert, every standing
// locked in one statement), so that a burst costs a few round trips per batch rather
// than a dozen per message.
import type { Pool, PoolClient } from 'pg';
import type { BreakerConfig } from '../config/index.ts';
import {
  type Correlation,
  type CorrelationMethod,
  type CorrelationOptions,
  linkFact,
  linkMessages,
  type MessageLink,
  recentKey,
  recentSends,
} from '../correlate/correlate.ts';
import { complaint, type RecipientFact, type Report, type UnnamedFact } from '../parse/report.ts';
import {
  admit,
  type Evidence,
  type EvidencePolicy,
  evidenceOf,
  subjectOf,
  type Unapplied,
} from '../standing/evidence.ts';
import { decide, type Effect, type Standing, type StandingPolicy } from '../standing/policy.ts';
import { withTransaction } from '../store/database.ts';
import { type EventRow, insertEvents, setStandingEffects } from '../store/events.ts';
import {
  appendHistory,
  breakersHolding,
  countDomainBounces,
  type DomainBounces,
  type HistoryEntry,
  lockStandings,
  saveStandings,
} from '../store/standing.ts';

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

/** A decoded report and the stored message it came from. */
export interface DecodedMessage {
  source: FactSource;
  report: Report;
}

/**
 * Links every fact of each report to its send and weighs its evidence, each message as a
 * whole. What links a report (a token, a registered id) is the same for every address it
 * names; the sends of the whole batch are looked up at once, and recent sends (the last
 * resort) in one more query.
 */
async function weigh(tx: PoolClient, messages: DecodedMessage[], opts: EventsOptions): Promise<WeighedFact[][]> {
  const links = await linkMessages(
    tx,
    messages.map((m) => ({ report: m.report, rcptTo: m.source.rcptTo })),
    opts.correlation,
  );
  const factsOf = messages.map(({ report }, i) =>
    report.recipients.length > 0
      ? report.recipients
      : report.kind === 'feedback'
        ? redactedComplainant(links[i]!)
        : unnamedOfTheSend(report.unnamed, links[i]!),
  );
  const unlinked = messages.flatMap((m, i) =>
    links[i] ? [] : factsOf[i]!.map((f) => ({ recipient: f.address.toLowerCase(), at: m.source.receivedAt })),
  );
  const recent = await recentSends(tx, unlinked, opts.correlation.recentSendWindowMs);
  return messages.map(({ source, report }, m) => {
    const linked = factsOf[m]!.map((fact) => {
      const named = fact.address.toLowerCase();
      const link = linkFact(
        links[m]!,
        recent.get(recentKey({ recipient: named, at: source.receivedAt })),
        named,
        opts.correlation.keys,
      );
      const subject = subjectOf(named, report.kind, link);
      const isSendRecipient = subject === named ? link.isSendRecipient : true;
      return {
        fact,
        subject,
        named: subject === named ? null : named,
        link,
        evidence: evidenceOf({ proof: link.proof, isSendRecipient }),
        otherRecipient: isSendRecipient === false,
      };
    });
    const verdicts = admit(
      linked.map((l) => ({
        address: l.subject,
        evidence: l.evidence,
        otherRecipient: l.otherRecipient,
        mayAffect: canAffect(l.fact, report.kind),
      })),
      opts.evidence,
    );
    return linked.map((l, i) => ({
      fact: l.fact,
      subject: l.subject,
      named: l.named,
      link: l.link,
      evidence: l.evidence,
      unapplied: verdicts[i]!,
    }));
  });
}

/**
 * Providers that redact complaints (no Original-Rcpt-To, no To: in the returned copy) still
 * return the message: the send it is proven to be (token, registered id) names who complained.
 */
function redactedComplainant(link: MessageLink | null): RecipientFact[] {
  if (!link || (link.proof !== 'signed' && link.proof !== 'registered') || !link.sendRecipient) return [];
  return [complaint(link.sendRecipient, 'arf.recipient-of-the-send', 'send-recipient')];
}

/**
 * A notice that says a message failed without saying whose: the send it is proven to be
 * (token, registered id) names who. Without that proof it names nobody, and acts on nobody.
 */
function unnamedOfTheSend(unnamed: UnnamedFact | null, link: MessageLink | null): RecipientFact[] {
  if (!unnamed || !link || (link.proof !== 'signed' && link.proof !== 'registered') || !link.sendRecipient) return [];
  return [{ ...unnamed, address: link.sendRecipient, role: 'send-recipient' }];
}

function eventRow(source: FactSource, report: Report, w: WeighedFact): EventRow {
  const { fact, link } = w;
  return {
    occurredAt: source.receivedAt,
    rawMessageId: source.id,
    recipient: w.subject,
    recipientDomain: domainOf(w.subject),
    kind: report.kind,
    action: fact.action,
    reason: fact.reason,
    type: fact.type,
    rule: fact.rule,
    status: fact.status,
    replyCode: fact.replyCode,
    diagnostic: fact.diagnosticCode,
    remoteMta: fact.remoteMta,
    feedbackType: report.kind === 'feedback' ? (report.feedback?.type ?? null) : null,
    sentMessageId: link.sentMessageId,
    sendId: link.sendId,
    campaign: link.campaign,
    correlation: link.method,
    evidence: w.evidence,
    unapplied: w.unapplied,
    namedRecipient: w.named,
  };
}

/** Records the facts of decoded messages and applies those that may act; for each message, its facts. */
export async function recordFacts(
  tx: PoolClient,
  messages: DecodedMessage[],
  opts: EventsOptions,
): Promise<RecordedFact[][]> {
  // A message read as 'other' states no fact: it is neither linked nor recorded.
  const reports = messages.filter((m) => m.report.kind !== 'other');
  const weighed = await weigh(tx, reports, opts);
  const recorded = await writeWeighed(
    tx,
    reports.flatMap((m, i) => weighed[i]!.map((w) => ({ message: m, w }))),
    opts,
  );
  const byMessage = new Map<DecodedMessage, RecordedFact[]>(messages.map((m) => [m, []]));
  for (const { message, fact } of recorded) byMessage.get(message)!.push(fact);
  return messages.map((m) => byMessage.get(m)!);
}

/**
 * Records the facts of one message too large for one transaction, in parts of `partSize`
 * facts, each committed on its own after `beforePart` (which renews the message's lease).
 * The facts are weighed on the whole message first, so that a part decides as the whole
 * would (the cap on addresses a message may act on counts them all). A part written again
 * after a crash inserts nothing and so applies nothing: the events' unique key says which
 * facts were recorded.
 */
export async function recordInParts(
  pool: Pool,
  message: DecodedMessage,
  opts: EventsOptions,
  partSize: number,
  beforePart: (tx: PoolClient) => Promise<void>,
): Promise<RecordedFact[]> {
  if (message.report.kind === 'other') return [];
  const client = await pool.connect();
  let weighed: WeighedFact[];
  try {
    [weighed] = (await weigh(client, [message], opts)) as [WeighedFact[]];
  } finally {
    client.release();
  }
  const recorded: RecordedFact[] = [];
  for (let start = 0; start < weighed.length; start += partSize) {
    const part = weighed.slice(start, start + partSize).map((w) => ({ message, w }));
    const facts = await withTransaction(pool, async (tx) => {
      await beforePart(tx);
      return writeWeighed(tx, part, opts);
    });
    recorded.push(...facts.map((f) => f.fact));
    // A turn for the SMTP sessions that share this thread.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return recorded;
}

/** Inserts the events of weighed facts, counts them for the breaker, and applies those that may act. */
async function writeWeighed(
  tx: PoolClient,
  flat: Array<{ message: DecodedMessage; w: WeighedFact }>,
  opts: EventsOptions,
): Promise<Array<{ message: DecodedMessage; fact: RecordedFact }>> {
  const eventIds = await insertEvents(
    tx,
    flat.map(({ message, w }) => eventRow(message.source, message.report, w)),
  );

  // The outage breaker counts every bounce of the domain, proven or not: an outage is seen
  // in all of its bounces, and a burst of forged ones only ever holds quarantines back.
  const bounces: DomainBounces[] = [];
  const toApply: PendingFact[] = [];
  const recorded = flat.map(({ message, w }, i) => {
    const eventId = eventIds[i] ?? null;
    const { kind } = message.report;
    if (eventId !== null && kind === 'bounce')
      bounces.push({
        domain: domainOf(w.subject),
        at: message.source.receivedAt,
        hard: w.fact.type === 'hard' ? 1 : 0,
        total: 1,
      });
    const mayAffect = canAffect(w.fact, kind);
    const fact: RecordedFact = {
      recipient: w.subject,
      inserted: eventId !== null,
      correlation: w.link.method,
      evidence: w.evidence,
      mayAffect,
      unapplied: w.unapplied,
      effect: 'none',
    };
    if (eventId !== null && w.unapplied === null && mayAffect)
      toApply.push({ address: w.subject, fact: w.fact, kind, message: message.source, eventId, recorded: fact });
    return fact;
  });
  await countDomainBounces(tx, bounces);
  const effects = await applyFacts(tx, toApply, opts, null);
  await setStandingEffects(
    tx,
    toApply.flatMap((p, i) =>
      effects[i] !== 'none' ? [{ eventId: p.eventId, occurredAt: p.message.receivedAt, effect: effects[i]! }] : [],
    ),
  );
  for (const [i, p] of toApply.entries()) p.recorded.effect = effects[i]!;
  return flat.map(({ message }, i) => ({ message, fact: recorded[i]! }));
}

/** A fact to apply to its address's standing. */
export interface FactToApply {
  address: string;
  fact: Pick<RecipientFact, 'action' | 'type' | 'reason'>;
  kind: string;
  message: Pick<FactSource, 'id' | 'receivedAt'>;
}

interface PendingFact extends FactToApply {
  eventId: string;
  recorded: RecordedFact;
}

/**
 * Applies admitted facts to their addresses' standings, in the order given for each address;
 * returns each fact's effect. `operator` names who applied them by hand.
 */
export async function applyFacts(
  tx: PoolClient,
  facts: FactToApply[],
  opts: Pick<EventsOptions, 'policy' | 'breaker' | 'switchboard'>,
  operator: Operator | null,
): Promise<Effect[]> {
  if (facts.length === 0) return [];
  // An operator applying a fact by hand has looked at it: the outage breaker does not hold it.
  const questions = new Map<string, { domain: string; at: Date; evaluate: boolean }>();
  if (!operator) {
    for (const { address, fact, message } of facts) {
      if (fact.type !== 'hard' && fact.type !== 'soft') continue;
      const domain = domainOf(address);
      const q = questions.get(domain) ?? { domain, at: message.receivedAt, evaluate: false };
      if (message.receivedAt > q.at) q.at = message.receivedAt;
      q.evaluate ||= fact.type === 'hard';
      questions.set(domain, q);
    }
  }
  const held = await breakersHolding(tx, opts.switchboard, [...questions.values()], opts.breaker);
  const standings = await lockStandings(
    tx,
    facts.map((f) => ({ address: f.address, domain: domainOf(f.address) })),
  );
  const changed = new Map<string, Standing>();
  const history: HistoryEntry[] = [];
  const effects = facts.map(({ address, fact, kind, message }) => {
    const isHeld = (fact.type === 'hard' || fact.type === 'soft') && held.has(domainOf(address));
    const decision = decide(
      changed.get(address) ?? standings.get(address)!,
      { at: message.receivedAt, kind, action: fact.action, type: fact.type, reason: fact.reason, held: isHeld },
      opts.policy,
    );
    changed.set(address, decision.next);
    for (const change of decision.changes) {
      history.push({
        address,
        at: operator ? new Date() : message.receivedAt,
        change,
        cause: operator && change.cause === 'event' ? 'operator' : change.cause,
        rawMessageId: message.id,
        actor: operator?.actor ?? 'bounced',
        note: change.cause === 'breaker' ? 'quarantine held: domain breaker tripped' : (operator?.note ?? null),
      });
    }
    return decision.effect;
  });
  await saveStandings(tx, changed);
  await appendHistory(tx, history);
  return effects;
}
