// The decoder: bytes in, a Report out. Pure (no I/O, no clock) and total: a message that
// is not a bounce gives kind 'other' with no recipients, and a message that cannot be read
// gives what could be read plus a problem, never an exception.
import { classify, type RuleSet } from '../classify/index.ts';
import { readFeedback } from './arf.ts';
import { decodeWords, headerValue, isEmbeddedMessage, parseMessage, partText, toText, walk, type MimePart } from './mime.ts';
import { originalFromHeaders, originalFromText } from './original.ts';
import type { OriginalMessage, RecipientEvidence, RecipientFact, Report, ReportKind } from './report.ts';
import { isAutoReply } from './rfc3834.ts';
import { readSesNotification } from './ses.ts';
import { addressField, moreSpecific, readDeliveryStatus } from './rfc3464.ts';
import { completeReply, cutOriginal, readTextBounce, smtpCommand } from './text-bounce.ts';

/** Line of the first "<<< 5xx" reply of a session transcript; -10 when there is none. */
function transcriptReply(notice: string): number {
  const i = notice.split('\n').findIndex((l) => /^\s*<<<\s*[45]\d\d/.test(l));
  return i < 0 ? -10 : i;
}

export type { Report, RecipientFact } from './report.ts';

const DSN_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status', 'text/delivery-status']);

// Subjects and senders of delivery reports, in the languages the corpus and the world use.
const BOUNCE_SUBJECT = /undeliver|undelivered|deliver(y|ed)? (status|fail|failure|notification|report|problem|has failed)|returned mail|return(ed)? to sender|failure notice|mail delivery|non-?deliver|delivery error|could not be delivered|not delivered|nicht zustellbar|unzustellbar|non remis|non distribuable|no entregado|non recapitato|mail system error|rejected|bounce|delayed mail|warning: (could not|message)|message (not )?delivered|error sending|mail failure|system error|permanent error|下書き|未達|配送|エラー|送信できません|失敗|退信|退回|notification|problem with your message|an error occurred|expired/i;
const DAEMON_FROM = /mailer-daemon|postmaster|mail-daemon|mail delivery (sub)?system|mail administrator|maildelivery|mailerdaemon|bounce|nobody@|daemon@|\bmta\b/i;

function emptyReport(problems: string[] = []): Report {
  return { kind: 'other', reportingMta: null, envelopeId: null, arrivalDate: null, original: null, recipients: [], feedback: null, decodedBy: null, problems };
}

export function decode(raw: Buffer, rules?: RuleSet): Report {
  try {
    return decodeMessage(raw, rules);
  } catch (err) {
    return emptyReport([`could not be read: ${(err as Error).message}`]);
  }
}

function firstText(root: MimePart): MimePart | undefined {
  // The notice is the first text part that is not inside the returned message.
  const stack: MimePart[] = [root];
  while (stack.length) {
    const part = stack.shift()!;
    if (isEmbeddedMessage(part.type)) continue;
    if (part.type === 'text/plain' || part.type === 'text/html' || (part === root && !part.type.startsWith('multipart/'))) return part;
    // A multipart whose boundaries were lost is all text.
    if (part.type.startsWith('multipart/') && part.parts.length === 0) return part;
    stack.unshift(...part.parts);
  }
  return undefined;
}

function readable(part: MimePart | undefined): string {
  if (!part) return '';
  const text = partText(part);
  return part.type === 'text/html' ? htmlToText(text) : text;
}

function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ');
}

function findOriginal(root: MimePart, quoted: string | null): OriginalMessage | null {
  for (const part of walk(root)) {
    if (part !== root && isEmbeddedMessage(part.type) && part.parts[0]) {
      const found = originalFromHeaders(part.parts[0].headers);
      if (found) return found;
    }
  }
  return quoted ? originalFromText(quoted) : null;
}

function addressesIn(value: string | null | undefined): string[] {
  return [...(value ?? '').matchAll(/[^\s<>"',;:()]+@[^\s<>"',;:()]+/g)].map((m) => m[0]);
}

function kindOf(facts: RecipientFact[]): ReportKind {
  if (facts.length === 0) return 'other';
  if (facts.some((f) => f.action === 'failed')) return 'bounce';
  if (facts.some((f) => f.action === 'delayed')) return 'delay';
  return 'delivered';
}

/**
 * A text bounce with a reply code but no enhanced status code gets the class of the reply
 * ("550 Unknown user" -> 5.0.0), as RFC 3463 x.0.0 means "no more detail".
 */
function statusOf(e: RecipientEvidence): string | null {
  if (e.status) return e.status;
  const cls = e.replyCode?.[0];
  return cls === '4' || cls === '5' || cls === '2' ? `${cls}.0.0` : null;
}

function toFact(evidence: RecipientEvidence, rules: RuleSet | undefined): RecipientFact {
  const e = { ...evidence, status: statusOf(evidence) };
  const c = classify({ action: e.action, status: e.status, replyCode: e.replyCode, diagnostic: e.diagnosticCode, context: e.context, command: e.command }, rules);
  return {
    address: e.address,
    action: e.action,
    status: e.status,
    replyCode: e.replyCode,
    diagnosticCode: e.diagnosticCode,
    remoteMta: e.remoteMta,
    reason: c.reason,
    type: c.type,
    rule: c.rule,
  };
}

/** A complaint is not a delivery failure: it is counted on its own, never against the address's deliverability. */
function complaint(address: string, rule: string): RecipientFact {
  return { address, action: 'failed', status: null, replyCode: null, diagnosticCode: null, remoteMta: null, reason: 'feedback', type: 'ignored', rule };
}

function unique(evidence: RecipientEvidence[]): RecipientEvidence[] {
  const seen = new Map<string, RecipientEvidence>();
  for (const e of evidence) {
    const key = e.address.toLowerCase();
    const prior = seen.get(key);
    if (!prior) seen.set(key, e);
    else if (!prior.diagnosticCode && e.diagnosticCode) seen.set(key, { ...prior, ...e, action: prior.action });
  }
  return [...seen.values()];
}

function decodeMessage(raw: Buffer, rules?: RuleSet): Report {
  const root = parseMessage(toText(raw));
  const report = emptyReport();
  const parts = [...walk(root)];
  const subject = decodeWords(headerValue(root.headers, 'subject') ?? '');
  const from = headerValue(root.headers, 'from') ?? '';

  // ARF feedback report (RFC 5965).
  const feedbackPart = parts.find((p) => p.type === 'message/feedback-report');
  if (feedbackPart) {
    const original = findOriginal(root, null);
    const fb = readFeedback(partText(feedbackPart), original);
    report.kind = 'feedback';
    report.decodedBy = 'arf';
    report.original = original;
    report.feedback = fb.feedback;
    report.recipients = fb.recipients.map((address) => complaint(address, 'arf.feedback-report'));
    return report;
  }

  // Microsoft's JMRP complaints (Outlook.com, Hotmail) are not ARF: the complained-about
  // message comes back whole, naming its recipient in X-HmXmrOriginalRecipient.
  const jmrp = parts.find((p) => p !== root && isEmbeddedMessage(p.type) && p.parts[0] && headerValue(p.parts[0].headers, 'x-hmxmroriginalrecipient'));
  if (jmrp) {
    const address = addressField(headerValue(jmrp.parts[0]!.headers, 'x-hmxmroriginalrecipient'));
    report.kind = 'feedback';
    report.decodedBy = 'jmrp';
    report.original = originalFromHeaders(jmrp.parts[0]!.headers);
    report.feedback = { type: 'abuse', userAgent: null, sourceIp: null, arrivalDate: null, reportedDomain: null };
    report.recipients = address ? [complaint(address, 'jmrp.complaint')] : [];
    return report;
  }

  const notice = readable(firstText(root));

  // Amazon SES notification (JSON) sent by email.
  const ses = readSesNotification(notice);
  if (ses) {
    report.decodedBy = 'amazon-ses';
    report.original = ses.messageId ? { messageId: `<${ses.messageId}>`, from: null, to: null, subject: null, listId: null, inReplyTo: null, references: null, xHeaders: {} } : null;
    if (ses.type === 'Complaint') {
      report.kind = 'feedback';
      report.feedback = ses.feedback;
      report.recipients = ses.evidence.map((e) => complaint(e.address, 'ses.complaint'));
      return report;
    }
    report.recipients = unique(ses.evidence).map((e) => toFact(e, rules));
    report.kind = kindOf(report.recipients);
    return report;
  }

  const { notice: noticeText, original: quoted } = cutOriginal(notice);
  report.original = findOriginal(root, quoted);
  // Not failed recipients: whoever wrote the bounce and the original's sender; and, unless
  // nothing else is named, our own return path (the bounce is addressed to it).
  const lower = (values: Array<string | null | undefined>) => new Set(values.flatMap(addressesIn).map((a) => a.toLowerCase()));
  const exclude = lower([from, report.original?.from]);
  const unlikely = lower([headerValue(root.headers, 'to')]);

  // RFC 3464 delivery status notification.
  const dsnPart = parts.find((p) => DSN_TYPES.has(p.type));
  // DSN fields in plain text: a report whose MIME structure was lost, or pasted by a relay.
  const dsnInText = dsnPart ? -1 : noticeText.search(/^(Reporting-MTA|Final-Recipient|Original-Recipient)\s*:/im);
  let evidence: RecipientEvidence[] = [];
  if (dsnPart || dsnInText >= 0) {
    const status = readDeliveryStatus(dsnPart ? partText(dsnPart) : noticeText.slice(dsnInText));
    report.reportingMta = status.reportingMta;
    report.envelopeId = status.envelopeId;
    report.arrivalDate = status.arrivalDate;
    if (status.recipients.length) {
      const fromText = new Map(readTextBounce(noticeText, { exclude, unlikely }).map((e) => [e.address.toLowerCase(), e]));
      evidence = status.recipients.map((r) => {
        const text = fromText.get(r.address.toLowerCase());
        // Sendmail keeps only the first line of a multi-line reply ("552-5.7.0 …") in the
        // Diagnostic-Code; the transcript in the notice has all of it.
        const diagnosticCode = r.diagnosticCode ? (completeReply(noticeText, r.diagnosticCode) ?? r.diagnosticCode) : (text?.diagnosticCode ?? null);
        const command = smtpCommand([], 0, diagnosticCode ?? '') ?? text?.command ?? (status.recipients.length === 1 ? smtpCommand(noticeText.split('\n'), transcriptReply(noticeText), '') : null);
        return { ...r, diagnosticCode, command, replyCode: r.replyCode ?? text?.replyCode ?? null, status: moreSpecific(r.status, text?.status ?? null), context: text?.diagnosticCode ?? noticeText };
      });
      report.decodedBy = 'rfc3464';
    } else {
      report.problems.push('delivery-status part without recipients');
    }
  }

  // RFC 3834 auto-reply: the recipient is whoever replied.
  if (evidence.length === 0 && isAutoReply(root.headers, subject) && !DAEMON_FROM.test(from)) {
    const who = addressField(from);
    report.kind = 'autoreply';
    report.decodedBy = 'rfc3834';
    if (who) {
      report.recipients = [{ address: who, action: 'delivered', status: null, replyCode: null, diagnosticCode: subject || null, remoteMta: null, reason: 'vacation', type: 'ignored', rule: 'rfc3834.auto-reply' }];
    }
    return report;
  }

  // A home-made bounce text.
  if (evidence.length === 0) {
    const looksLikeBounce =
      BOUNCE_SUBJECT.test(subject) || DAEMON_FROM.test(from) || headerValue(root.headers, 'x-failed-recipients') !== undefined || root.type === 'multipart/report';
    if (!looksLikeBounce) return report;
    evidence = readTextBounce(noticeText, { exclude, unlikely });
    if (evidence.length === 0) {
      const fallback = addressesIn(headerValue(root.headers, 'x-failed-recipients')).concat(addressesIn(report.original?.to));
      const diagnostic = noticeText.replace(/\s+/g, ' ').trim().slice(0, 2000);
      evidence = fallback.slice(0, 1).map((address) => ({
        address, action: 'failed', status: null, replyCode: null, diagnosticCode: diagnostic, remoteMta: null, command: null, context: noticeText,
      }));
    }
    if (evidence.length) report.decodedBy = 'text';
  }

  report.recipients = unique(evidence).map((e) => toFact(e, rules));
  report.kind = kindOf(report.recipients);
  return report;
}
