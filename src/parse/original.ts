// The returned copy of the sent message: the headers the correlator needs.
import { decodeWords, type Header, headerValue, refold, splitHeaders } from './mime.ts';
import type { OriginalMessage } from './report.ts';

export function originalFromHeaders(headers: Header[]): OriginalMessage | null {
  if (headers.length === 0) return null;
  const get = (name: string) => {
    const v = headerValue(headers, name);
    return v === undefined ? null : decodeWords(v).trim() || null;
  };
  const xHeaders: Record<string, string> = {};
  for (const h of headers) if (h.name.startsWith('x-') && !(h.name in xHeaders)) xHeaders[h.name] = h.value;
  const original: OriginalMessage = {
    messageId: get('message-id'),
    from: get('from'),
    to: get('to'),
    subject: get('subject'),
    listId: get('list-id'),
    inReplyTo: get('in-reply-to'),
    references: get('references'),
    xHeaders,
  };
  if (!original.to?.includes('@')) original.tracedTo = tracedRecipient(headers);
  const useful = original.messageId || original.from || original.to || original.subject || Object.keys(xHeaders).length;
  return useful ? original : null;
}

/** The one address the trace fields name as the message's recipient, or null (none, or several). */
function tracedRecipient(headers: Header[]): string | null {
  const named = new Set<string>();
  for (const h of headers) {
    const address =
      h.name === 'received'
        ? /\bfor\s+<?([^\s<>;@]+@[^\s<>;]+?)>?\s*(?:;|$)/i.exec(h.value)?.[1]
        : h.name === 'delivered-to' || h.name === 'x-original-to'
          ? /<?([^\s<>@]+@[^\s<>]+?)>?\s*$/.exec(h.value.trim())?.[1]
          : undefined;
    if (address) named.add(address.toLowerCase());
  }
  return named.size === 1 ? [...named][0]! : null;
}

/** Quoted text: skip blank lines and "> " quoting, then read a header block. */
export function originalFromText(text: string): OriginalMessage | null {
  let rest = text.replace(/^\s*\n/, '').replace(/^> ?/gm, '');
  // A notice pasted whole into a text part (a bounce forwarded as text) keeps its MIME part
  // headers ("Content-Type: message/rfc822", a blank line): the message starts below them.
  for (let parts = 0; parts < 3; parts++) {
    const start = rest.search(/^[A-Za-z][A-Za-z0-9-]*:/m);
    if (start < 0) return null;
    const { headers, body } = splitHeaders(refold(rest.slice(start)));
    if (headers.length === 0 || !headers.every((h) => h.name.startsWith('content-')))
      return originalFromHeaders(headers);
    rest = body;
  }
  return null;
}

/** "<abc@example.com>" -> "abc@example.com"; null when there is none. */
export function messageIdOf(original: OriginalMessage | null): string | null {
  const id = original?.messageId;
  if (!id) return null;
  const m = /<([^<>]+)>/.exec(id);
  return (m?.[1] ?? id).trim() || null;
}
