// Home-made bounce texts (Postfix, Exim, qmail, Sendmail, Exchange, Domino, ESPs, …) share
// a shape even when their words differ: a recipient address on a line, then the error for
// it on the same and the following lines, up to a blank line or the next recipient. This
// reader finds that shape rather than one format per MTA, so that it also reads MTAs it
// has never seen. The returned copy of the message is cut off first, so that addresses in
// it are not taken for failed recipients.
import { findReplyCode, findStatus } from '../classify/index.ts';
import type { RecipientEvidence } from './report.ts';

const ADDRESS = /[A-Za-z0-9._%+\-=/'!#$&*?^{|}~\u0080-\uffff]+@(?:[A-Za-z0-9\u0080-\uffff](?:[A-Za-z0-9\-\u0080-\uffff]*[A-Za-z0-9\u0080-\uffff])?\.)+[A-Za-z\u0080-\uffff]{2,}/g;

// Lines that start the returned copy of the message in text bounces.
const ORIGINAL_STARTS = [
  /^\s*-{2,}.{0,20}(original|returned|undelivered|unsent|below this line|copy of|headers? of|forwarded|message headers|rfc ?822)/i,
  /^\s*={3,}.{0,20}(original|returned|copy of|headers)/i,
  /^\s*(original message follows|the original message (was|is|headers)|this is a copy of|a copy of the (original )?message|original message headers|below is a copy of|unsent message below|returned mail follows|message text follows|-+ ?original message ?-+)/i,
  /^\s*(content-type|content-description): (message\/rfc822|text\/rfc822-headers|undelivered message)/i,
];

const HEADER_LINE = /^(received|return-path|message-id|from|to|subject|date|mime-version|x-[a-z0-9-]+|content-type|dkim-signature|reply-to|delivered-to):/i;

/** Splits a text bounce into its own text and the returned original (if any). */
export function cutOriginal(text: string): { notice: string; original: string | null } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (ORIGINAL_STARTS.some((re) => re.test(lines[i]!))) {
      return { notice: lines.slice(0, i).join('\n'), original: lines.slice(i + 1).join('\n') };
    }
  }
  // No separator: a run of header lines after some text is where the copy starts.
  for (let i = 3; i < lines.length - 2; i++) {
    if (lines[i - 1]!.trim() === '' && HEADER_LINE.test(lines[i]!) && HEADER_LINE.test(lines[i + 1]!) && HEADER_LINE.test(lines[i + 2]!)) {
      return { notice: lines.slice(0, i).join('\n'), original: lines.slice(i).join('\n') };
    }
  }
  return { notice: text, original: null };
}

/** Local parts that are the reporting system, not a recipient. */
const SYSTEM_LOCAL_PARTS = /^(mailer-daemon|postmaster|mail-daemon|mailerdaemon|daemon|noreply|no-reply|nobody|root)$/i;

export interface TextBounceOptions {
  /** Addresses that are not recipients: the bounce's From, the original sender. */
  exclude: Set<string>;
}

export function readTextBounce(notice: string, opts: TextBounceOptions): RecipientEvidence[] {
  const lines = notice.split('\n');
  const hits: Array<{ line: number; address: string }> = [];
  const seen = new Set<string>();
  lines.forEach((line, i) => {
    for (const m of line.matchAll(ADDRESS)) {
      const address = m[0].replace(/^[.'=]+|[.'=]+$/g, '');
      const key = address.toLowerCase();
      const local = key.slice(0, key.indexOf('@'));
      if (opts.exclude.has(key) || SYSTEM_LOCAL_PARTS.test(local)) continue;
      if (/^(message-id|in-reply-to|references):/i.test(line.trim())) continue;
      if (seen.has(key)) continue;
      seen.add(key);
      hits.push({ line: i, address });
    }
  });
  return hits.map((hit, n) => {
    const next = hits.slice(n + 1).find((h) => h.line > hit.line)?.line ?? lines.length;
    const block: string[] = [];
    for (let i = hit.line; i < Math.min(next, hit.line + 12); i++) {
      if (i > hit.line && lines[i]!.trim() === '' && block.join(' ').replace(ADDRESS, '').trim().length > 8) break;
      block.push(lines[i]!);
    }
    // The error often stands on the line before an address given alone ("... failed:\n  addr").
    const alone = block.join(' ').replace(ADDRESS, '').replace(/[\s<>:;,."'()[\]]/g, '').length === 0;
    if (alone) {
      const after = lines.slice(hit.line + 1, next).filter((l) => l.trim()).slice(0, 8);
      block.push(...after);
    }
    const diagnostic = block.join(' ').replace(/\s+/g, ' ').trim();
    const remote = /(?:host|server|mx)\s+([A-Za-z0-9.-]+\.[A-Za-z]{2,})\s*\[/i.exec(diagnostic) ?? /remote host\s+([0-9A-Za-z.:-]+)/i.exec(diagnostic);
    const command = /\b(?:in reply to|after|response to|for)\s+(RCPT TO|MAIL FROM|DATA|end of data|RCPT|MAIL|HELO|EHLO)\b/i.exec(diagnostic);
    return {
      address: hit.address,
      action: 'failed',
      status: findStatus(diagnostic),
      replyCode: findReplyCode(diagnostic),
      diagnosticCode: diagnostic,
      remoteMta: remote?.[1] ?? null,
      command: command?.[1]?.toUpperCase() ?? null,
      context: notice,
    } satisfies RecipientEvidence;
  });
}
