// What a recipient fact proves, and whether it may change an address's standing. Pure.
//
// The MX is open to the Internet: anyone can write a DSN naming any address, or an ARF
// report, or a "remove me" reply with any From:. A fact may change a standing only when it
// is tied to one of our sends by authenticated evidence (our signed token, or a Message-ID
// or ENVID the platform registered), and only for that send's own recipient. Everything
// else is recorded, linked where it can be, counted, and left for an operator to apply by
// hand (`bounced apply`). Amazon SES acts only on bounces of its own sends; Haraka's bounce
// plugin checks an HMAC in the return path: the same rule.

/** How the link between a report and one of our sends was made. */
export type Proof =
  /** A valid token (HMAC under one of TOKEN_KEYS) in the return path or the original. */
  | 'signed'
  /** A Message-ID or ENVID the platform registered in sent_messages. */
  | 'registered'
  /** A recent send to the same address, or an unsigned id in an X- header: anyone could write it. */
  | 'guess'
  | 'none';

/** The evidence a fact carries about its address: stored with each event. */
export type Evidence = 'authenticated' | 'weak' | 'none';

/** EVIDENCE_REQUIRED: `weak` is for senders who cannot put tokens in return paths, and accept the risk. */
export type RequiredEvidence = 'authenticated' | 'weak';

/** Why a fact that could have changed a standing did not. */
export type Unapplied =
  /** Nothing ties the report to one of our sends. */
  | 'no-evidence'
  /** Only a guess ties it, and the policy asks for authenticated evidence. */
  | 'weak-evidence'
  /** The report is about one of our sends, but names someone other than its recipient. */
  | 'not-the-send-recipient'
  /** The message names more addresses than any one real report does. */
  | 'too-many-addresses';

export interface EvidencePolicy {
  required: RequiredEvidence;
  /**
   * At most this many addresses change standing because of one message. A real DSN names
   * the recipients of one send; a notice naming hundreds is recorded and applied to nobody
   * without authenticated evidence.
   */
  maxAddressesPerMessage: number;
}

export const DEFAULT_EVIDENCE_POLICY: EvidencePolicy = { required: 'authenticated', maxAddressesPerMessage: 5 };

export interface Link {
  proof: Proof;
  /** The fact's address is the send's recipient: true, false, or null when nothing says. */
  isSendRecipient: boolean | null;
}

/**
 * The evidence a fact carries about its own address. Authenticated: a proven send, and
 * the address is that send's recipient. A proven send whose recipient nobody can tell (a
 * token without a bound recipient, not in the registry) is weak; a proven send to someone
 * else proves nothing about this address.
 */
export function evidenceOf(link: Link): Evidence {
  if (link.proof === 'none' || link.isSendRecipient === false) return 'none';
  if (link.proof === 'guess') return 'weak';
  return link.isSendRecipient === true ? 'authenticated' : 'weak';
}

/**
 * The address a fact acts on. A complaint or an unsubscribe request about a proven send
 * is the send's recipient's, whatever address the report names (a From: header, a
 * forwarded copy): the address acted on is never one a stranger merely wrote.
 */
export function subjectOf(named: string, kind: string, link: { proof: Proof; sendRecipient: string | null }): string {
  const proven = link.proof === 'signed' || link.proof === 'registered';
  return kind === 'feedback' && proven && link.sendRecipient ? link.sendRecipient : named;
}

export interface Candidate {
  address: string;
  evidence: Evidence;
  /** The send's recipient is someone else. */
  otherRecipient: boolean;
  /** A final failure that is the address's, or a complaint: the facts that can cost an address. */
  mayAffect: boolean;
}

/**
 * For each fact of one message, in order: null when it may act (or cannot affect a
 * standing anyway), else why it may not.
 */
export function admit(candidates: readonly Candidate[], policy: EvidencePolicy): Array<Unapplied | null> {
  const affecting = new Set(candidates.filter((c) => c.mayAffect).map((c) => c.address));
  const crowded = affecting.size > policy.maxAddressesPerMessage;
  const admitted = new Set<string>();
  return candidates.map((c) => {
    if (!c.mayAffect) return null;
    if (c.otherRecipient) return 'not-the-send-recipient';
    if (c.evidence === 'none') return 'no-evidence';
    if (c.evidence === 'weak' && policy.required === 'authenticated') return 'weak-evidence';
    if (c.evidence === 'weak' && crowded) return 'too-many-addresses';
    if (!admitted.has(c.address) && admitted.size >= policy.maxAddressesPerMessage) return 'too-many-addresses';
    admitted.add(c.address);
    return null;
  });
}
