// Classification: the words of the receiver first, then its status code, then nothing
// ("onhold": a failure we saw but cannot explain; we say so rather than guess).

import { anyOf, oneOf, seq } from './patterns.ts';
import { Prefilter } from './prefilter.ts';
import { type BounceType, bounceType, type Reason } from './reasons.ts';
import type { Rule } from './rule.ts';
import { STATUS_RULES, TEXT_RULES } from './rules.ts';

export interface Evidence {
  action?: string | null;
  status?: string | null;
  replyCode?: string | null;
  /** The receiver's reply or the bounce's error text for this recipient. */
  diagnostic?: string | null;
  /** Other text about this recipient, read only when the diagnostic says nothing known. */
  context?: string | null;
  /** The SMTP command the error answered: RCPT, MAIL, DATA. */
  command?: string | null;
}

export interface Classification {
  reason: Reason;
  type: BounceType;
  rule: string;
}

export interface RuleSet {
  /** Operators' own rules, tried before ours. */
  extra: Rule[];
}

const NO_RULES: RuleSet = { extra: [] };

/**
 * The text rules read: lower case, curly quotes straightened, white space folded, links
 * reduced to their host, and the repeated codes of a multi-line reply dropped.
 */
export function fold(text: string): string {
  let first = true;
  return (
    text
      .toLowerCase()
      .replace(/[\u2018\u2019\u02bc]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      // A link stands for its host: "spamhaus.org" says something, "…/#userunknown" does not.
      .replace(/\b(?:https?|ftp):\/\/([^\s/?#]+)\S*/g, ' $1 ')
      // Multi-line replies repeat their code on each line ("550-5.7.1 … 550 5.7.1 …"): keep
      // the first, so the sentence they cut reads whole again.
      .replace(
        /(^|\s)([245]\d\d)(-|\s(?=[245]\.\d{1,3}\.\d{1,3}\b))([245]\.\d{1,3}\.\d{1,3}\b)?/g,
        (m, lead: string) => {
          if (first) {
            first = false;
            return m;
          }
          return lead || ' ';
        },
      )
      .replace(/\s+/g, ' ')
      .trim()
  );
}

// Where a notice quotes the receiver ("… the other server returned was: 550 …", "remote
// host said: …"), the quoted reply is the evidence and the words around it are boilerplate
// ("it was rejected by the recipient domain" says nothing about why).
// Amazon SES quotes it after its own summary: "5.1.0 - Unknown address error 550-'5.7.1 … Access denied'".
// Postfix quotes a local delivery program after "Command output:" ("… Mailbox is full").
const QUOTES_REMOTE = anyOf(
  seq(
    oneOf(
      /the (?:error|response) (?:that )?the other server returned was/gi,
      /remote (?:host|server|mta) (?:said|replied|returned)|server message/gi,
      /the server (?:said|replied|responded)|command output/gi,
    ),
    /\s*:?\s*/gi,
  ),
  /(?<=(?:^|\s)[45]\d\d-)'/gi,
);

/** The receiver's own reply quoted in a notice's words, when the notice quotes it. */
export function remoteReply(text: string): string | undefined {
  let after: number | undefined;
  for (const m of text.matchAll(QUOTES_REMOTE)) after = m.index! + m[0].length;
  return after !== undefined && after < text.length ? text.slice(after) : undefined;
}

const ORDERED: { text: Rule[]; status: Rule[] } = { text: TEXT_RULES, status: STATUS_RULES };
const withExtra = new WeakMap<RuleSet, { text: Rule[]; status: Rule[] }>();

/** The operators' rules, then ours, text and status: built once per rule set. */
function ordered(rules: RuleSet): { text: Rule[]; status: Rule[] } {
  if (rules.extra.length === 0) return ORDERED;
  let both = withExtra.get(rules);
  if (!both) {
    both = { text: [...rules.extra, ...TEXT_RULES], status: [...rules.extra, ...STATUS_RULES] };
    withExtra.set(rules, both);
  }
  return both;
}

/**
 * A rule set's rows, flattened in table order, and which rule each belongs to. A rule matches
 * when one of its rows does: testing only the rows whose words occur costs one small pattern
 * where the rule's union would try all its rows at every position of the text.
 */
interface RowIndex {
  patterns: RegExp[];
  ruleOf: Int32Array;
  prefilter: Prefilter;
}

const rowIndexes = new WeakMap<Rule[], RowIndex>();

function rowIndex(rules: Rule[]): RowIndex {
  let index = rowIndexes.get(rules);
  if (!index) {
    const patterns: RegExp[] = [];
    const ruleOf: number[] = [];
    rules.forEach((r, i) => {
      // Operators' rules have one pattern and no rows.
      for (const pattern of r.rows?.map(([, p]) => p) ?? (r.text ? [r.text] : [])) {
        patterns.push(pattern);
        ruleOf.push(i);
      }
    });
    index = { patterns, ruleOf: Int32Array.from(ruleOf), prefilter: new Prefilter(patterns) };
    rowIndexes.set(rules, index);
  }
  return index;
}

/** The first rule, in table order, whose words the text says. */
function firstTextRule(rules: Rule[], text: string): Rule | undefined {
  if (!text) return undefined;
  const { patterns, ruleOf, prefilter } = rowIndex(rules);
  // Only the rows whose required words occur in the text run their pattern.
  const possible = prefilter.candidates(text);
  for (let i = 0; i < patterns.length; i++) if (possible[i] && patterns[i]!.test(text)) return rules[ruleOf[i]!];
  return undefined;
}

// The recipients of one line of a notice share all their evidence: decide once.
let lastDecided: { e: Evidence; rules: RuleSet; result: Classification } | undefined;

const EVIDENCE_FIELDS = ['action', 'status', 'replyCode', 'diagnostic', 'context', 'command'] as const;
// Every field of Evidence is compared: adding one without listing it here fails to compile.
const everyField: Exclude<keyof Evidence, (typeof EVIDENCE_FIELDS)[number]> extends never ? true : never = true;
void everyField;

function sameEvidence(a: Evidence, b: Evidence): boolean {
  return EVIDENCE_FIELDS.every((f) => a[f] === b[f]);
}

export function classify(e: Evidence, rules: RuleSet = NO_RULES): Classification {
  if (lastDecided && lastDecided.rules === rules && sameEvidence(lastDecided.e, e)) {
    // Equal texts may be other strings of the same words: keep the newest, so that the next
    // recipient of a long line compares its own string (at once), not all the words again.
    lastDecided.e = { ...e };
    return { ...lastDecided.result };
  }
  const result = decide(e, rules);
  lastDecided = { e: { ...e }, rules, result };
  return { ...result };
}

function decide(e: Evidence, rules: RuleSet): Classification {
  const action = e.action ?? 'failed';
  const decided = (reason: Reason, rule: string): Classification => {
    const type = bounceType(reason, e.status ?? null, e.replyCode ?? null);
    // A delay is still being tried: whatever its words ("421 4.1.1 User unknown"), the
    // sender has not given up, and neither may we on the address.
    return { reason, type: type === 'hard' && action === 'delayed' ? 'soft' : type, rule };
  };
  if (action === 'delivered' || action === 'relayed' || action === 'expanded')
    return decided('delivered', `action.${action}`);
  if (e.status?.startsWith('2.')) return decided('delivered', 'status.2');

  const { text: all, status: statusRules } = ordered(rules);
  const diagnostic = fold(e.diagnostic ?? '');
  const quoted = remoteReply(diagnostic);
  const byWords = (quoted && firstTextRule(all, quoted)) || firstTextRule(all, diagnostic);
  const answered = byWords?.certain ? undefined : answeredSender(e.command, byWords?.reason);
  if (answered) return decided(answered, `${byWords?.id ?? 'none'}.${e.command!.toLowerCase()}`);
  if (byWords?.reason === 'userunknown' && !byWords.certain)
    return unknownUser(e, byWords, () => stageOfReply(diagnostic), decided);
  if (byWords) return decided(byWords.reason, byWords.id);

  if (action === 'delayed') return decided('expired', 'action.delayed');
  const status = e.status ?? '';
  if (status && !/^[45]\.0\.0$/.test(status)) {
    for (const rule of statusRules) if (rule.status?.test(status)) return decided(rule.reason, rule.id);
  }
  const { byContext, stage } = readContext(e.context ?? '', all);
  // Words around the recipient weigh as its own would: "unknown user" stays unconfirmed there too.
  if (byContext?.reason === 'userunknown' && !byContext.certain)
    return unknownUser(e, { ...byContext, id: `${byContext.id}.context` }, stage, decided);
  if (byContext) return decided(byContext.reason, `${byContext.id}.context`);
  // A failure we saw but cannot explain: on hold (Sisimai's word), when the receiver said
  // something; undefined when nothing was said at all (the address alone, or no text).
  return decided(action === 'failed' && wordsBesides(diagnostic) ? 'onhold' : 'undefined', 'none');
}

// The recipients of one notice share its text as context: read it once, not once per
// recipient (a notice listing thousands of addresses would cost thousands of passes).
interface ContextReading {
  byContext: Rule | undefined;
  /** The stage the context's shape gives away, read when first asked. */
  stage: () => string | null;
}
let lastContext: { raw: string; rules: Rule[]; reading: ContextReading } | undefined;

function readContext(raw: string, rules: Rule[]): ContextReading {
  if (lastContext?.raw !== raw || lastContext.rules !== rules) {
    const context = fold(raw);
    let stage: string | null | undefined;
    lastContext = {
      raw,
      rules,
      reading: {
        byContext: firstTextRule(rules, context),
        stage: () => {
          stage ??= stageOfReply(context);
          return stage;
        },
      },
    };
  }
  return lastContext.reading;
}

/**
 * "Unknown user" in the plain words every MTA uses, which content filters borrow too
 * (mobile carriers word a refusal after DATA that way). The stage and the status code say
 * which it is; where neither is known, the shape of the reply may.
 */
function unknownUser(
  e: Evidence,
  rule: Rule,
  stage: () => string | null,
  decided: (reason: Reason, rule: string) => Classification,
): Classification {
  const status = e.status ?? '';
  const command = e.command ?? stage();
  // An answer to DATA, after the receiver saw the message, is its filter speaking, not a
  // verdict on the mailbox: the address may well exist. Unless a 5.1.x code backs it.
  if (command === 'DATA' && !/^5\.1\.\d+$/.test(status)) return decided('filtered', `${rule.id}.after-data`);
  // A mailbox-status (x.2.x) or policy (x.7.x) code, not given to RCPT: the receiver's own
  // code says the mailbox exists and refused, or a policy did.
  if (command !== 'RCPT' && /^[45]\.[27]\.\d+$/.test(status))
    return decided('filtered', `${rule.id}.status-x.${status.split('.')[1]}`);
  // With neither the stage nor a code that points at the address (x.0.0 says nothing, x.3.x
  // blames the system), "unknown user" is unconfirmed: a wrong hard bounce loses a good
  // address for good, a soft one costs a few more tries.
  if (!command && (!status || /^[45]\.(0\.0|3\.\d+)$/.test(status)))
    return decided('filtered', `${rule.id}.unconfirmed`);
  return decided(rule.reason, rule.id);
}

/**
 * The stage a reply's shape gives away. An RCPT reply echoes the address it refuses
 * ("550 <x@y>: User unknown"); a reply to DATA, where no single recipient is in question,
 * leaves that slot empty ("550 : User unknown"). (Sendmail's "<x@y>... User unknown" is not
 * a sign: its content filters answer DATA in that form too.)
 */
function stageOfReply(diagnostic: string): string | null {
  if (/(?:^|\s)[45]\d\d(?::? |-)(?:[45]\.\d{1,3}\.\d{1,3} )?<[^<>\s@]+@[^<>\s@]+>:/.test(diagnostic)) return 'RCPT';
  if (/(?:^|\s)[45]\d\d ?: (?!<[^<>\s@]+@)/.test(diagnostic)) return 'DATA';
  return null;
}

// Reasons that would blame the recipient, or say nothing, but cannot when the error came
// before any recipient was named.
const RECIPIENT_SIDE = new Set<Reason | undefined>([
  undefined,
  'userunknown',
  'hostunknown',
  'filtered',
  'suspend',
  'hasmoved',
  'notaccept',
  'policyviolation',
  'onhold',
  'undefined',
  'mailboxfull',
]);

// At the greeting, these words are the receiver refusing our host: "550 Access denied",
// "421 Service not available".
const AT_CONNECTION_BLOCKED = new Set<Reason>(['systemerror', 'networkerror', 'expired', 'securityerror']);

/**
 * An error that answered MAIL FROM is about our sender address (`rejected`); one that
 * answered the greeting or HELO is about our sending host (`blocked`), even when worded as
 * a service or connection problem. Specific sender-side reasons (authentication, PTR,
 * rate, block lists) keep their own name.
 */
function answeredSender(command: string | null | undefined, reason: Reason | undefined): Reason | undefined {
  if (command === 'MAIL') return RECIPIENT_SIDE.has(reason) ? 'rejected' : undefined;
  if (command === 'CONNECT' || command === 'HELO' || command === 'EHLO') {
    return RECIPIENT_SIDE.has(reason) || AT_CONNECTION_BLOCKED.has(reason!) ? 'blocked' : undefined;
  }
  return undefined;
}

/** Enhanced status code (RFC 3463) in free text: "550 5.1.1 ...", "#5.0.0", "(5.2.2)". */
export function findStatus(text: string): string | null {
  // A failure's code before any success code: a transcript quotes "250 2.1.5 Ok" first.
  const m =
    /(?:^|[^\d.])([45]\.\d{1,3}\.\d{1,3})(?![\d.]*\d)/.exec(text) ??
    /(?:^|[^\d.])(2\.\d{1,3}\.\d{1,3})(?![\d.]*\d)/.exec(text);
  return m?.[1] ?? null;
}

/** SMTP reply code in free text: the first 4xx/5xx/2xx that stands alone ("550 ", "550-"). */
export function findReplyCode(text: string): string | null {
  const m =
    /(?:^|[\s:;(<"'[])([45][0-5]\d)(?=[\s-]|$)/.exec(text) ?? /(?:^|[\s:;(<"'[])(2[0-5]\d)(?=[\s-]|$)/.exec(text);
  return m?.[1] ?? null;
}

/** Whether a text says anything besides addresses and punctuation ("* x@y:" says nothing). */
export function wordsBesides(text: string): boolean {
  return text.split(/\s+/).some((token) => !token.includes('@') && /[^*:;,.()<>-]/.test(token));
}
