// Unsubscribe requests by mail: the mailto: of a List-Unsubscribe header (RFC 2369) is
// often on the bounce domain, and mail clients send there when the reader clicks
// "unsubscribe" (Gmail's "Unsubscribe" subject, Apple Mail's X-Apple-Unsubscribe). They
// are an opt-out from the reader, reported as feedback of type opt-out: whoever sent it
// must not be mailed again.
import { headerValue, type MimePart } from './mime.ts';

const UNSUBSCRIBE_SUBJECT = /^\s*(unsubscribe|opt[- ]?out|remove me)\b/i;

/** Whether this message asks to unsubscribe its sender. */
export function isUnsubscribeRequest(headers: MimePart['headers'], subject: string): boolean {
  if (/^\s*true\b/i.test(headerValue(headers, 'x-apple-unsubscribe') ?? '')) return true;
  return UNSUBSCRIBE_SUBJECT.test(subject);
}
