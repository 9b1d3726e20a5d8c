// The records the decoder produces. Field comments say where each value comes from.
import type { BounceType, Reason } from '../classify/reasons.ts';

export type ReportKind = 'bounce' | 'delay' | 'autoreply' | 'feedback' | 'delivered' | 'other';
export type Action = 'failed' | 'delayed' | 'delivered' | 'relayed' | 'expanded';

/** What the returned copy of the sent message tells (message/rfc822, text/rfc822-headers or quoted text). */
export interface OriginalMessage {
  messageId: string | null;
  from: string | null;
  to: string | null;
  subject: string | null;
  listId: string | null;
  inReplyTo: string | null;
  references: string | null;
  /** Every X- header of the original, lower-case names. */
  xHeaders: Record<string, string>;
  /**
   * The one recipient the copy's trace names (Received "for <x>", Delivered-To,
   * X-Original-To), when its To names nobody ("undisclosed-recipients:;").
   */
  tracedTo?: string | null;
}

/**
 * Where a fact's address came from: the role the report gave it. Only the first few name a
 * recipient whose delivery the report is about; the others are taken when nothing better
 * names one.
 */
export type FactRole =
  /** Final-Recipient (or Original-Recipient) of a DSN block, or of an Amazon SES notification. */
  | 'dsn-field'
  /** An address the notice's words mark as the failed one ("<a@b>: 550 …", "delivery to a@b failed"). */
  | 'notice-text'
  /** Final-Recipient of a disposition notification (a Sieve reject, a read receipt). */
  | 'disposition-field'
  /** Original-Rcpt-To or Removal-Recipient of a complaint, or the recipient a JMRP copy names. */
  | 'feedback-field'
  /** The recipient of the send the report is proven to be about (a redacted complaint). */
  | 'send-recipient'
  /** The sender of an auto-reply or of an unsubscribe request: the reply speaks for them. */
  | 'reply-sender'
  /** X-Failed-Recipients of a notice that names nobody in its words. */
  | 'failed-recipients-header'
  /**
   * The returned original's To: (or, with none there, the one recipient its trace names), for
   * a notice that names nobody else.
   */
  | 'original-to'
  /** The one address a bounce's Subject names ("Delivery failure: x@y"), nothing else naming one. */
  | 'notice-subject'
  /**
   * Named by the notice in a weaker role (a header summary, "addressed to", a list posted
   * to), nobody else being named.
   */
  | 'notice-mention'
  /** The list address a mailing-list robot refused a post to. */
  | 'list-address';

/** What a report says happened to one recipient. */
export interface DeliveryFacts {
  /** Final-Recipient (or Original-Recipient) of a DSN block, or the address a text bounce names. */
  address: string;
  action: Action;
  /** Status: field of the DSN block, or an x.y.z code found in the diagnostic text. */
  status: string | null;
  /** The SMTP reply code in the diagnostic (550). */
  replyCode: string | null;
  /** Diagnostic-Code: of the DSN block, or the error text of a text bounce. */
  diagnosticCode: string | null;
  /** Remote-MTA: of the DSN block, or the host a text bounce names. */
  remoteMta: string | null;
  /** Will-Retry-Until: of a DSN block (a delay): when the reporting MTA gives up, ISO 8601. */
  willRetryUntil?: string | null;
  /** Where the address came from. */
  role: FactRole;
}

/** One recipient before classification, with what else the notice says about it. */
export interface RecipientEvidence extends DeliveryFacts {
  /** The SMTP command the error answered (RCPT, DATA, MAIL, CONNECT), when the text says it. */
  command: string | null;
  /** Extra text around the recipient (human-readable part) that helps classification. */
  context: string;
}

/** One recipient, classified. */
export interface RecipientFact extends DeliveryFacts {
  reason: Reason;
  type: BounceType;
  /** Id of the classification rule that decided. */
  rule: string;
}

export interface FeedbackReport {
  /** Feedback-Type: abuse, fraud, opt-out, auth-failure, virus, not-spam, other. */
  type: string;
  userAgent: string | null;
  sourceIp: string | null;
  arrivalDate: string | null;
  reportedDomain: string | null;
}

export interface Report {
  kind: ReportKind;
  /** Reporting-MTA: of the DSN, when there is one. */
  reportingMta: string | null;
  /** Original-Envelope-Id: (RFC 3461 ENVID). */
  envelopeId: string | null;
  arrivalDate: string | null;
  original: OriginalMessage | null;
  recipients: RecipientFact[];
  /**
   * A failure or delay the notice reports without naming whose: no address in its words, no
   * X-Failed-Recipients, no returned copy ("Your message could not be delivered: mailbox
   * full"). Only a send the message is proven to be about (our signed token, a registered
   * id) says whose it is: the pipeline gives it that send's recipient, as VERP is meant to.
   */
  unnamed: UnnamedFact | null;
  feedback: FeedbackReport | null;
  /** Which reader produced the facts: 'rfc3464', 'text', 'arf', 'rfc3834'. */
  decodedBy: string | null;
  /** Things that were odd but did not stop decoding. */
  problems: string[];
}

/** A recipient's fact without the recipient: what a notice says of someone it does not name. */
export type UnnamedFact = Omit<RecipientFact, 'address' | 'role'>;

/** A complaint is not a delivery failure: it is counted on its own, never against the address's deliverability. */
export function complaint(address: string, rule: string, role: FactRole = 'feedback-field'): RecipientFact {
  return {
    address,
    role,
    action: 'failed',
    status: null,
    replyCode: null,
    diagnosticCode: null,
    remoteMta: null,
    reason: 'feedback',
    type: 'ignored',
    rule,
  };
}
