// The decoder: bytes in, a Report out. Pure (no I/O, no clock) and total: a message that
// is not a bounce gives kind 'other' with no recipients, and a message that cannot be read
// gives what could be read plus a problem, never an exception.
import { classify, findReplyCode, findStatus, type RuleSet } from '../classify/index.ts';
import { anyOf } from '../classify/patterns.ts';
import { bounceType, type Reason } from '../classify/reasons.ts';
import { readFeedback } from './arf.ts';
import { isForwardNotice } from './forward-notice.ts';
import { readListRefusal } from './list-robot.ts';
import { isRefusal, readDisposition } from './mdn.ts';
import {
  decodeWords,
  type Header,
  headerValue,
  isEmbeddedMessage,
  type MimePart,
  parseMessage,
  partText,
  splitHeaders,
  toText,
  walk,
} from './mime.ts';
import { firstText, noticeWords, readable } from './notice-text.ts';
import {
  BOUNCE_SUBJECT,
  DAEMON_FROM,
  FAILURE_WORDS,
  isDelayWarning,
  NOT_DELIVERED,
  saysDelivered,
} from './notice-words.ts';
import { originalFromHeaders, originalFromText } from './original.ts';
import {
  complaint,
  type FactRole,
  type OriginalMessage,
  type RecipientEvidence,
  type RecipientFact,
  type Report,
  type ReportKind,
} from './report.ts';
import { addressField, type DeliveryStatus, readDeliveryStatus } from './rfc3464.ts';
import { isAutoReply, isChallenge, mailboxRetired, soundsAutomatic } from './rfc3834.ts';
import { readSesNotification, type SesNotification } from './ses.ts';
import {
  commandInTranscript,
  commandSaid,
  completeReply,
  cutOriginal,
  failureCode,
  isListRobot,
  isSystemAddress,
  readTextBounce,
  type TextBounceOptions,
} from './text-bounce.ts';
import { isUnsubscribeRequest } from './unsubscribe.ts';

export type { RecipientFact, Report } from './report.ts';

// "message/xdelivery-status": an Exchange firewall's (XWall's) name for the same part.
const DSN_TYPES = new Set([
  'message/delivery-status',
  'message/global-delivery-status',
  'text/delivery-status',
  'message/xdelivery-status',
]);

function emptyReport(problems: string[] = []): Report {
  return {
    kind: 'other',
    reportingMta: null,
    envelopeId: null,
    arrivalDate: null,
    original: null,
    recipients: [],
    unnamed: null,
    feedback: null,
    decodedBy: null,
    problems,
  };
}

export function decode(raw: Buffer, rules?: RuleSet): Report {
  try {
    return decodeMessage(raw, rules);
  } catch (err) {
    return emptyReport([`could not be read: ${(err as Error).message}`]);
  }
}

function findOriginal(root: MimePart, quoted: string | null): OriginalMessage | null {
  // The returned copy whose headers name its Message-ID (what the correlator matches on)
  // wins; else the first copy that says anything.
  let first: OriginalMessage | null = null;
  for (const found of originalCopies(root, quoted)) {
    if (found?.messageId) return found;
    first ??= found;
  }
  return first;
}

function* originalCopies(root: MimePart, quoted: string | null): Generator<OriginalMessage | null> {
  // The message the delivery-status part we read speaks of comes back beside it: a bounce
  // of a bounce, or a notice wrapped by a relay, carries other messages above and below it.
  const isReport = (p: MimePart) => p.parts.some((c) => DSN_TYPES.has(c.type));
  if (!isReport(root)) {
    for (const report of walk(root)) {
      if (!isReport(report)) continue;
      for (const part of report.parts) if (isEmbeddedMessage(part.type) && part.parts[0]) yield* copiesIn(part);
      break;
    }
  }
  // The messages the notice carries: their headers are read through the part that carries them.
  const messageRoots = new Set<MimePart>();
  for (const part of walk(root)) {
    if (part === root) continue;
    if (isEmbeddedMessage(part.type) && part.parts[0]) {
      messageRoots.add(part.parts[0]);
      yield* copiesIn(part);
    } else if (!messageRoots.has(part) && namesAMessage(part.headers)) {
      // A part with no Content-Type of its own, the returned message's headers as its own.
      yield originalFromHeaders(part.headers);
    } else if (part.type === 'text/plain' && part.parts.length === 0 && /^\s*[A-Za-z][\w-]*:/.test(part.body)) {
      // A text part that is the returned message's headers (Oracle's Messaging Server).
      const { headers } = splitHeaders(partText(part).replace(/^\s*\n/, ''));
      if (namesAMessage(headers)) yield originalFromHeaders(headers);
    }
  }
  if (quoted) yield originalFromText(quoted);
}

/** The copy an embedded message part holds. */
function* copiesIn(part: MimePart): Generator<OriginalMessage | null> {
  yield originalFromHeaders(part.parts[0]!.headers);
  // Some MTAs leave out the blank line after the part's Content-Type: the returned
  // message's headers then run on in the part's own.
  yield originalFromHeaders(part.headers);
}

/** Part headers that are a message's own: a Message-ID, and a From or a Received trace. */
function namesAMessage(headers: Header[]): boolean {
  return (
    headerValue(headers, 'message-id') !== undefined &&
    (headerValue(headers, 'from') !== undefined || headerValue(headers, 'received') !== undefined)
  );
}

function addressesIn(value: string | null | undefined): string[] {
  // Starting only where a token starts keeps a long header linear (see ADDRESS in text-bounce.ts).
  return [...(value ?? '').matchAll(/(?<![^\s<>"',;:()])[^\s<>"',;:()]+@[^\s<>"',;:()]+/g)].map((m) => m[0]);
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

/**
 * RFC 3463's code for a reason the words of a reply make plain, where the reply gave none of
 * its own ("552 Quota exceeded"): the subject and detail every MTA that does give a code uses.
 */
const CODE_OF_REASON: Partial<Record<Reason, string>> = {
  userunknown: '1.1',
  hostunknown: '1.2',
  hasmoved: '1.6',
  mailboxfull: '2.2',
  suspend: '2.1',
  emailtoolarge: '3.4',
};

function toFact(evidence: RecipientEvidence, rules: RuleSet | undefined): RecipientFact {
  const e = { ...evidence, status: statusOf(evidence) };
  const c = classify(
    {
      action: e.action,
      status: e.status,
      replyCode: e.replyCode,
      diagnostic: e.diagnosticCode,
      context: e.context,
      command: e.command,
    },
    rules,
  );
  const code = CODE_OF_REASON[c.reason];
  const status =
    !evidence.status && code && e.status && /^[45]\.0\.0$/.test(e.status) ? `${e.status[0]}.${code}` : e.status;
  return {
    address: e.address,
    role: e.role,
    action: e.action,
    status,
    replyCode: e.replyCode,
    diagnosticCode: e.diagnosticCode,
    remoteMta: e.remoteMta,
    ...(e.willRetryUntil ? { willRetryUntil: e.willRetryUntil } : {}),
    reason: c.reason,
    type: c.type,
    rule: c.rule,
  };
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

interface Message {
  root: MimePart;
  parts: MimePart[];
  subject: string;
  from: string;
  /** The notice's words (noticeWords), read once when first asked for. */
  words: () => string;
}

function decodeMessage(raw: Buffer, rules?: RuleSet): Report {
  const root = parseMessage(toText(raw));
  let words: string | undefined;
  const message: Message = {
    root,
    parts: [...walk(root)],
    subject: decodeWords(headerValue(root.headers, 'subject') ?? ''),
    // Its display name may be encoded ("=?UTF-8?Q?Mail_Delivery_System?= <…>"); its address never is.
    from: decodeWords(headerValue(root.headers, 'from') ?? ''),
    words: () => {
      words ??= noticeWords(root);
      return words;
    },
  };
  return (
    readArf(message) ??
    readJmrp(message) ??
    readScomp(message) ??
    readTextComplaint(message) ??
    readMdn(message) ??
    readUnsubscribe(message) ??
    readNotice(message, rules)
  );
}

/** A reader's unsubscribe request sent to a List-Unsubscribe mailto: an opt-out by its sender. */
function readUnsubscribe({ root, parts, subject, from }: Message): Report | null {
  if (
    DAEMON_FROM.test(from) ||
    parts.some((p) => DSN_TYPES.has(p.type)) ||
    !isUnsubscribeRequest(root.headers, subject)
  )
    return null;
  const who = addressField(from);
  if (!who) return null;
  return {
    ...emptyReport(),
    kind: 'feedback',
    decodedBy: 'unsubscribe',
    original: repliedTo(root),
    feedback: {
      type: 'opt-out',
      userAgent: null,
      sourceIp: null,
      arrivalDate: headerValue(root.headers, 'date') ?? null,
      reportedDomain: null,
    },
    recipients: [complaint(who, 'unsubscribe.request', 'reply-sender')],
  };
}

/** ARF feedback report (RFC 5965). */
function readArf({ root, parts }: Message): Report | null {
  const feedbackPart = parts.find((p) => p.type === 'message/feedback-report');
  if (!feedbackPart) return null;
  const original = findOriginal(root, null);
  const fb = readFeedback(partText(feedbackPart), original);
  return {
    ...emptyReport(),
    kind: 'feedback',
    decodedBy: 'arf',
    original,
    feedback: fb.feedback,
    recipients: fb.recipients.map((address) => complaint(address, 'arf.feedback-report', fb.role)),
  };
}

/**
 * A message disposition notification (mdn.ts): a refusal by the recipient's own rule is a
 * failure for that recipient (filtered: their rule, not their address); any other
 * disposition says the message was delivered.
 */
function readMdn({ root, parts }: Message): Report | null {
  const part = parts.find((p) => p.type === 'message/disposition-notification');
  if (!part) return null;
  const d = readDisposition(partText(part));
  const original = findOriginal(root, null) ?? (d.originalMessageId ? originalWithId(d.originalMessageId) : null);
  const report: Report = { ...emptyReport(), decodedBy: 'mdn', original, reportingMta: d.reportingUa };
  if (!d.recipient) {
    report.problems.push('disposition notification without a recipient');
    return report;
  }
  const refused = isRefusal(d);
  // The rule's own words ("I am not accepting mail from your address"), when the notice gives them.
  const words = readable(firstText(root)).trim().replace(/\s+/g, ' ').slice(0, 500) || null;
  const reason: Reason = refused ? 'filtered' : 'delivered';
  report.recipients = [
    {
      address: d.recipient,
      role: 'disposition-field',
      action: refused ? 'failed' : 'delivered',
      status: null,
      replyCode: null,
      diagnosticCode: refused ? words : null,
      remoteMta: null,
      reason,
      type: bounceType(reason, null, null),
      rule: refused ? `mdn.${d.type}` : 'mdn.delivered',
    },
  ];
  report.kind = kindOf(report.recipients);
  return report;
}

/** What a Message-ID alone (an MDN's Original-Message-ID, SES's mail.messageId) says of the original. */
function originalWithId(messageId: string): OriginalMessage {
  return {
    messageId,
    from: null,
    to: null,
    subject: null,
    listId: null,
    inReplyTo: null,
    references: null,
    xHeaders: {},
  };
}

/**
 * Microsoft's JMRP complaints (Outlook.com, Hotmail) are not ARF: the complained-about
 * message comes back whole, naming its recipient in X-HmXmrOriginalRecipient: attached, or
 * (Hotmail's older form) as the report itself, the header added to its own.
 */
function readJmrp({ root, parts }: Message): Report | null {
  const attached = parts.find(
    (p) =>
      p !== root &&
      isEmbeddedMessage(p.type) &&
      p.parts[0] &&
      headerValue(p.parts[0].headers, 'x-hmxmroriginalrecipient'),
  )?.parts[0]?.headers;
  const headers = attached ?? (headerValue(root.headers, 'x-hmxmroriginalrecipient') ? root.headers : null);
  if (!headers) return null;
  const address = addressField(headerValue(headers, 'x-hmxmroriginalrecipient'));
  return complaintReport('jmrp', originalFromHeaders(headers), address, 'jmrp.complaint');
}

/**
 * AOL's complaints before ARF ("Client TOS Notification", X-Loop: scomp): the complained-about
 * message comes back attached, and its one To is the member who complained.
 */
function readScomp({ root, parts }: Message): Report | null {
  if (!/\bscomp\b/i.test(headerValue(root.headers, 'x-loop') ?? '')) return null;
  const headers = attachedHeaders(parts, root);
  const original = headers ? originalFromHeaders(headers) : null;
  const to = addressesIn(original?.to);
  return complaintReport('scomp', original, to.length === 1 ? to[0]! : null, 'scomp.complaint', 'original-to');
}

// A complaint in plain words, the complained-about message attached: SpamCop's reports, and
// a provider's abuse desk forwarding its user's complaint ("Abuse report", "We received a
// complaint about the attached message"). Not a quarantine notice or digest: nobody complained.
const SPAMCOP = /@reports\.spamcop\.net\b|^\s*\[spamcop\b/i;
const COMPLAINT_WORDS = anyOf(
  /\babuse (report|complaint)|\bspam complaint|\bcomplain(t|ts|ed)\b/i,
  /\breported (this|the|your|a) (message|e-?mail|mail) as (spam|junk|abuse|unsolicited)/i,
);

function readTextComplaint({ root, parts, subject, from, words: noticeOf }: Message): Report | null {
  const spamcop = SPAMCOP.test(from) || SPAMCOP.test(subject);
  if (!spamcop && (DAEMON_FROM.test(from) || parts.some((p) => DSN_TYPES.has(p.type)))) return null;
  const attached = attachedHeaders(parts, root);
  if (!attached) return null;
  if (!spamcop) {
    const words = `${subject}\n${noticeOf()}`;
    // (A refusal that blames complaints, "rejected: too many spam complaints", is a bounce.)
    if (!COMPLAINT_WORDS.test(words) || /quarantin/i.test(words) || NOT_DELIVERED.test(words) || failureCode(words))
      return null;
  }
  const original = originalFromHeaders(attached);
  // The attached copy's one To is who complained; SpamCop and most desks redact it ("To: x"):
  // then only the send the copy is proven to be names who (see the pipeline).
  const to = addressesIn(original?.to);
  const report = complaintReport(
    'text-complaint',
    original,
    to.length === 1 ? to[0]! : null,
    'complaint.text',
    'original-to',
  );
  if (spamcop && report.feedback) report.feedback.userAgent = 'SpamCop';
  return report;
}

/** The headers of the first message attached to a report (the complained-about copy). */
function attachedHeaders(parts: MimePart[], root: MimePart): Header[] | undefined {
  return parts.find((p) => p !== root && isEmbeddedMessage(p.type) && p.parts[0])?.parts[0]?.headers;
}

function complaintReport(
  decodedBy: string,
  original: OriginalMessage | null,
  address: string | null,
  rule: string,
  role: FactRole = 'feedback-field',
): Report {
  return {
    ...emptyReport(),
    kind: 'feedback',
    decodedBy,
    original,
    feedback: { type: 'abuse', userAgent: null, sourceIp: null, arrivalDate: null, reportedDomain: null },
    recipients: address ? [complaint(address, rule, role)] : [],
  };
}

/** Everything that speaks through a human-readable notice: SES JSON, DSNs, auto-replies, text bounces. */
function readNotice(message: Message, rules: RuleSet | undefined): Report {
  const { root, from, subject } = message;
  const report = emptyReport();
  const notice = message.words();

  const ses = readSesNotification(notice);
  if (ses) return sesReport(ses, rules);

  const { notice: noticeText, original: quoted } = cutOriginal(notice);
  report.original = findOriginal(root, quoted);
  // Not failed recipients: whoever wrote the bounce; and, unless nothing else is named,
  // our own return path (the bounce is addressed to it) and the original's sender (a
  // message sent to oneself).
  const lower = (values: Array<string | null | undefined>) =>
    new Set(values.flatMap(addressesIn).map((a) => a.toLowerCase()));
  const textOptions = {
    exclude: lower([from]),
    unlikely: lower([headerValue(root.headers, 'to'), report.original?.from]),
  };

  const unnamed: DeliveryStatus['unnamed'] = [];
  let evidence = dsnEvidence(message, noticeText, textOptions, report, unnamed);
  if (evidence.length === 0) {
    evidence = readListRefusal(root.headers, noticeText, new Set([...textOptions.exclude, ...textOptions.unlikely]));
    if (evidence.length) report.decodedBy = 'list-robot';
  }
  // Unmarked, an answer is automatic by its words only if it says nothing failed.
  const automatic = () =>
    isAutoReply(root.headers, subject) ||
    (soundsAutomatic(noticeText) && !NOT_DELIVERED.test(noticeText) && !failureCode(noticeText));
  if (evidence.length === 0 && !DAEMON_FROM.test(from) && automatic())
    return autoReply(report, root, from, subject, noticeText);
  if (evidence.length === 0 && isChallenge(subject, noticeText)) {
    // A service answers for the address it guards ("Your message to x was waitlisted"): that
    // address is the one our message went to, whoever signs the challenge.
    const guarded = report.original?.to ?? readTextBounce(noticeText, textOptions)[0]?.address ?? from;
    return autoReply(report, root, guarded, subject, noticeText, 'rfc3834.challenge-response');
  }
  if (evidence.length === 0 && isForwardNotice(noticeText)) return forwarded(report, noticeText, textOptions, rules);
  if (evidence.length === 0) {
    if (!looksLikeBounce(message, noticeText)) return report;
    evidence = textEvidence(message, noticeText, textOptions, report.original);
    if (evidence.length) report.decodedBy = 'text';
    // One DSN block named its recipient by a path, and the words name one address: the
    // block's Status and Action are that address's ("save to /mail/…/n2 generated by x@y").
    const [only] = evidence;
    if (evidence.length === 1 && unnamed.length === 1 && only && !only.status && unnamed[0]!.status)
      evidence = [{ ...only, status: unnamed[0]!.status, action: unnamed[0]!.action }];
    // A warning that delivery is still being tried is a delay, not a failure: it must not
    // count against the address.
    if (isDelayWarning(subject, noticeText)) evidence = evidence.map((e) => ({ ...e, action: 'delayed' }));
    // A notice that the message arrived (a success notice asked for, Exchange's "Relayed")
    // names who got it: delivered, never failed.
    else if (saysDelivered(subject, noticeText)) evidence = evidence.map((e) => ({ ...e, action: 'delivered' }));
    if (evidence.length === 0) return unnamedFailure(report, subject, noticeText, rules);
  }
  report.recipients = unique(evidence).map((e) => toFact(e, rules));
  report.kind = kindOf(report.recipients);
  return report;
}

/**
 * A notice that says a message failed (or is late) and names nobody: a bounce about whoever
 * the send it is proven to be went to (see Report.unnamed). One that says neither is other.
 */
function unnamedFailure(report: Report, subject: string, noticeText: string, rules: RuleSet | undefined): Report {
  const delayed = isDelayWarning(subject, noticeText);
  const { diagnostic, ...reply } = replyInWords(noticeText);
  if (!delayed && !reply.replyCode && !NOT_DELIVERED.test(noticeText)) return report;
  const {
    address: _,
    role: __,
    ...unnamed
  } = toFact(
    {
      ...reply,
      address: '',
      role: 'send-recipient',
      action: delayed ? 'delayed' : 'failed',
      diagnosticCode: diagnostic || null,
      context: `${subject}\n${noticeText}`,
    },
    rules,
  );
  return { ...report, decodedBy: 'text', unnamed, kind: delayed ? 'delay' : 'bounce' };
}

/** The address that changed, its message forwarded to the new one: delivered, not failed. */
function forwarded(report: Report, noticeText: string, textOptions: TextBounceOptions, rules?: RuleSet): Report {
  const evidence = readTextBounce(noticeText, textOptions).map((e) => ({ ...e, action: 'delivered' as const }));
  const recipients = unique(evidence).map((e) => ({ ...toFact(e, rules), rule: 'notice.forwarded' }));
  return { ...report, decodedBy: 'text', recipients, kind: kindOf(recipients) };
}

function sesReport(ses: SesNotification, rules: RuleSet | undefined): Report {
  const report: Report = {
    ...emptyReport(),
    decodedBy: 'amazon-ses',
    original: ses.messageId ? originalWithId(`<${ses.messageId}>`) : null,
  };
  if (ses.type === 'Complaint') {
    return {
      ...report,
      kind: 'feedback',
      feedback: ses.feedback,
      recipients: ses.evidence.map((e) => complaint(e.address, 'ses.complaint')),
    };
  }
  const recipients = unique(ses.evidence).map((e) => toFact(e, rules));
  return { ...report, recipients, kind: kindOf(recipients) };
}

/**
 * RFC 3464: the delivery-status part, or DSN fields in plain text (a report whose MIME
 * structure was lost). The notice adds what the fields lack: the full reply and the SMTP
 * command it answered.
 */
function dsnEvidence(
  { parts }: Message,
  noticeText: string,
  textOptions: TextBounceOptions,
  report: Report,
  unnamed: DeliveryStatus['unnamed'],
): RecipientEvidence[] {
  const dsnPart = parts.find((p) => DSN_TYPES.has(p.type));
  const dsnInText = dsnPart ? -1 : noticeText.search(/^(Reporting-MTA|Final-Recipient|Original-Recipient)\s*:/im);
  if (!dsnPart && dsnInText < 0) return [];
  const status = readDeliveryStatus(dsnPart ? partText(dsnPart) : noticeText.slice(dsnInText));
  unnamed.push(...status.unnamed);
  report.reportingMta = status.reportingMta;
  report.envelopeId = status.envelopeId;
  report.arrivalDate = status.arrivalDate;
  // No returned copy names its Message-ID: the one the fields name links the bounce to its send.
  const id = status.originalMessageId;
  if (id && !report.original?.messageId)
    report.original = report.original ? { ...report.original, messageId: id } : originalWithId(id);
  if (status.recipients.length === 0) {
    report.problems.push('delivery-status part without recipients');
    return [];
  }
  report.decodedBy = 'rfc3464';
  // The notice's own words stand before its DSN fields, when those are in the text too.
  const words = dsnInText > 0 ? noticeText.slice(0, dsnInText) : noticeText;
  const fromText = new Map(readTextBounce(words, textOptions).map((e) => [e.address.toLowerCase(), e]));
  const lines = noticeText.split('\n');
  return status.recipients.map((r) => {
    const text = fromText.get(r.address.toLowerCase());
    // Sendmail keeps only the first line of a multi-line reply ("552-5.7.0 …") in the
    // Diagnostic-Code; the transcript in the notice has all of it.
    const diagnosticCode = r.diagnosticCode
      ? (completeReply(noticeText, r.diagnosticCode) ?? r.diagnosticCode)
      : (text?.diagnosticCode ?? null);
    const onlyRecipient = status.recipients.length === 1;
    const command =
      commandSaid(diagnosticCode ?? '') ??
      text?.command ??
      (onlyRecipient ? commandInTranscript(lines, transcriptReply(lines)) : null);
    // A lone recipient's Sendmail transcript ends with the reply the DSN fields leave out
    // ("554 5.3.0 unknown mailer error 255" for "Diagnostic-Code: X-Unix; 255").
    const last = onlyRecipient && !r.replyCode ? lastTranscriptReply(lines) : null;
    // The notice's words fill in a Status: that says only "failed" (x.0.0), in its class.
    const said = text?.status ?? (last ? findStatus(last) : null);
    const filled = !r.status || (/^\d\.0\.0$/.test(r.status) && said?.[0] === r.status[0]);
    return {
      ...r,
      diagnosticCode:
        last && diagnosticCode && !diagnosticCode.includes(last)
          ? `${diagnosticCode} (${last.trim()})`
          : (diagnosticCode ?? last),
      command,
      replyCode: r.replyCode ?? text?.replyCode ?? (last ? findReplyCode(last) : null),
      status: filled ? (said ?? r.status) : r.status,
      context: text?.diagnosticCode ?? noticeText,
    };
  });
}

/** The last line of a "Transcript of session follows" that is a failure reply. */
function lastTranscriptReply(lines: string[]): string | null {
  const start = lines.findIndex((l) => /-+ ?transcript of session follows/i.test(l));
  if (start < 0) return null;
  let reply: string | null = null;
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '' && reply) break;
    const m = /^\s*(?:<<<\s*)?([45]\d\d[ -].*)$/.exec(line);
    if (m) reply = m[1]!;
  }
  return reply;
}

/** Line of the first "<<< 5xx" reply of a session transcript; far away when there is none. */
function transcriptReply(lines: string[]): number {
  const i = lines.findIndex((l) => /^\s*<<<\s*[45]\d\d/.test(l));
  return i < 0 ? -10 : i;
}

/** What a reply answers: its In-Reply-To and References name the message we sent. */
function repliedTo(root: MimePart): OriginalMessage {
  return {
    messageId: null,
    from: null,
    to: null,
    subject: null,
    listId: null,
    xHeaders: {},
    inReplyTo: headerValue(root.headers, 'in-reply-to') ?? null,
    references: headerValue(root.headers, 'references') ?? null,
  };
}

/** The mailbox a system's answer speaks for, when it names exactly one. */
function spokenFor(report: Report, text: string): string | null {
  const to = addressesIn(report.original?.to);
  if (to.length) return to.length === 1 ? to[0]! : null;
  return onlyAddressIn(text, { exclude: new Set() }) ?? null;
}

/** RFC 3834 auto-reply: the recipient is whoever replied. */
function autoReply(
  report: Report,
  root: MimePart,
  from: string,
  subject: string,
  text: string,
  rule = 'rfc3834.auto-reply',
): Report {
  const replier = addressField(from);
  // A list's robot (holding a post for its moderator) answers for nobody we mailed. A system's
  // own address (noreply@, postmaster@) answers for the mailbox the message went to: the
  // returned message's To, or the one address its words name; else nobody.
  const who = !replier || isListRobot(replier) ? null : isSystemAddress(replier) ? spokenFor(report, text) : replier;
  // An answer that the mailbox is retired counts against it as a suspended one would.
  const retired = mailboxRetired(`${subject}\n${text}`);
  const fact: RecipientFact | null = !who
    ? null
    : retired
      ? {
          address: who,
          role: 'reply-sender',
          action: 'failed',
          status: null,
          replyCode: null,
          diagnosticCode: text.replace(/\s+/g, ' ').trim().slice(0, 500) || subject || null,
          remoteMta: null,
          reason: 'suspend',
          type: 'soft',
          rule: 'rfc3834.mailbox-retired',
        }
      : {
          address: who,
          role: 'reply-sender',
          action: 'delivered',
          status: null,
          replyCode: null,
          diagnosticCode: subject || null,
          remoteMta: null,
          reason: 'vacation',
          type: 'ignored',
          rule,
        };
  return {
    ...report,
    original: repliedTo(root),
    kind: 'autoreply',
    decodedBy: 'rfc3834',
    recipients: fact ? [fact] : [],
  };
}

function looksLikeBounce({ root, parts, subject, from }: Message, noticeText: string): boolean {
  if (
    DAEMON_FROM.test(from) ||
    headerValue(root.headers, 'x-failed-recipients') !== undefined ||
    root.type === 'multipart/report'
  )
    return true;
  // A bounce-like subject from someone else: only with a notice that speaks of a failure.
  if (BOUNCE_SUBJECT.test(subject) && (FAILURE_WORDS.test(noticeText) || findReplyCode(noticeText) !== null))
    return true;
  // Whatever the subject and sender: a notice saying so, with the message returned.
  return NOT_DELIVERED.test(noticeText) && parts.some((p) => p !== root && isEmbeddedMessage(p.type));
}

/**
 * The list a returned post was sent to (its To is the list whose List-Id it carries,
 * "<mylist.lists.example>" for mylist@lists.example): a list refused nothing, a member did.
 */
function isListPost(address: string, listId: string | null | undefined): boolean {
  const id = /<([^<>\s]+)>/.exec(listId ?? '')?.[1]?.toLowerCase();
  return isListRobot(address) || (id !== undefined && id === address.toLowerCase().replace('@', '.'));
}

/**
 * Of several addresses the message went to, the one whose local part alone the notice names
 * ("jay... User unknown", an AOL screen name): a mail system speaks of its own users so.
 */
function namedByLocalPart(addresses: string[], noticeText: string): string | undefined {
  if (addresses.length < 2) return undefined;
  const words = new Set(noticeText.toLowerCase().split(/[^a-z0-9._+-]+/));
  const named = addresses.filter((a) => words.has(a.slice(0, a.lastIndexOf('@')).toLowerCase()));
  return named.length === 1 ? named[0] : undefined;
}

/** The one recipient a line names (a bounce's Subject, "Delivery failure: x@y"), if it names one. */
function onlyAddressIn(text: string, textOptions: TextBounceOptions): string | undefined {
  const named = readTextBounce(text, textOptions);
  return named.length === 1 ? named[0]!.address : undefined;
}

/**
 * A home-made bounce text; when its words name nobody, X-Failed-Recipients, the original's
 * To, or the Subject.
 */
function textEvidence(
  { root, subject }: Message,
  noticeText: string,
  textOptions: TextBounceOptions,
  original: OriginalMessage | null,
): RecipientEvidence[] {
  const evidence = readTextBounce(noticeText, textOptions);
  if (evidence.length) return evidence;
  const failedHeader = addressesIn(headerValue(root.headers, 'x-failed-recipients'))[0];
  const named = addressesIn(original?.to);
  const to = (named.length ? named : addressesIn(original?.tracedTo)).filter((a) => !isListPost(a, original?.listId));
  const chosen = failedHeader
    ? { address: failedHeader, role: 'failed-recipients-header' as const }
    : to.length
      ? { address: namedByLocalPart(to, noticeText) ?? to[0], role: 'original-to' as const }
      : { address: onlyAddressIn(subject, textOptions), role: 'notice-subject' as const };
  if (!chosen.address) return [];
  const { diagnostic, ...reply } = replyInWords(noticeText);
  return [
    {
      ...reply,
      address: chosen.address,
      role: chosen.role,
      action: 'failed',
      // The notice's words are the receiver's reply only when they carry one; else they are
      // context, and a notice that says nothing of why ("Delivery report unavailable") is undefined.
      diagnosticCode: reply.replyCode || reply.status ? diagnostic : null,
      context: noticeText,
    },
  ];
}

/** A notice's words read as the one reply they report: its code, status and SMTP command. */
function replyInWords(
  noticeText: string,
): { diagnostic: string } & Pick<RecipientEvidence, 'status' | 'replyCode' | 'remoteMta' | 'command'> {
  const diagnostic = noticeText.replace(/\s+/g, ' ').trim().slice(0, 2000);
  return {
    diagnostic,
    status: findStatus(diagnostic),
    replyCode: failureCode(diagnostic),
    remoteMta: null,
    command: commandSaid(diagnostic),
  };
}
