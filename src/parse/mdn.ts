// Message disposition notifications (RFC 8098, formerly RFC 3798): what happened to a
// message after its delivery. Most say it was displayed (a read receipt): the message was
// delivered. One kind is a refusal: a Sieve `reject` (RFC 5429) or a mail filter answers
// with "Disposition: automatic-action/MDN-sent-automatically; deleted", the recipient's own
// rule having refused the message, often with the rule's words in the human-readable part.
import { addressField, fieldsOf } from './rfc3464.ts';

export interface Disposition {
  /** Final-Recipient, else Original-Recipient: the recipient the notification speaks for. */
  recipient: string | null;
  /** Original-Message-ID, without the angle brackets. */
  originalMessageId: string | null;
  /** automatic-action or manual-action. */
  actionMode: string | null;
  /** displayed, deleted, dispatched, processed (and denied, failed from older drafts). */
  type: string | null;
  /** The user agent or MTA that reported: Reporting-UA. */
  reportingUa: string | null;
}

/** Reads the fields of a message/disposition-notification part. */
export function readDisposition(fieldsText: string): Disposition {
  // One notification, one recipient: its blocks read as one, the first of a field winning.
  const fields = new Map(
    fieldsOf(fieldsText.replace(/\r/g, ''))
      .reverse()
      .flatMap((block) => [...block]),
  );
  // "automatic-action/MDN-sent-automatically; deleted/error" (modifiers after the slash).
  const disposition = /^\s*([a-z-]+)\s*\/[^;]*;\s*([a-z-]+)/i.exec(fields.get('disposition') ?? '');
  const messageId = fields.get('original-message-id')?.replace(/^\s*<|>\s*$/g, '') || null;
  return {
    recipient: addressField(fields.get('final-recipient')) ?? addressField(fields.get('original-recipient')),
    originalMessageId: messageId,
    actionMode: disposition?.[1]?.toLowerCase() ?? null,
    type: disposition?.[2]?.toLowerCase() ?? null,
    reportingUa: fields.get('reporting-ua')?.split(';')[0]?.trim() || null,
  };
}

/** A disposition that says the recipient's side refused the message, unread. */
export function isRefusal(d: Disposition): boolean {
  return d.actionMode === 'automatic-action' && (d.type === 'deleted' || d.type === 'denied' || d.type === 'failed');
}
