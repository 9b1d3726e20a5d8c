// The notice's words: which parts of a message are its human-readable notice, read as plain
// text (HTML reduced to its words). The returned message is not the notice, nor is a part
// attached as a file.
import { headerValue, isEmbeddedMessage, type MimePart, partText } from './mime.ts';

/** The first text part outside the returned message (where an MDN writes its words). */
export function firstText(root: MimePart): MimePart | undefined {
  const stack: MimePart[] = [root];
  while (stack.length) {
    const part = stack.shift()!;
    if (isEmbeddedMessage(part.type)) continue;
    if (
      part.type === 'text/plain' ||
      part.type === 'text/html' ||
      (part === root && !part.type.startsWith('multipart/'))
    )
      return part;
    // A multipart whose boundaries were lost is all text.
    if (part.type.startsWith('multipart/') && part.parts.length === 0) return part;
    stack.unshift(...part.parts);
  }
  return undefined;
}

/**
 * The notice's text: every text part outside the returned message, in order (some systems
 * explain in one part and give each recipient's error in the next; an empty or HTML part may
 * come first). Of alternatives, the plain text.
 */
export function noticeWords(root: MimePart): string {
  const parts: MimePart[] = [];
  const visit = (part: MimePart): void => {
    if (isEmbeddedMessage(part.type)) return;
    if (
      part.type === 'text/plain' ||
      part.type === 'text/html' ||
      (part === root && !part.type.startsWith('multipart/'))
    )
      parts.push(part);
    // A multipart whose boundaries were lost is all text.
    else if (part.type.startsWith('multipart/') && part.parts.length === 0) parts.push(part);
    else if (part.type === 'multipart/alternative') {
      const plain = part.parts.find((p) => p.type === 'text/plain' && partText(p).trim() !== '');
      if (plain) parts.push(plain);
      else part.parts.forEach(visit);
    } else part.parts.forEach(visit);
  };
  visit(root);
  // After the first, a part attached as a file (a log, the message as text) or of a size no
  // notice has is not the notice's words.
  const words = parts.filter(
    (p, i) =>
      i === 0 ||
      (!/^\s*attachment/i.test(headerValue(p.headers, 'content-disposition') ?? '') && p.body.length < 1 << 20),
  );
  const read = (some: MimePart[]) =>
    some
      .map(readable)
      .filter((text) => text.trim() !== '')
      .join('\n\n');
  // An HTML part beside plain ones says again what they say (alternatives sent as parts of
  // a mixed message): read only when no plain text says anything.
  return read(words.filter((p) => p.type !== 'text/html')) || read(words);
}

/** A part's text, an HTML part's as the words it shows. */
export function readable(part: MimePart | undefined): string {
  if (!part) return '';
  const text = partText(part);
  return part.type === 'text/html' ? htmlToText(text) : text;
}

function htmlToText(html: string): string {
  return withoutScripts(html)
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d)>/gi, '\n')
    .replace(/<[^<>]*>/g, ' ')
    .replace(/&(nbsp|lt|gt|quot|apos|amp|#\d{1,7}|#x[0-9a-f]{1,6});/gi, (_, name: string) => entity(name))
    .replace(/[ \t]+/g, ' ');
}

const NAMED_ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };

function entity(name: string): string {
  const lower = name.toLowerCase();
  if (lower[0] !== '#') return NAMED_ENTITIES[lower]!;
  const code = lower[1] === 'x' ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
}

/** The HTML without its <script> and <style> elements, in one pass (no regex backtracking). */
function withoutScripts(html: string): string {
  const lower = html.toLowerCase();
  const opening = /<(script|style)\b/g;
  let out = '';
  let at = 0;
  for (;;) {
    opening.lastIndex = at;
    const open = opening.exec(lower);
    if (!open) return out + html.slice(at);
    const start = open.index;
    const tag = open[1]!;
    const close = lower.indexOf(`</${tag}`, start);
    out += `${html.slice(at, start)} `;
    if (close < 0) return out;
    const end = lower.indexOf('>', close);
    at = end < 0 ? html.length : end + 1;
  }
}
