// ARF feedback reports (RFC 5965): a complaint about a message we sent, not a bounce.
// The complaining recipient is Original-Rcpt-To (or Removal-Recipient); providers that
// redact it leave us the To: of the returned original.
import type { FeedbackReport, OriginalMessage } from './report.ts';
import { addressField } from './rfc3464.ts';

export function readFeedback(
  fieldsText: string,
  original: OriginalMessage | null,
): { feedback: FeedbackReport; recipients: string[]; role: 'feedback-field' | 'original-to' } {
  const fields = new Map<string, string[]>();
  for (const line of fieldsText.replace(/\n[ \t]+/g, ' ').split('\n')) {
    const m = /^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    fields.set(name, [...(fields.get(name) ?? []), m[2]!.trim()]);
  }
  const one = (name: string) => fields.get(name)?.[0] ?? null;
  const listed = [...(fields.get('original-rcpt-to') ?? []), ...(fields.get('removal-recipient') ?? [])]
    .map((v) => addressField(v))
    .filter((a): a is string => a !== null);
  const fromOriginal = original?.to ? addressField(original.to) : null;
  const recipients = listed.length ? [...new Set(listed)] : fromOriginal ? [fromOriginal] : [];
  return {
    feedback: {
      type: (one('feedback-type') ?? 'other').toLowerCase(),
      userAgent: one('user-agent'),
      sourceIp: one('source-ip'),
      arrivalDate: one('arrival-date') ?? one('received-date'),
      reportedDomain: one('reported-domain'),
    },
    recipients,
    role: listed.length ? 'feedback-field' : 'original-to',
  };
}
