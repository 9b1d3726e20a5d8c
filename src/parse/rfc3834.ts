// RFC 3834 automatic responses (vacation, out of office). Auto-Submitted: auto-replied is
// the standard mark; the others are what Exchange, Gmail and common vacation programs add,
// and the subjects Outlook gives them in its languages.
import { headerValue, type Header } from './mime.ts';

const AUTO_SUBJECT = /^\s*(auto(matic)?[ -]?(reply|response|respons|antwort|answer)|out of (the )?office|vacation|away from|on vacation|i am away|abwesen|absence|r[ée]ponse automatique|respuesta autom[aá]tica|risposta automatica|resposta autom[aá]tica|automatische antwort|automatisch antwoord|automatisk svar|automaattinen vastaus|odpowied[źz] automatyczna|automatick[áa] odpov[ěe]d|автоматический ответ|автоответ|otomatik yan[ıi]t|자동 회신|自動回覆|自動応答|自動返信|自动回复|autoreply|ooo\b)/i;

export function isAutoReply(headers: Header[], subject: string): boolean {
  const auto = headerValue(headers, 'auto-submitted')?.toLowerCase() ?? '';
  if (auto.startsWith('auto-replied')) return true;
  if (headerValue(headers, 'x-autoreply') !== undefined || headerValue(headers, 'x-autorespond') !== undefined) return true;
  if ((headerValue(headers, 'precedence') ?? '').toLowerCase() === 'auto_reply') return true;
  if (/^(oof|autoreply)/i.test(headerValue(headers, 'x-auto-response-suppress') ?? '') && AUTO_SUBJECT.test(subject)) return true;
  return AUTO_SUBJECT.test(subject);
}
