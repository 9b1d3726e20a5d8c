// Amazon SES notifications sent by email (through SNS): a JSON document instead of a DSN.
// notificationType Bounce / Complaint / Delivery; bouncedRecipients carry an RFC 3464
// action, status and diagnostic of their own.
import { findReplyCode, findStatus } from '../classify/index.ts';
import type { Action, FeedbackReport, RecipientEvidence } from './report.ts';

export interface SesNotification {
  /** 'Other': an SES event that reports no delivery outcome (Send, Open, Click, Reject, …). */
  type: 'Bounce' | 'Complaint' | 'Delivery' | 'DeliveryDelay' | 'Other';
  evidence: RecipientEvidence[];
  feedback: FeedbackReport | null;
  /** mail.messageId: the id SES gave the sent message. */
  messageId: string | null;
}

interface SesRecipient {
  emailAddress?: string;
  action?: string;
  status?: string;
  diagnosticCode?: string;
}

/** The JSON object in the text, with the "!\n " breaks some mailers insert in long lines removed. */
function jsonIn(text: string): Record<string, unknown> | null {
  // "notificationType" in SES notifications, "eventType" in SES event publishing (configuration sets).
  // (Inside an SNS envelope the document is a string, its quotes escaped.)
  if (!/"(notificationType|eventType)\\?"/.test(text)) return null;
  const start = text.search(/\{\s*"/);
  if (start < 0) return null;
  const joined = text.slice(start).replace(/!\n /g, '');
  try {
    const value = JSON.parse(joined.slice(0, objectEnd(joined))) as Record<string, unknown>;
    // An SNS envelope carries the SES notification as a string in "Message".
    if (typeof value.Message === 'string') return JSON.parse(value.Message) as Record<string, unknown>;
    return value;
  } catch {
    return null;
  }
}

/** Where the JSON object that opens `text` closes (its length), strings and escapes respected. */
function objectEnd(text: string): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) return i + 1;
  }
  return text.length;
}

// What SES's bounceSubType says when a recipient comes without a status or diagnostic of
// its own (SES documents these subtypes; "Suppressed" means its own suppression list).
const SUBTYPE_WORDS: Record<string, string> = {
  NoEmail: 'SES bounce NoEmail: 5.1.1 the recipient address does not exist',
  Suppressed: 'SES bounce Suppressed: Amazon SES has suppressed sending to this address',
  OnAccountSuppressionList: 'SES bounce OnAccountSuppressionList: the address is on the account-level suppression list',
  MailboxFull: 'SES bounce MailboxFull: 5.2.2 mailbox full',
  MessageTooLarge: 'SES bounce MessageTooLarge: 5.3.4 message size exceeds the limit',
  ContentRejected: 'SES bounce ContentRejected: message content rejected',
  AttachmentRejected: 'SES bounce AttachmentRejected: attachment not allowed',
};

// SES's documented delayType values, in words the rules read.
const DELAY_WORDS: Record<string, string> = {
  MailboxFull: 'SES delivery delay: mailbox full',
  SpamDetected: 'SES delivery delay: spam detected',
  RecipientServerError: 'SES delivery delay: recipient server error',
  IPFailure: 'SES delivery delay: the sending IP address is blocked',
  TransientCommunicationFailure: 'SES delivery delay: connection failed',
  BYOIPHostNameLookupUnavailable: 'SES delivery delay: DNS lookup failed',
  InternalFailure: 'SES delivery delay: internal failure',
};

function evidence(r: SesRecipient, action: Action, smtpResponse?: string, subType?: string): RecipientEvidence | null {
  if (!r.emailAddress && typeof r !== 'string') return null;
  const address = typeof r === 'string' ? (r as string) : r.emailAddress!;
  const diagnostic =
    r.diagnosticCode?.replace(/^smtp;\s*/i, '') ??
    smtpResponse ??
    (subType ? SUBTYPE_WORDS[subType] : undefined) ??
    null;
  return {
    address,
    role: 'dsn-field',
    action,
    status: (r.status && findStatus(` ${r.status}`)) || (diagnostic ? findStatus(diagnostic) : null),
    replyCode: diagnostic ? findReplyCode(diagnostic) : null,
    diagnosticCode: diagnostic,
    remoteMta: null,
    command: null,
    context: '',
  };
}

export function readSesNotification(text: string): SesNotification | null {
  const json = jsonIn(text);
  const kind = json?.notificationType ?? json?.eventType;
  if (typeof kind !== 'string') return null;
  const mail = (json!.mail ?? {}) as { messageId?: string };
  const messageId = mail.messageId ?? null;
  // Its addresses are not failed recipients: read it as SES, not as a text bounce.
  const type =
    kind === 'Bounce' || kind === 'Complaint' || kind === 'Delivery' || kind === 'DeliveryDelay' ? kind : 'Other';
  if (type === 'Other') return { type, evidence: [], feedback: null, messageId };
  if (type === 'Bounce') {
    const bounce = (json!.bounce ?? {}) as {
      bouncedRecipients?: SesRecipient[];
      bounceType?: string;
      bounceSubType?: string;
    };
    const action: Action = bounce.bounceType === 'Transient' ? 'delayed' : 'failed';
    const list = (bounce.bouncedRecipients ?? [])
      .map((r) => evidence(r, (r.action as Action) ?? action, undefined, bounce.bounceSubType))
      .filter((e): e is RecipientEvidence => e !== null);
    return { type, evidence: list, feedback: null, messageId };
  }
  if (type === 'Complaint') {
    const complaint = (json!.complaint ?? {}) as {
      complainedRecipients?: SesRecipient[];
      complaintFeedbackType?: string;
      userAgent?: string;
      arrivalDate?: string;
    };
    const list = (complaint.complainedRecipients ?? [])
      .map((r) => evidence(r, 'failed'))
      .filter((e): e is RecipientEvidence => e !== null);
    const feedback: FeedbackReport = {
      type: (complaint.complaintFeedbackType ?? 'abuse').toLowerCase(),
      userAgent: complaint.userAgent ?? null,
      sourceIp: null,
      arrivalDate: complaint.arrivalDate ?? null,
      reportedDomain: null,
    };
    return { type, evidence: list, feedback, messageId };
  }
  if (type === 'DeliveryDelay') {
    // Delivery is late and SES still tries: a delay per recipient, with SES's delayType as words when none are given.
    const delay = (json!.deliveryDelay ?? {}) as { delayedRecipients?: SesRecipient[]; delayType?: string };
    const list = (delay.delayedRecipients ?? [])
      .map((r) =>
        evidence(r.diagnosticCode ? r : { ...r, diagnosticCode: DELAY_WORDS[delay.delayType ?? ''] }, 'delayed'),
      )
      .filter((e): e is RecipientEvidence => e !== null);
    return { type, evidence: list, feedback: null, messageId };
  }
  const delivery = (json!.delivery ?? {}) as { recipients?: string[]; smtpResponse?: string };
  const list = (delivery.recipients ?? [])
    .map((address) => evidence({ emailAddress: address }, 'delivered', delivery.smtpResponse))
    .filter((e): e is RecipientEvidence => e !== null);
  return { type, evidence: list, feedback: null, messageId };
}
