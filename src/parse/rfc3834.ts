// RFC 3834 automatic responses (vacation, out of office). Auto-Submitted: auto-replied is
// the standard mark; the others are what Exchange, Gmail and common vacation programs add.
import { headerValue, type Header } from './mime.ts';

const AUTO_SUBJECT = /^\s*(auto(matic)?[ -]?(reply|response|respons|antwort|answer)|out of (the )?office|vacation|away from|on vacation|i am away|abwesen|absence|r[ée]ponse automatique|respuesta autom[aá]tica|risposta automatica|自動応答|自動返信|自动回复|autoreply|ooo\b)/i;

export function isAutoReply(headers: Header[], subject: string): boolean {
  const auto = headerValue(headers, 'auto-submitted')?.toLowerCase() ?? '';
  if (auto.startsWith('auto-replied')) return true;
  if (headerValue(headers, 'x-autoreply') !== undefined || headerValue(headers, 'x-autorespond') !== undefined) return true;
  if ((headerValue(headers, 'precedence') ?? '').toLowerCase() === 'auto_reply') return true;
  if (/^(oof|autoreply)/i.test(headerValue(headers, 'x-auto-response-suppress') ?? '') && AUTO_SUBJECT.test(subject)) return true;
  return AUTO_SUBJECT.test(subject);
}
