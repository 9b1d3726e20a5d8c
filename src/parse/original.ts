// The returned copy of the sent message: the headers the correlator needs.
import { decodeWords, type Header, headerValue, splitHeaders } from './mime.ts';
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
  const useful = original.messageId || original.from || original.to || original.subject || Object.keys(xHeaders).length;
  return useful ? original : null;
}

/** Quoted text: skip blank lines and "> " quoting, then read a header block. */
export function originalFromText(text: string): OriginalMessage | null {
  const unquoted = text.replace(/^\s*\n/, '').replace(/^> ?/gm, '');
  const start = unquoted.search(/^[A-Za-z][A-Za-z0-9-]*:/m);
  if (start < 0) return null;
  return originalFromHeaders(splitHeaders(refold(unquoted.slice(start))).headers);
}

/**
 * A copy pasted into a notice often loses the indent of folded lines ("Received: from x (via"
 * then "HTTP); Sat, 29 Nov 2014"): up to the first blank line, a line that starts no field
 * continues the one above.
 */
function refold(block: string): string {
  const end = block.search(/\n[ \t]*\n/);
  const head = end < 0 ? block : block.slice(0, end);
  const mended = head.replace(/\n(?![ \t]|[A-Za-z][A-Za-z0-9-]*:)/g, '\n ');
  return end < 0 ? mended : mended + block.slice(end);
}

/** "<abc@example.com>" -> "abc@example.com"; null when there is none. */
export function messageIdOf(original: OriginalMessage | null): string | null {
  const id = original?.messageId;
  if (!id) return null;
  const m = /<([^<>]+)>/.exec(id);
  return (m?.[1] ?? id).trim() || null;
}
