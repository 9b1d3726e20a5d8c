// Mailing-list software (fml, ezmlm, Mailman, Sympa) answering a post it refuses: "You are
// not a member of this mailing list <list@…>", "Duplicated Message-ID in <list@…>". The
// list's address is the recipient that failed; its words say why.
import { anyOf } from '../classify/patterns.ts';
import { headerValue, type MimePart } from './mime.ts';
import type { RecipientEvidence } from './report.ts';

const LIST_HEADERS = [
  'x-mlserver',
  'x-ml-name',
  'mailing-list',
  'list-id',
  'x-mailman-version',
  'x-list-administrivia',
  'x-sympa-to',
];
const REFUSAL = anyOf(
  /not (a )?member of|non-?member|not allowed to post|members-only/i,
  /only (list )?members (can|may) post|duplicated message-id|loop alert/i,
  /post(ing)? .{0,30}(rejected|refused|denied|not allowed)/i,
);

/** The refused list address, with the robot's words, when this is a list robot's refusal. */
export function readListRefusal(
  headers: MimePart['headers'],
  notice: string,
  exclude: Set<string>,
): RecipientEvidence[] {
  if (!LIST_HEADERS.some((h) => headerValue(headers, h) !== undefined)) return [];
  const said = REFUSAL.exec(notice);
  if (!said) return [];
  // The list named in the notice, else in List-Post ("<mailto:team@lists.example.org>").
  // (The dot in the domain is checked after the match: inside the pattern, a long dotted run
  // without ">" would be split at every dot.)
  const named = [...notice.matchAll(/<([^<>\s@]+@[^<>\s@]+)>/g)]
    .map((m) => m[1]!)
    .find((a) => /@[^.]+\.[^.]/.test(a) && !exclude.has(a.toLowerCase()));
  const address = named ?? /mailto:([^<>\s@?]+@[^<>\s@?]+)/i.exec(headerValue(headers, 'list-post') ?? '')?.[1];
  if (!address) return [];
  // The sentence that refuses: from the line it is on to the end of its paragraph.
  const start = notice.lastIndexOf('\n', said.index) + 1;
  const end = notice.indexOf('\n\n', said.index);
  const diagnostic = notice
    .slice(start, end < 0 ? undefined : end)
    .replace(/\s+/g, ' ')
    .trim();
  return [
    {
      address,
      role: 'list-address',
      action: 'failed',
      status: null,
      replyCode: null,
      diagnosticCode: diagnostic,
      remoteMta: null,
      command: null,
      context: notice,
    },
  ];
}
