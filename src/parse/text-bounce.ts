// Home-made bounce texts (Postfix, Exim, qmail, Sendmail, Exchange, Domino, ESPs, …) share
// a shape even when their words differ: a recipient address on a line, then the error for
// it on the same and the following lines, up to a blank line or the next recipient. This
// reader finds that shape rather than one format per MTA, so that it also reads MTAs it
// has never seen. The returned copy of the message is cut off first, so that addresses in
// it are not taken for failed recipients.
import { findReplyCode, findStatus, wordsBesides } from '../classify/index.ts';
import { anyOf, oneOf, seq } from '../classify/patterns.ts';
import type { FactRole, RecipientEvidence } from './report.ts';

// The lookbehind starts a match only where a token starts: without it, a long run of
// local-part characters with no "@" is rescanned from every position (quadratic).
// A local part's characters are RFC 5322's atext, non-ASCII letters, and dots; a domain is
// labels (no hyphen at either end) and a top-level name of two letters or more. Non-ASCII
// punctuation is no part of either: a label glued to the address ("收件人：a@b", "«a@b»")
// stops at it. (Latin-1 symbols, general punctuation, CJK and full-width punctuation, the BOM.)
const WIDE = /\u00c0-\u1fff\u2070-\u2fff\u3040-\ufefe\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff66-\uffff/.source;
const ATEXT = `[A-Za-z0-9._%+\\-=/'!#$&*?^{|}~${WIDE}]`;
const LABEL = `[A-Za-z0-9${WIDE}](?:[A-Za-z0-9\\-${WIDE}]*[A-Za-z0-9${WIDE}])?\\.`;
const ADDRESS = new RegExp(`(?<!${ATEXT})${ATEXT}+@(?:${LABEL})+[A-Za-z${WIDE}]{2,}`, 'g');

// Lines that start the returned copy of the message in text bounces (one pattern: every line
// of a notice is tried).
const ORIGINAL_START = anyOf(
  seq(
    /^\s*(?:\|\s*)?-{2,}.{0,20}/i,
    oneOf(
      /original|returned|undelivered|unsent|below this line|copy of|headers? of|forwarded/i,
      /message headers|message text|rfc ?822/i,
    ),
  ),
  /^\s*={3,}.{0,20}(original|returned|copy of|headers)/i,
  /^\s*(original|old|returned|undelivered) message:?\s*$/i,
  /^\s*(the )?(original )?message('s)? headers (follow|are below)/i,
  seq(
    /^\s*/i,
    oneOf(
      /original message follows|the original message (follows|is attached|headers)|this is a copy of/i,
      /(included is |here is )?a copy of the (original )?message|original message headers/i,
      /below is a copy of|unsent message below|returned mail follows|message text follows/i,
      /-+ ?original message ?-+/i,
    ),
  ),
  /^\s*(content-type|content-description): (message\/rfc822|text\/rfc822-headers|undelivered message)/i,
);

// A header field at the start of a line, or quoted there ("> From: …"), as some MTAs return
// the message.
const HEADER_LINE = seq(
  /^(?:> ?)*/i,
  oneOf(
    /received|return-path|message-id|from|to|subject|date|mime-version|x-[a-z0-9-]+/i,
    /content-type|dkim-signature|reply-to|delivered-to/i,
  ),
  /:/i,
);

/** Splits a text bounce into its own text and the returned original (if any). */
export function cutOriginal(text: string): { notice: string; original: string | null } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (ORIGINAL_START.test(lines[i]!)) {
      return { notice: lines.slice(0, i).join('\n'), original: lines.slice(i + 1).join('\n') };
    }
  }
  // No separator: a run of header lines (folded ones too) after a blank line, a heading
  // ("Message header:") or a rule of dashes is where the copy starts.
  // A quoted run, or one right after the first line, is the copy only when the words above
  // it named someone: otherwise it is the notice itself, forwarded ("Begin forwarded
  // message:", "> From: Mail Delivery Subsystem").
  for (let i = 2; i < lines.length - 2; i++) {
    if (!HEADER_LINE.test(lines[i]!)) continue;
    // After a rule of dashes, only a copy that starts as an MTA returns one, with its trace:
    // a summary of the message can sit between rules too.
    const afterRule = /^\s*[-=_*]{5,}\s*$/.test(lines[i - 1]!) && /^(received|return-path):/i.test(lines[i]!);
    if (!/^[\s>]*$|:\s*$/.test(lines[i - 1]!) && !afterRule) continue;
    if (headerRun(lines, i) < 3) continue;
    const notice = lines.slice(0, i).join('\n');
    if ((i < 3 || lines[i]!.startsWith('>')) && !notice.includes('@')) continue;
    return { notice, original: lines.slice(i).join('\n') };
  }
  return { notice: text, original: null };
}

/**
 * How many known header fields follow each other from line `at`, folded lines and other
 * fields ("Cc:", "References:") included without counting.
 */
function headerRun(lines: string[], at: number): number {
  let fields = 0;
  for (let i = at; i < lines.length && i < at + 40 && fields < 3; i++) {
    if (HEADER_LINE.test(lines[i]!)) fields++;
    else if (!/^(?:> ?)*(?:[ \t]+\S|[A-Za-z][\w-]*:\s)/.test(lines[i]!)) break;
  }
  return fields;
}

/** Local parts that are the reporting system, not a recipient. */
const SYSTEM_LOCAL_PARTS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|daemon|noreply|no-reply|nobody|root)$/i;

/** The reporting system's own address (postmaster@, noreply@…): it answers for others. */
export function isSystemAddress(address: string): boolean {
  return SYSTEM_LOCAL_PARTS.test(address.slice(0, address.lastIndexOf('@')));
}

// A mailing list's robots (Mailman's list-request, -owner, -bounces…, Majordomo's owner-list):
// addresses a notice tells people to write to, never ones a campaign is sent to.
const LIST_ROBOT_LOCAL_PARTS =
  /^owner-|-(request|owner|bounces|confirm|join|leave|subscribe|unsubscribe|approval)(\+[^@]*)?$/i;

/** A mailing list's robot (list-bounces@, owner-list@…): it answers for a list, never a person. */
export function isListRobot(address: string): boolean {
  return LIST_ROBOT_LOCAL_PARTS.test(address.slice(0, address.lastIndexOf('@')));
}

export interface TextBounceOptions {
  /** Addresses that are not recipients: the bounce's From. */
  exclude: Set<string>;
  /**
   * Addresses that are recipients only when nothing else is, and an error stands with
   * them: the bounce's own To, the original's sender.
   */
  unlikely?: Set<string>;
}

export function readTextBounce(notice: string, opts: TextBounceOptions): RecipientEvidence[] {
  const scan = scanNotice(notice);
  const found = readAddresses(scan, opts.exclude, opts.unlikely ?? new Set(), false);
  if (found.length) return found;
  // A message sent to oneself, or to postmaster, bounces to an address we would skip: taken
  // when an error stands with it. A postmaster named without one is the footer's ("Please
  // reply to Postmaster@x if you feel this message to be in error"), not who failed.
  const unlikely = opts.unlikely ?? new Set();
  return readAddresses(scan, opts.exclude, new Set(), true).filter((e) => {
    const key = e.address.toLowerCase();
    if (unlikely.has(key)) return headsError(notice, e);
    return !isSystemAddress(key) || e.replyCode !== null || e.status !== null;
  });
}

/** A notice's lines, each line's address matches, and the addresses it names as not failed. */
interface NoticeScan {
  notice: string;
  lines: string[];
  found: RegExpExecArray[][];
  others: Set<string>;
}

function scanNotice(notice: string): NoticeScan {
  const lines = notice.split('\n');
  const found = lines.map((line) => (line.includes('@') ? [...line.matchAll(ADDRESS)] : []));
  return { notice, lines, found, others: notRecipients(lines, found) };
}

/** The address heads a line of its own and an error follows it ("x@y:" then "SMTP error …"). */
function headsError(notice: string, e: RecipientEvidence): boolean {
  const escaped = e.address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return e.replyCode !== null && new RegExp(`^\\s*<?${escaped}>?:?\\s*$`, 'im').test(notice);
}

// Words that offer help at an address rather than report it: "For further assistance,
// please contact <support@isp.example>", "send mail to <help@…>", and after it: "ask
// admin@x for help".
const OFFERS_HELP = seq(
  /\b/i,
  oneOf(
    /contact|contact\b.{0,60}\bat|send (an? )?(e-?mail|mail|message)s? to|write to/i,
    /forward (this|the) (message|notice|e-?mail|report) to/i,
    /reach (us|our [a-z]+) at|questions?\b.{0,40}\b(to|at)|repl(y|ies) (should |will )?(go|be sent) to/i,
    // "Please reply to <admin@x> if you feel this message to be in error" (not Postfix's "in
    // reply to RCPT TO").
    /(?<!\bin )reply to/i,
    /report (problems|issues|errors|abuse|spam)( to)?|(abuse|problem|error|spam) reports( to)?/i,
    // A label for the mail system's own people ("Mail administrator: <x@y>", "Contact the
    // administrator: x@y", "abuse: x@y"), never a mailbox a message was sent to.
    /(contact (the |your |our )?)?(mail |e-?mail |system |site |network )?(administrator|admin|postmaster)\s*:/i,
    /(contact (the |your |our )?)?(hostmaster|webmaster|abuse|support|help ?desk|noc)( team| desk)?\s*:/i,
  ),
  /(?:\s*:)?\s*<?$/i,
);

// The words before an address that is the recipient's new one ("the new address is x@y",
// "has been forwarded to x@y"), or one the message reached: where mail goes, not where it
// failed.
const NAMES_WHERE_MAIL_GOES = seq(
  /\b/i,
  oneOf(
    /new (e-?mail |mail )?address(es)?( is| are)?|(address|mailbox|has|have) changed to/i,
    /(has been|have been|was|were|will be|is being) (automatically )?(forwarded|redirected) to/i,
    /(can )?now be (reached|found) at/i,
    // Where a message did arrive ("was delivered to x@y"), in a notice about another address.
    /(was|were|has been|have been) (successfully )?delivered to/i,
  ),
  /(?:\s*:)?\s*<?$/i,
);

const HELP_AFTER = /^>?\s*(for|if you need) (further |more |any )?(help|assistance|support|information|details)\b/i;

// The words after an address (and the addresses listed with it) that say the message reached
// it: "also sent to b@x and c@x, which were delivered".
const DELIVERED_AFTER = seq(
  /^>?(?:\s*(?:,|and|or)\s*<?[^\s<>@]+@[^\s<>,]+>?)*\s*,?\s*(?:which|that|who)?\s*/i,
  /(?:was|were|has been|have been) (?:successfully )?delivered\b/i,
);

// Addresses listed before this one in the same clause ("contact <a@b> or <c@d>"): the words
// before the list speak for each address in it.
const ADDRESSES_BEFORE = /(?:<?[^\s<>@]+@[^\s<>]+?>?\s*(?:,|\bor\b|\band\b|\/)\s*(?:to\s+)?)+$/i;

/** The words before an address without the addresses listed before it (none without an "@": no search). */
function withoutAddressesBefore(words: string): string {
  return words.includes('@') ? words.replace(ADDRESSES_BEFORE, '') : words;
}

// "Your message to list@x could not be delivered to one or more recipients": said of a
// message sent to a list or an alias, whose failed recipients are named elsewhere.
const MESSAGE_SENT_TO = /\b(message|mail|post(ing)?|e-?mail)\s+(sent\s+)?to\s*<?$/i;
const SOME_OF_ITS_RECIPIENTS =
  /\b(to|for) (all|one or more|some|several|the following) (of (the|its) )?(recipients|addresses)/i;
const DELIVERED_TO_ANOTHER = /\bdeliver(ed|y)? to\s*<?[^\s<>@]+@/i;

// The line before an address that names the message's sender ("A message sent by" / "<x>").
const NAMES_SENDER = /\b(sent by|message from)(?:\s*:)?\s*$/i;

// Words before an address that call it the message's sender ("not accepting mail from x",
// "the sender address x", "MAIL FROM:<x>"); not "expanded from" or "generated from".
const NAMED_AS_SENDER = seq(
  /\b/i,
  oneOf(
    /(?:mail|messages?|e-?mails?) from|sender(?:'s)?(?: e-?mail| mail)?(?: address)?(?: is)?/i,
    /envelope[- ]from|return[- ]path/i,
  ),
  /\s*[:=]?\s*<?$/i,
);

/** Addresses the notice offers help at, or names as the sender, wherever else it names them. */
function notRecipients(lines: string[], found: RegExpExecArray[][]): Set<string> {
  const others = new Set<string>();
  lines.forEach((line, i) => {
    if (found[i]!.length === 0) return;
    const before =
      lines
        .slice(Math.max(0, i - 2), i)
        .filter((l) => l.trim() !== '')
        .pop() ?? '';
    const start = line.search(/\S/);
    for (const m of found[i]!) {
      // Alone on its line: nothing but white space, or a "<", before it.
      const alone = m.index === start || (m.index === start + 1 && line[start] === '<');
      // An address that starts its line continues the sentence above ("… or write to" / "x@y").
      const lead = alone ? `${before.trimEnd()} ` : '';
      const words = withoutAddressesBefore(lead + line.slice(Math.max(0, m.index - 120), m.index));
      const after = line.slice(m.index + m[0].length, m.index + m[0].length + 60);
      // What an alias expanded to ("<x@host> (expanded from <alias@domain>)"), wherever the
      // notice names it again (its receiver's reply echoes it): the alias is the recipient.
      // An address "expanded" from itself is still the recipient.
      const alias = EXPANDED_AFTER.exec(after)?.[1] ?? (alone ? aliasBelow(lines, i) : null);
      const expansion = alias !== null && alias.toLowerCase() !== m[0].toLowerCase();
      // The sender, named as such ("not accepting mail from x@y", "the sender address x@y"):
      // wherever else the notice names it ("Sorry x@y."), it is not who failed.
      const aside =
        OFFERS_HELP.test(words) ||
        HELP_AFTER.test(after) ||
        NAMES_WHERE_MAIL_GOES.test(words) ||
        DELIVERED_AFTER.test(after) ||
        NAMED_AS_SENDER.test(line.slice(Math.max(0, m.index - 120), m.index));
      if (aside || expansion || (alone && NAMES_SENDER.test(before))) others.add(m[0].toLowerCase());
    }
  });
  return others;
}

/**
 * Sendmail lists a recipient alone on its line and, below it, its reason and the alias it
 * came from ("<x@host>", "(reason: 550 … User unknown)", "(expanded from: <alias@domain>)").
 */
function aliasBelow(lines: string[], at: number): string | null {
  for (let i = at + 1; i < Math.min(lines.length, at + 4); i++) {
    const alias = EXPANDED_FROM_LINE.exec(lines[i]!)?.[1];
    if (alias) return alias;
    if (!/^\s+\(/.test(lines[i]!)) return null;
  }
  return null;
}

/** The line of a Sendmail entry's address, above its "(reason: …)" and "(expanded from: …)". */
function entryStart(lines: string[], at: number): number {
  let start = at;
  while (start > 0 && at - start < 3 && /^\s+\(/.test(lines[start]!)) start--;
  return start;
}

const EXPANDED_FROM_LINE = /^\s*\(expanded from:?\s*<?([^\s<>@]+@[^\s<>()]+)/i;
const EXPANDED_AFTER = /^>?\s*\(expanded from:?\s*<?([^\s<>@]+@[^\s<>()]+)/i;

function readAddresses(
  { notice, lines, found, others }: NoticeScan,
  exclude: Set<string>,
  unlikely: Set<string>,
  allowSystem: boolean,
): RecipientEvidence[] {
  // Addresses taken only when nothing else is named (see roleOnLine), first mention kept.
  const fallbacks = new Map<string, Hit>();
  const hits: Hit[] = [];
  const mentioned = new Map<string, Hit>();
  // Every line naming each address: a Sendmail notice lists a recipient with a short reason
  // ("(reason: 550 Host unknown)") and gives the whole reply in its transcript further down
  // ("550 5.1.2 <x@y>... Host unknown (Name server: y: host not found)").
  const mentions = new Map<string, number[]>();
  lines.forEach((line, i) => {
    let facts: LineFacts | undefined;
    for (const m of found[i]!) {
      // Trailing punctuation, a script change glued to the domain ("a@b.jp您好", "a@b.jp،"), and
      // an X.400 or Exchange type glued to the front ("dda:SMTP=a@b", "SMTP:a@b" is cut at ":"),
      // and a reply code before its quoted text (Amazon SES: "550-'a@b... No such user'").
      const address = m[0]
        .replace(/^[245]\d\d-'/, '')
        .replace(/^[.'=]+|[.'=]+$/g, '')
        .replace(/([A-Za-z0-9])[^\x00-\x7f]+$/, '$1')
        .replace(/^(smtp|rfc822|x400)=/i, '');
      const key = address.toLowerCase();
      const local = key.slice(0, key.indexOf('@'));
      if (exclude.has(key) || unlikely.has(key) || others.has(key) || LIST_ROBOT_LOCAL_PARTS.test(local)) continue;
      if (!allowSystem && SYSTEM_LOCAL_PARTS.test(local)) continue;
      facts ??= lineFacts(line);
      const role = roleOnLine(line, facts, m, address);
      if (role === 'other') continue;
      if (role === 'fallback') {
        if (!fallbacks.has(key)) fallbacks.set(key, { line: i, address, role: 'notice-mention' });
        continue;
      }
      const lineNumbers = mentions.get(key);
      if (lineNumbers) lineNumbers.push(i);
      else mentions.set(key, [i]);
      if (role === 'mention') {
        if (!lineNumbers) mentioned.set(key, { line: i, address, role: 'notice-mention' });
        continue;
      }
      // Named as a recipient here, after a mere mention above: it is one.
      if (lineNumbers && !mentioned.delete(key)) continue;
      if (EXPANDED_FROM_LINE.test(line)) hits.push({ line: entryStart(lines, i), address, role: 'notice-text' });
      else hits.push({ line: i, address, role: 'notice-text', start: m.index, end: m.index + m[0].length });
    }
  });
  // Mere mentions count only when no address is named as a recipient: the notice's prose
  // names senders, relays and helpers too ("sent by x", "reached at y").
  if (hits.length === 0) hits.push(...mentioned.values());
  if (hits.length === 0) hits.push(...fallbacks.values());
  // In notice order: a Sendmail entry's hit stands on its address's line, above where it was found.
  hits.sort((a, b) => a.line - b.line);
  // Recipients named on one line, before the same next one, share their error: read it once
  // (a line may name thousands of addresses).
  const shared = new Map<string, Explained>();
  // The first hit on a later line, for each hit: found once from the end, not hit by hit
  // (thousands of hits on one line would each walk the rest of them).
  const laterLine = new Int32Array(hits.length);
  for (let k = hits.length - 1; k >= 0; k--)
    laterLine[k] = hits[k + 1]?.line === hits[k]!.line ? laterLine[k + 1]! : k + 1;
  const evidence = hits.map((hit, n) => {
    const next = hits[laterLine[n]!]?.line ?? lines.length;
    const previous = n > 0 ? hits[n - 1]!.line : -1;
    const key = `${hit.line}:${next}:${previous}`;
    let explained = shared.get(key);
    if (!explained) {
      explained = explain(lines, hit.line, next, previous, hits.length === 1);
      shared.set(key, explained);
    }
    // Several recipients on one line, each with its own words ("a@x (user unknown), b@x
    // (mailbox full)"): each has its own error.
    const own = ownWords(lines[hit.line]!, hits, n);
    if (own) explained = describe(lines, hit.line, own);
    if (!explained.status) {
      // The status of a transcript line naming the same address, when this one has none.
      const fuller = mentions
        .get(hit.address.toLowerCase())
        ?.map((i) => lines[i]!)
        .find((l) => l !== lines[hit.line] && TRANSCRIPT_REPLY.test(l));
      if (fuller) explained = describe(lines, hit.line, `${explained.diagnosticCode} ${fuller.trim()}`);
    }
    return {
      address: hit.address,
      role: hit.role,
      action: 'failed',
      ...explained,
      context: notice,
    } satisfies RecipientEvidence;
  });
  shareListError(lines, hits, evidence);
  return evidence;
}

/**
 * A list of addresses one a line ("a@x", "b@x", "c@x") with one error below it: the error
 * below the last is each one's, where an address's own line and block say nothing of its own.
 */
function shareListError(lines: string[], hits: Hit[], evidence: RecipientEvidence[]): void {
  for (let k = hits.length - 2; k >= 0; k--) {
    const [hit, next, own, below] = [hits[k]!, hits[k + 1]!, evidence[k]!, evidence[k + 1]!];
    if (next.line !== hit.line + 1 || own.status || own.replyCode || !(below.status || below.replyCode)) continue;
    if (wordsBesides(lines[hit.line]!) || wordsBesides(lines[next.line]!)) continue;
    const { status, replyCode, remoteMta, command } = below;
    // (Without the address that heads the block below: it is the next one's.)
    const diagnosticCode = below.diagnosticCode?.replace(/^<?[^\s<>@]+@[^\s<>]+?>?:?\s+/, '') ?? null;
    evidence[k] = { ...own, status, replyCode, diagnosticCode, remoteMta, command };
  }
}

type Explained = Pick<RecipientEvidence, 'status' | 'replyCode' | 'diagnosticCode' | 'remoteMta' | 'command'>;

/** An address found in a notice, on its line; where on it, for one found in the words. */
interface Hit {
  line: number;
  address: string;
  role: FactRole;
  start?: number;
  end?: number;
}

/**
 * The words between an address and the next address on its line, when they say why it
 * failed (a reply code or a word of failure); null when they do not ("a@x and b@x failed")
 * or the line names one recipient.
 */
function ownWords(line: string, hits: Hit[], n: number): string | null {
  // Hits are in line order, and in the order of the line within it.
  const hit = hits[n]!;
  const [before, after] = [hits[n - 1], hits[n + 1]];
  const next = after?.line === hit.line ? after.start : undefined;
  if (hit.end === undefined || (next === undefined && before?.line !== hit.line)) return null;
  const words = line.slice(hit.end, next ?? line.length);
  return failureCode(words) || FAILURE_WORD_ALONE.test(words) ? words.replace(/^[>)\]\s]+|[\s,;]+$/g, '') : null;
}

/** The error of the recipient named on line `at`: its block, and what explains it from above. */
function explain(lines: string[], at: number, next: number, previousHit: number, onlyRecipient: boolean): Explained {
  const block = errorBlock(lines, at, next);
  const explained = [...explanationAbove(lines, at, block, onlyRecipient, previousHit), ...block];
  return describe(lines, at, explained.join(' ').replace(/\s+/g, ' ').trim());
}

function describe(lines: string[], at: number, diagnostic: string): Explained {
  const remote =
    /(?:host|server|mx)\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,})\s*\[/i.exec(diagnostic) ??
    /remote (?:host|server|mta)(?: name)?:?\s+\[?([0-9A-Za-z][0-9A-Za-z.:-]*[0-9A-Za-z])/i.exec(diagnostic);
  return {
    // A failed recipient's status is a failure's: a transcript's "250 2.1.5 Recipient OK"
    // before "500 Message rejected" says the RCPT went well, not why the message failed.
    status: failureStatus(diagnostic),
    replyCode: failureCode(diagnostic),
    diagnosticCode: diagnostic,
    remoteMta: remote?.[1] ?? null,
    command: smtpCommand(lines, at, diagnostic),
  };
}

/** Lines above a recipient's line that explain it when its own block does not. */
function explanationAbove(
  lines: string[],
  at: number,
  block: string[],
  onlyRecipient: boolean,
  previousHit: number,
): string[] {
  const text = block.join(' ');
  // A notice naming one recipient may give the error above it ("Error message below:
  // 550 … no such user here" … "RCPT TO: x@y").
  if (onlyRecipient && !failureCode(text)) {
    const error = lines.slice(0, at).find((l) => failureCode(l));
    if (error) return [error];
  }
  // An address alone on its line, with nothing after it, is explained by the lines just
  // above it in its paragraph (Lotus Notes: "Failure Reasons", the reason, then the address).
  if (!wordsBesides(text)) return paragraphAbove(lines, at, previousHit);
  // Sendmail sums up a recipient under the remote server's own reply: ">>> MAIL From:<s>",
  // "<<< 501 … open relay", then "554 <x@y>... Remote protocol error".
  if (REPLY_LINE.test(lines[at]!)) return exchangeAbove(lines, at);
  return [];
}

/** What roleOnLine needs to know of a line, read once however many addresses it names. */
interface LineFacts {
  /** A header line ("> Message-Id: <…>" too), which names messages and senders. */
  header: boolean;
  /** A header summary line ("To: x@y", "Cc: …"). */
  summary: boolean;
  /** Addresses written as the display name of another ("a@b <c@d>"), lower case. */
  displayNames: Set<string>;
  /** Where a list of addresses that heads the line ends ("a@x, b@x, c@x: 550 …"): each heads it. */
  leadingList: number;
}

const LEADING_LIST = /^[\s>*•"'<(-]*(?:<?[^\s<>@,;]+@[^\s<>,;]+?>?(?:\s*(?:[,;]|\band\b|\bor\b)\s*|\s+))+/i;

function lineFacts(line: string): LineFacts {
  const displayNames = new Set<string>();
  if (line.includes('<')) {
    for (const m of line.matchAll(
      /(?<![^\s"'(,;:])([^\s<>"'(),;:@]+@[^\s<>"'(),;:]+)["']?[ \t]*<([^<>\s@]+@[^<>\s]+)>/g,
    )) {
      if (m[1]!.toLowerCase() !== m[2]!.toLowerCase()) displayNames.add(m[1]!.toLowerCase());
    }
  }
  return {
    header: /^\s*(>\s*)*(message-id|in-reply-to|references|from|reply-to|sender|return-path):/i.test(line),
    // "Recipients: a@x, b@y" lists the message's recipients, as "To:" does.
    summary: /^\s*(>\s*)*(to|cc|bcc|recipients):/i.test(line),
    displayNames,
    leadingList: LEADING_LIST.exec(line)?.[0].length ?? 0,
  };
}

/**
 * What an address is where the line names it: a failed recipient, something `other`, or a
 * `fallback` taken only when the notice names no failed recipient at all.
 */
function roleOnLine(
  line: string,
  facts: LineFacts,
  m: RegExpExecArray,
  address: string,
): 'recipient' | 'mention' | 'other' | 'fallback' {
  if (facts.header) return 'other';
  // An address written as the display name of another ("a@b <c@d>") is not the address,
  // here or where the line names it again (Exim: "<c@d> may not follow a@b").
  if (facts.displayNames.has(address.toLowerCase())) return 'other';
  // A path or an ARN that ends in an address ("/home/u/.forward/x@y", "identity/x@y") is not one.
  if (address.includes('/')) return 'other';
  // The words just before the address (a line may name thousands of addresses: look back
  // a little, not to its start).
  const before = line.slice(Math.max(0, m.index - 120), m.index);
  // A Received header of the returned message: "for <x@y>; Thu, 29 Apr 2009 …".
  if (/^>?;/.test(line.slice(m.index + m[0].length, m.index + m[0].length + 2)) && /\bfor\s+<?$/i.test(before))
    return 'other';
  // A header summary ("To: x@y", "Cc: …") names the message's recipients, not the failed one;
  // Exim's "(generated from x@y)" names the address a hidden failed one was redirected from.
  if (facts.summary || /generated from\s*<?$/i.test(before)) return 'fallback';
  if (MESSAGE_SENT_TO.test(before) && SOME_OF_ITS_RECIPIENTS.test(line.slice(m.index + m[0].length))) return 'fallback';
  // "Your message to list@x could not be delivered to amy@y": the list, not who failed.
  if (MESSAGE_SENT_TO.test(before) && DELIVERED_TO_ANOTHER.test(line.slice(m.index + m[0].length))) return 'fallback';
  // The message's other recipients, named in passing ("bcc: archive@x").
  if (/\bb?cc\s*:\s*<?$/i.test(before)) return 'fallback';
  // Sendmail's "The original message was received at … addressed to a@b and c@d": the
  // message's recipients, of which the failed ones are listed apart.
  if (/\baddressed to\s*<?$/i.test(withoutAddressesBefore(before))) return 'fallback';
  // Postfix's "<local@host> (expanded from <alias@domain>)": the alias is the address the
  // message was sent to; what it expanded to is the receiver's own delivery.
  if (/\(expanded from:?\s*<?$/i.test(before)) return 'recipient';
  // The envelope sender quoted in an error ("after MAIL FROM:<a@b>", "the sender address a@b
  // is blacklisted") is not a recipient.
  if (SENDER_BEFORE.test(before)) return 'other';
  // A Message-ID named in the words ("Original message ID: <id@host>") is no address.
  if (/\bmessage[- ]?id\s*(?:is\s*)?[:=]?\s*<?$/i.test(before)) return 'other';
  return namedAsRecipient(line, m, before) || m.index < facts.leadingList ? 'recipient' : 'mention';
}

const SENDER_BEFORE = seq(
  oneOf(
    /mail from|envelope-from|return-path|sent by|on behalf of/i,
    /(sender|from|return|reply-to)('s)?( e-?mail| mail)?( address)?( is)?/i,
  ),
  /(?:\s*[:=])?\s*<?$/i,
);

// Where a notice puts a failed recipient: at the head of its line (a list, "<x@y>: …"), after
// words that address it ("to", "for", "Recipient:"), or before words of failure ("x@y: 550 …",
// "x@y... User unknown", "x@y (mailbox full)", "x@y is not a valid user").
const HEAD_OF_LINE = /^[\s>*•"'<(-]*$/;
const ADDRESSED_BEFORE = seq(
  // (The full-width colon ends CJK labels: "收件人：".)
  /(?:\b(?:to|for|recipients?|addressee|address(?:es)?|user|mailbox|account|rcpt|userid|deliver(?:y|ing)?)|:|：)/i,
  /\s*[<"'(「]{0,2}\s*$/i,
);
const FAILURE_WORD = oneOf(
  /not|unknown|invalid|failed|rejected|refused|disabled|inactive|suspended|blocked|unavailable/i,
  /full|quota|exists?|error|bounced|undeliverable/i,
);
const FAILURE_WORD_ALONE = seq(/\b/i, FAILURE_WORD, /\b/i);
const FAILURE_AFTER = seq(
  /^[>"')\]]*\s*/i,
  oneOf(/:|\.\.\.|;|-\s|\(|[45]\d\d\b/i, seq(/(?:[\w']+\s+){0,3}/i, FAILURE_WORD, /\b/i)),
);

function namedAsRecipient(line: string, m: RegExpExecArray, before: string): boolean {
  return (
    HEAD_OF_LINE.test(line.slice(0, m.index)) ||
    ADDRESSED_BEFORE.test(withoutAddressesBefore(before)) ||
    FAILURE_AFTER.test(line.slice(m.index + m[0].length, m.index + m[0].length + 60))
  );
}

/** The ">>> command" and "<<< reply" lines of a transcript just above line `at`. */
function exchangeAbove(lines: string[], at: number): string[] {
  let start = at;
  while (start > 0 && at - start < 8 && /^\s*(<<<|>>>)/.test(lines[start - 1]!)) start--;
  return lines.slice(start, at);
}

/** The lines of a paragraph above line `at`, after line `after`. */
function paragraphAbove(lines: string[], at: number, after: number): string[] {
  let start = at;
  while (start - 1 > after && lines[start - 1]!.trim() !== '') start--;
  return lines.slice(start, at);
}

/** The first failure status (4.x.x, 5.x.x) of a text: never a success code it quotes. */
function failureStatus(text: string): string | null {
  const status = findStatus(text);
  return status?.startsWith('2') ? null : status;
}

/** A line that starts with an SMTP reply code, or the code of a transcript ("<<< 550 …"). */
const REPLY_LINE = /^\s*(?:<<<\s*)?[2-5]\d\d[ -]/;

/** A session transcript's failure reply with an enhanced status code: "550 5.1.2 <x@y>... Host unknown". */
const TRANSCRIPT_REPLY = /^\s*(?:<<<\s*)?[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b/;

/** A 4xx/5xx reply code: a failure notice's own numbers ("Size (in bytes): 222") are not replies. */
export function failureCode(text: string): string | null {
  const code = findReplyCode(text);
  return code?.startsWith('2') ? null : code;
}

/**
 * The recipient's line and the paragraph it stands in. When that paragraph holds no SMTP
 * reply code (the address alone, or "There was an error delivering your mail to <x>."),
 * the error is in the paragraphs that follow: take them too, up to the next recipient.
 */
function errorBlock(lines: string[], from: number, next: number): string[] {
  const block: string[] = [];
  const end = Math.min(next, from + 24);
  // A transcript line that is a whole reply ("554 <x@y>... Host unknown") ends where the next
  // reply starts: the lines after it in its paragraph answer other recipients.
  const ownReply = REPLY_LINE.test(lines[from]!);
  let i = from;
  while (i < end) {
    const paragraph: string[] = [];
    while (i < end && lines[i]!.trim() === '' && block.length > 0) i++;
    while (i < end && lines[i]!.trim() !== '' && !(ownReply && i > from && REPLY_LINE.test(lines[i]!)))
      paragraph.push(lines[i++]!);
    block.push(...paragraph);
    if (ownReply) break;
    const text = block.join(' ');
    if (failureCode(text) || findStatus(text)) break;
    if (paragraph.length === 0) i++;
  }
  return block;
}

/**
 * The SMTP command the error answered: "(in reply to end of DATA command)", "after RCPT TO",
 * or the ">>> DATA" line of a Sendmail/Courier transcript just before the reply.
 */
function smtpCommand(lines: string[], at: number, diagnostic: string): string | null {
  return commandSaid(diagnostic) ?? commandInTranscript(lines, at);
}

// How an error text names the command it answered, by stage.
const IN_REPLY_TO = seq(
  /\b(?:in reply to|after|response to)\s+(?:the\s+)?(?:end of\s+)?/i,
  /(RCPT TO|MAIL FROM|DATA|RCPT|MAIL|HELO|EHLO)\b/i,
);
const SAYS_RCPT = anyOf(
  /\brcpt to response|\bcommand rcpt\b|\bdid not like our rcpt|\bdoes not like recipient/i,
  /\[rcpt_to\]|\bsmtp:rcpt\b/i,
);
const SAYS_CONNECT = anyOf(
  /\b(after|during) (the )?initial connection|in reply to (the )?(initial )?greeting/i,
  /connected to .{0,40} but my name was rejected|refused to talk to me/i,
);

/** The stage as an error text words it: "(in reply to RCPT TO command)", "[RCPT_TO]", … */
export function commandSaid(diagnostic: string): string | null {
  const said = IN_REPLY_TO.exec(diagnostic);
  if (said) return normaliseCommand(said[1]!);
  // A transcript line that sent the command ("hMailServer sent: RCPT TO:<x>", MDaemon "--> RCPT To:<x>").
  // ("Sent: Data sheet" in an Exchange notice's summary is not one: DATA is upper case there.)
  // … or that names the command whose reply follows ("RCPT TO generated following response:"),
  // or the command with its reply after it (Apache James: "RCPT TO: x@y ERROR 550 Invalid recipient").
  const sent =
    /(?:\bsent:|\bsent\s*>>>|-->)\s*(RCPT TO|MAIL FROM)\s*:/i.exec(diagnostic) ??
    /(?:^|\s)(RCPT TO|MAIL FROM)\s*:\s*<?[^\s<>@]+@[^\s<>]+?>?\s+(?:error:?\s+)?[45]\d\d\b/i.exec(diagnostic) ??
    /(?:\b[Ss]ent:|-->)\s*(DATA)\b/.exec(diagnostic) ??
    /\b(RCPT TO|MAIL FROM|DATA) generated (the )?following response/i.exec(diagnostic);
  if (sent) return normaliseCommand(sent[1]!);
  if (SAYS_RCPT.test(diagnostic)) return 'RCPT';
  if (/\bdid not like our data|\[data\]/i.test(diagnostic)) return 'DATA';
  if (/\bdid not like our mail from|\[mail_from\]|\bsmtp:mail\b/i.test(diagnostic)) return 'MAIL';
  if (SAYS_CONNECT.test(diagnostic)) return 'CONNECT';
  if (/connected to .{0,40} but sender was rejected/i.test(diagnostic)) return 'MAIL';
  return null;
}

/** The nearest ">>> COMMAND" line of a session transcript around line `at`, within the recipient's block first. */
export function commandInTranscript(lines: string[], at: number): string | null {
  for (const d of [0, 1, 2, 3, 4, 5, -1, -2, -3, -4]) {
    const m = /^\s*>>>\s*(RCPT TO|MAIL FROM|DATA|RCPT|MAIL|HELO|EHLO)\b/i.exec(lines[at + d] ?? '');
    if (m) return normaliseCommand(m[1]!);
  }
  return commandLabelled(lines, at);
}

/** A labelled stage below the error: "SMTP command: DATA", or the label's value on the next line. */
function commandLabelled(lines: string[], at: number): string | null {
  for (let i = Math.max(0, at); i < Math.min(lines.length, at + 12); i++) {
    if (!/^[\s-]*smtp[ -]command\s*:?\s*/i.test(lines[i]!)) continue;
    const value = lines[i]!.replace(/^[\s-]*smtp[ -]command\s*:?\s*/i, '') || (lines[i + 1] ?? '');
    const m = /^\s*(RCPT TO|MAIL FROM|DATA|RCPT|MAIL|HELO|EHLO)\b/i.exec(value);
    return m ? normaliseCommand(m[1]!) : null;
  }
  return null;
}

function normaliseCommand(command: string): string {
  const c = command.toUpperCase();
  return c.startsWith('RCPT') ? 'RCPT' : c.startsWith('MAIL') ? 'MAIL' : c;
}

/**
 * A multi-line SMTP reply cut after its first line ("552-5.7.0 This message was blocked…"),
 * completed from the session transcript of the notice, where every line of it stands
 * ("<<< 552-5.7.0 …" … "<<< 552 5.7.0 …").
 */
export function completeReply(notice: string, partial: string): string | null {
  // (The s flag lets .* reach the end from the first code: a run of "111-…" lines would
  // otherwise be rescanned from every code in it.)
  const first = /(\d{3})-(.*)$/s.exec(partial.trim());
  if (!first) return null;
  const [, code, rest] = first;
  const lines = notice.split('\n').map((l) => l.replace(/^\s*(<<<\s*)?/, ''));
  const start = lines.findIndex((l) => l.startsWith(`${code}-${rest!.trim()}`));
  if (start < 0) return null;
  const reply: string[] = [];
  for (let i = start; i < lines.length && reply.length < 30; i++) {
    const line = lines[i]!;
    if (!line.startsWith(code!)) break;
    reply.push(line);
    if (line[3] === ' ') return reply.join(' ');
  }
  return reply.length > 1 ? reply.join(' ') : null;
}
