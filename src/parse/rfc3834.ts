// RFC 3834 automatic responses (vacation, out of office). Auto-Submitted: auto-replied is
// the standard mark; the others are what Exchange, Gmail and common vacation programs add,
// and the subjects Outlook gives them in its languages.

import { anyOf, oneOf, seq } from '../classify/patterns.ts';
import { type Header, headerValue } from './mime.ts';
import { failureCode } from './text-bounce.ts';

const AUTO_SUBJECT = seq(
  /^\s*/i,
  oneOf(
    /auto(matic)?[ -]?(reply|response|respons|antwort|answer)|out of (the )?office|vacation/i,
    /away from|on vacation|i am away|abwesen|absence|r[ée]ponse automatique/i,
    /respuesta autom[aá]tica|risposta automatica|resposta autom[aá]tica|automatische antwort/i,
    /automatisch antwoord|automatisk svar|autosvar|automatikus v[áa]lasz|r[ăa]spuns automat/i,
    /자동 응답|不在通知|automaattinen vastaus|odpowied[źz] automatyczna|automatick[áa] odpov[ěe]d/i,
    /автоматический ответ|автоответ|otomatik yan[ıi]t|자동 회신|自動回覆|自動応答|自動返信|自动回复/i,
    /autoreply|ooo\b/i,
    /automatyczna odpowied[źz]|fuera de (la )?oficina|fuori (dall')?ufficio|fora do escrit[óo]rio|poza biurem/i,
    /afwezig|fr[åa]nvaro|frav[æe]r|hors du bureau|au[ßs]er haus|nicht im b[üu]ro/i,
    // A receipt confirmation (German "Eingangsbestätigung"), and Domino's "AUTO: Amy is out of the office".
    /(eingangs|empfangs)best[äa]tigung|auto:/i,
    // The words after a name or the subject: "Amy Doe is out of the office", "Re: news [auto-reply]".
    /[^\n]{0,120}\b(is|am|are) (currently )?(out of (the )?office|away|on (vacation|holiday|leave))\b/i,
    /[^\n]{0,200}\[auto[- ]?(reply|response|answer)\]/i,
  ),
);

// Challenge-response systems hold a message until its sender proves to be a person or is
// approved: an automatic answer about our message, not a failure of the address. Real
// bounces can say "recipient verification failed" or "not on the allowed list" too, but with
// an SMTP reply; a challenge speaks to a person and has none.
const CHALLENGE = new RegExp(
  [
    seq(
      /\b(verify|confirm|prove)\b.{0,40}\b(you are|you're|that you are) (a )?/,
      /(human|real (person|sender)|not a (robot|machine|spammer))/,
    ),
    /\b(approved|authori[sz]ed|trusted|allowed|verified|accepted) senders?\b/,
    /\b(white|allow|safe)[- ]?list(ed)?\b/,
    /\bsender (verification|approval|authentication) (is )?(required|request)/,
    /\bchallenge[- ]response\b/,
    /\b(request|ask for) (approval|to be (added|approved|whitelisted))/,
    // Held until the sender acts: "held until you complete a one-time request", "to release
    // your message, reply", "add yourself to my guest list", "please confirm your message".
    /\b(held|waitlisted|pending|quarantined) (until|because|for)\b.{0,80}\b(confirm|verif|approv|request|release)/,
    /\bto release (your|this|the) (message|e-?mail)|\bguest list\b|\bone-time (request|verification)/,
    /\b(please )?confirm (your|this|that you sent the) (message|e-?mail)\b/,
    /\bdo not accept (mail|messages|e-?mail) from (unknown|unverified|unapproved) senders\b/,
  ]
    .map((r) => r.source)
    .join('|'),
  'i',
);

/** A challenge-response system's answer: hold, verify, approve; no SMTP reply of its own. */
export function isChallenge(subject: string, text: string): boolean {
  return CHALLENGE.test(`${subject}\n${text}`) && !failureCode(text);
}

export function isAutoReply(headers: Header[], subject: string): boolean {
  const auto = headerValue(headers, 'auto-submitted')?.toLowerCase() ?? '';
  if (auto.startsWith('auto-replied')) return true;
  if (headerValue(headers, 'x-autoreply') !== undefined || headerValue(headers, 'x-autorespond') !== undefined)
    return true;
  if ((headerValue(headers, 'precedence') ?? '').toLowerCase() === 'auto_reply') return true;
  if (/^(oof|autoreply)/i.test(headerValue(headers, 'x-auto-response-suppress') ?? '') && AUTO_SUBJECT.test(subject))
    return true;
  return AUTO_SUBJECT.test(subject);
}

// An automatic answer that the mailbox itself is retired: its owner left, or the address is
// no longer read. Not a vacation: mail to it goes nowhere, so it counts like a suspended
// mailbox ("This email inbox is no longer in use", "X has left the company").
// ("This mailbox is not monitored", the no-reply address's usual answer, is not one.)
const RETIRED_MAILBOX = new RegExp(
  [
    seq(
      /(address|account|inbox|mailbox|e-?mail)\b.{0,60}\bis no longer /,
      /(in use|active|valid|monitored|available|being (monitored|used|read|checked))/,
    ),
    seq(
      /\bno longer (with|employed (at|by)|works? (at|for)|part of) (the|our|this|[a-z]+ )?/,
      /(company|organi[sz]ation|firm|team|office|school|university|[a-z]+)/,
    ),
    /\b(has|have) left (the|our) (company|organi[sz]ation|firm|school|university|business)/,
    /nicht mehr (aktiv|gültig|in (benutzung|gebrauch|betrieb))/,
    /nicht mehr (im|in unserem|bei) (unternehmen|haus|firma)/,
    /hat (das unternehmen|unser unternehmen|die firma) verlassen/,
    /n'est plus (active|valide|utilis[ée]e|consult[ée]e|en service|lue)/,
    /a quitt[ée] (la soci[ée]t[ée]|l'entreprise|notre)|ne fait plus partie/,
    /ya no (est[áa]|es|se encuentra) (activ[ao]|v[áa]lid[ao]|en uso|disponible)/,
    /ya no (trabaja|forma parte)|dej[óo] (la|nuestra) (empresa|compa[ñn][íi]a)/,
    /n[ãa]o (est[áa]|[ée]) mais (ativ[ao]|utilizad[ao]|em uso|v[áa]lid[ao])/,
    /n[ãa]o faz mais parte|deixou a (empresa|companhia)/,
    /non [èe] pi[ùu] (attiv[ao]|in uso|valid[ao]|utilizzat[ao])|non fa pi[ùu] parte/,
    /ha lasciato (l'azienda|la societ[àa])/,
    /niet (meer|langer) in (gebruik|dienst)|is niet meer werkzaam/,
  ]
    .map((r) => r.source)
    .join('|'),
  'i',
);

// What an automatic answer says of its own when nothing marks it (no Auto-Submitted, a
// subject of "Re: …"): the person is away, or the answer calls itself automatic.
const AUTOMATIC_WORDS = anyOf(
  /\bauto(matic|mated)?[ -]?(reply|response|answer)\b|\bout of (the )?office\b/i,
  /\b(i am|i'm|i will be|i shall be) (currently |now )?(away|on (vacation|holiday|leave))\b/i,
  /\b(i am|i'm|i will be) (currently |now )?on (annual|parental|maternity|paternity|sick|medical) leave\b/i,
  /\blimited access to (my )?e-?mail\b/i,
  // A help desk's or a shop's acknowledgement: the message arrived and waits for a person.
  seq(
    /\byour (request|ticket|case|inquiry|enquiry|message|e-?mail) (\(?#?[\w-]+\)? )?/i,
    /has been (received|logged|created|opened)\b/i,
  ),
  /\b(we|i) (have|has) received your (e-?mail|message|request|inquiry|enquiry)\b/i,
  /\bthis is an automated (message|response|reply|acknowledge?ment)\b/i,
);
/** Longer than this, a text is a person writing, or a bounce quoting one. */
const AUTOMATIC_ANSWER_CHARS = 3000;

/** An answer without the marks of one whose short words say it is automatic, or the mailbox retired. */
export function soundsAutomatic(text: string): boolean {
  if (text.length > AUTOMATIC_ANSWER_CHARS) return false;
  return AUTOMATIC_WORDS.test(text) || mailboxRetired(text);
}

export function mailboxRetired(text: string): boolean {
  return RETIRED_MAILBOX.test(text.replace(/\s+/g, ' '));
}
