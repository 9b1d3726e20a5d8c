// A small MIME reader that reads only what a bounce decoder needs: headers, the tree of
// parts, and the text of the parts it asks for. Bodies are kept as byte offsets into the
// message and decoded on demand, so an attachment that nobody reads costs nothing.
// Pure: a string in (the raw bytes as latin1, one char per byte), records out; never throws.

export interface Header {
  /** Lower-case field name. */
  name: string;
  /** Unfolded raw value (encoded words left as they are). */
  value: string;
}

export interface MimePart {
  headers: Header[];
  /** Lower-case media type, e.g. 'multipart/report'; 'text/plain' when missing. */
  type: string;
  params: Record<string, string>;
  /** The body, still transfer-encoded (latin1 string, line ends normalised to LF). */
  body: string;
  parts: MimePart[];
}

const MAX_DEPTH = 12;
const MAX_PARTS = 500;

/** Bytes to the latin1 string the reader works on; CRLF and lone CR become LF. */
export function toText(raw: Buffer): string {
  const text = raw.toString('latin1');
  // Most messages have no lone CR: a plain CRLF replace (or none) saves a regex pass.
  if (!text.includes('\r')) return text;
  const lf = text.replaceAll('\r\n', '\n');
  return lf.includes('\r') ? lf.replace(/\r/g, '\n') : lf;
}

/**
 * What exporters, mail clients and some MTAs put before the first header: a UTF-8 byte-order
 * mark (read here byte by byte) and blank or whitespace-only lines. Left in place, they end
 * the header block before it starts, and an ARF report reads as a message without headers.
 */
const BEFORE_HEADERS = /^(?:\u00ef\u00bb\u00bf|\ufeff)?(?:[ \t]*\r?\n)*/;

export function parseMessage(text: string): MimePart {
  let start = BEFORE_HEADERS.exec(text)![0].length;
  // An mbox "From " line before the headers is not a header.
  if (text.startsWith('From ', start)) start = text.indexOf('\n', start) + 1 || text.length;
  const counter = { parts: 0 };
  return parseEntity(text.slice(start), 0, counter);
}

function parseEntity(text: string, depth: number, counter: { parts: number }): MimePart {
  counter.parts++;
  const { headers, body } = splitHeaders(text);
  const ct = parseContentType(headerValue(headers, 'content-type'));
  const part: MimePart = { headers, type: ct.type, params: ct.params, body, parts: [] };
  if (depth >= MAX_DEPTH || counter.parts > MAX_PARTS) return part;
  if (ct.type.startsWith('multipart/')) {
    // A boundary that never occurs in the body (seen in the wild) is replaced by the first
    // "--xxx" line of the body.
    let boundary = ct.params.boundary;
    if (!boundary || !body.includes(`--${boundary}`)) boundary = guessBoundary(body);
    if (boundary) part.parts = splitMultipart(body, boundary).map((p) => parseEntity(p, depth + 1, counter));
  } else if (isEmbeddedMessage(ct.type)) {
    const inner = decodeTransfer(body, headerValue(headers, 'content-transfer-encoding')).replace(/^\s*\n/, '');
    part.parts = [parseEntity(refold(unindented(inner)), depth + 1, counter)];
  }
  return part;
}

/**
 * A copy pasted into a notice, or returned by a careless MTA, often loses the indent of
 * folded lines ("Received: from x (via" then "HTTP); Sat, 29 Nov 2014"): up to the first
 * blank line, a line that starts no field continues the one above.
 */
export function refold(block: string): string {
  const end = block.search(/\n[ \t]*\n/);
  const head = end < 0 ? block : block.slice(0, end);
  const mended = head.replace(/\n(?![ \t]|[A-Za-z][A-Za-z0-9-]*:)/g, '\n ');
  return end < 0 ? mended : mended + block.slice(end);
}

/**
 * A returned message whose every line is indented by one space (Zoho's text/rfc822 part:
 * " Received: …", " Message-ID: …"), as the message it was.
 */
function unindented(message: string): string {
  return /^ [\x21-\x39\x3b-\x7e]+:/.test(message) ? message.replace(/^ /gm, '') : message;
}

export function isEmbeddedMessage(type: string): boolean {
  return (
    type === 'message/rfc822' ||
    // Zoho's name for the returned message.
    type === 'text/rfc822' ||
    // A fragment (RFC 2046): the first one starts with the message's headers.
    type === 'message/partial' ||
    type === 'message/global' ||
    type === 'message/global-headers' ||
    type === 'text/rfc822-headers' ||
    type === 'message/rfc822-headers' ||
    type === 'text/rfc822-header'
  );
}

/** Headers end at the first empty line. Lines that are not headers end them too. */
export function splitHeaders(text: string): { headers: Header[]; body: string } {
  const headers: Header[] = [];
  let pos = 0;
  let current: Header | undefined;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = text.length;
    const line = text.slice(pos, end);
    if (line === '' || line.trim() === '') {
      pos = end + 1;
      break;
    }
    if ((line[0] === ' ' || line[0] === '\t') && current) {
      current.value += ` ${line.trim()}`;
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0 || !/^[\x21-\x39\x3b-\x7e]+$/.test(line.slice(0, colon).trimEnd())) {
        break; // not a header: the body starts here (a message without the blank line)
      }
      current = { name: line.slice(0, colon).trim().toLowerCase(), value: line.slice(colon + 1).trim() };
      headers.push(current);
    }
    pos = end + 1;
  }
  return { headers, body: text.slice(Math.min(pos, text.length)) };
}

export function headerValue(headers: Header[], name: string): string | undefined {
  for (const h of headers) if (h.name === name) return h.value;
  return undefined;
}

function parseContentType(value: string | undefined): { type: string; params: Record<string, string> } {
  if (!value) return { type: 'text/plain', params: {} };
  const [typePart, ...rest] = splitParams(value);
  // A lost semicolon ("text/plain\n  charset=…") leaves the first parameter after the type.
  const [typeWord = '', ...glued] = (typePart ?? '').trim().split(/\s+/);
  const type = typeWord.toLowerCase() || 'text/plain';
  const params: Record<string, string> = {};
  // RFC 2231: a value split in numbered sections ("boundary*0=…; boundary*1=…"), and sections
  // marked "*" percent-encoded, the first of them prefixed with its charset ("utf-8''%E2%80…").
  const sections = new Map<string, Array<{ n: number; value: string; encoded: boolean }>>();
  for (const p of [...glued, ...rest]) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    const m = /^([^*\s]+)(?:\*(\d+))?(\*)?$/.exec(p.slice(0, eq).trim().toLowerCase());
    if (!m) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') && v.length > 1 ? -1 : undefined).replace(/\\(.)/g, '$1');
    const [, name, n, star] = m;
    if (n === undefined && !star) params[name!] = v;
    else sections.set(name!, [...(sections.get(name!) ?? []), { n: Number(n ?? 0), value: v, encoded: Boolean(star) }]);
  }
  for (const [name, parts] of sections) params[name] = joinSections(parts.sort((a, b) => a.n - b.n));
  return { type: type.includes('/') ? type : 'text/plain', params };
}

/** An RFC 2231 parameter's sections, joined and decoded. */
function joinSections(parts: Array<{ n: number; value: string; encoded: boolean }>): string {
  let charset: string | undefined;
  const bytes = parts
    .map(({ value, encoded }, i) => {
      if (!encoded) return value;
      let v = value;
      if (i === 0) {
        const m = /^([^']*)'[^']*'(.*)$/.exec(v);
        if (m) [, charset, v] = m as unknown as [string, string, string];
      }
      return v.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    })
    .join('');
  return decodeCharset(bytes, charset || 'us-ascii');
}

function splitParams(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch === 34 /* " */) quoted = !quoted;
    else if (ch === 59 /* ; */ && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/** When the Content-Type lost its boundary, the first "--xxx" line of the body is it. */
function guessBoundary(body: string): string | undefined {
  const m = /^--([^\s-][^\s]{5,69})\s*$/m.exec(body);
  return m?.[1];
}

function splitMultipart(body: string, boundary: string): string[] {
  const delimiter = `--${boundary}`;
  const parts: string[] = [];
  let pos: number;
  if (body.startsWith(delimiter)) pos = 0;
  else {
    const at = body.indexOf(`\n${delimiter}`);
    if (at < 0) return [];
    pos = at + 1;
  }
  while (pos >= 0 && pos < body.length) {
    const lineEnd = body.indexOf('\n', pos);
    const marker = body.slice(pos + delimiter.length, lineEnd < 0 ? body.length : lineEnd);
    if (marker.startsWith('--')) break; // the closing delimiter
    const start = lineEnd < 0 ? body.length : lineEnd + 1;
    const next = body.indexOf(`\n${delimiter}`, start - 1);
    // A truncated message has no closing delimiter: the last part runs to the end.
    parts.push(body.slice(start, next < 0 ? body.length : next));
    pos = next < 0 ? -1 : next + 1;
  }
  return parts;
}

function decodeTransfer(body: string, encoding: string | undefined): string {
  const enc = (encoding ?? '').trim().toLowerCase();
  if (enc === 'base64')
    return Buffer.from(body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64')
      .toString('latin1')
      .replace(/\r\n?/g, '\n');
  if (enc === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

function decodeQuotedPrintable(body: string): string {
  return body
    .replace(/=\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

const decoders = new Map<string, TextDecoder | null>();

// windows-1252 0x80-0x9F (undefined positions keep their byte).
const CP1252 =
  '\u20ac\x81\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\x8d\u017d\x8f' + // 0x80-0x8F
  '\x90\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\x9d\u017e\u0178'; // 0x90-0x9F

function isUtf8(bytes: string): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(bytes, 'latin1'));
    return true;
  } catch {
    return false;
  }
}

/** latin1 bytes in `charset` to a JS string; unknown or broken charsets fall back. */
function decodeCharset(bytes: string, charset: string | undefined): string {
  if (!/[^\x00-\x7f]/.test(bytes) && !/\x1b\$/.test(bytes)) return bytes; // plain ASCII (ISO-2022-JP hides in ASCII)
  let name = (charset ?? 'utf-8').trim().toLowerCase();
  // ISO-2022-JP escapes in a part labelled otherwise, or not at all (a DSN's Diagnostic-Code
  // quoting a Japanese reply): the escapes name the charset.
  if (!name.startsWith('iso-2022') && /\x1b\$[@B]/.test(bytes) && !/[\x80-\xff]/.test(bytes)) name = 'iso-2022-jp';
  let decoder = decoders.get(name);
  if (decoder === undefined) {
    try {
      decoder = new TextDecoder(name, { fatal: false });
    } catch {
      decoder = null;
    }
    decoders.set(name, decoder);
  }
  // Node decodes windows-1252 (and the latin1 labels that mean it in practice) as plain
  // ISO-8859-1, leaving 0x80-0x9F as control characters: Exchange's curly quotes and
  // dashes live there.
  if (/^(windows-1252|cp1252|iso-8859-1|iso8859-1|latin1|l1)$/.test(name)) {
    if (isUtf8(bytes)) return Buffer.from(bytes, 'latin1').toString('utf8'); // mislabelled UTF-8
    return bytes.replace(/[\x80-\x9f]/g, (c) => CP1252[c.charCodeAt(0) - 0x80] ?? c);
  }
  const buf = Buffer.from(bytes, 'latin1');
  // 8-bit bytes under a 7-bit charset label (us-ascii, iso-2022-*) are mislabelled: they
  // are nearly always UTF-8 in practice.
  if (!decoder || (/^(us-ascii|ascii|iso-2022)/.test(name) && /[\x80-\xff]/.test(bytes))) return buf.toString('utf8');
  return decoder.decode(buf);
}

/** The text of a part: transfer encoding and charset undone. */
export function partText(part: MimePart): string {
  const decoded = decodeTransfer(part.body, headerValue(part.headers, 'content-transfer-encoding'));
  return decodeCharset(decoded, part.params.charset);
}

/** RFC 2047 encoded words, for Subject and the like. */
export function decodeWords(value: string): string {
  // Raw 8-bit header text (SMTPUTF8, or careless mailers) is UTF-8 more often than not.
  const raw = /[\x80-\xff]/.test(value) ? decodeCharset(value, 'utf-8') : value;
  return raw
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64').toString('latin1')
          : data
              .replace(/_/g, ' ')
              .replace(/=([0-9A-Fa-f]{2})/g, (__, h: string) => String.fromCharCode(parseInt(h, 16)));
      return decodeCharset(bytes, charset);
    });
}

/** Every part, depth first, the message itself first. */
export function* walk(part: MimePart): Generator<MimePart> {
  yield part;
  for (const p of part.parts) yield* walk(p);
}
