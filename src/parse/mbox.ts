// A file may hold several messages in mbox form ("From " lines between them): archives of
// bounces that operators feed to `bounced parse`. Each message is decoded on its own; the
// file's line reports all their recipients.

import type { RuleSet } from '../classify/index.ts';
import { decode, type Report } from './index.ts';

/** The messages of an mbox file; any other file is one message. */
export function splitMbox(raw: Buffer): Buffer[] {
  if (raw.subarray(0, 5).toString('latin1') !== 'From ') return [raw];
  const text = raw.toString('latin1');
  const starts = [0];
  // A "From " line after a blank line starts the next message (mboxrd/mboxo quote body
  // lines starting with "From " as ">From ").
  for (const m of text.matchAll(/\n\r?\n(From [^\n]*\n)(?=[\x21-\x39\x3b-\x7e]+:)/g))
    starts.push(m.index! + m[0].length - m[1]!.length);
  return starts.map((start, i) => raw.subarray(start, starts[i + 1] ?? raw.length));
}

// Which kind names a file of several messages: the first in this order that occurs.
const KIND_ORDER: Report['kind'][] = ['bounce', 'delay', 'feedback', 'autoreply', 'delivered', 'other'];

/** Decodes every message of a file into one report: the recipients of all, in order. */
export function decodeFile(raw: Buffer, rules?: RuleSet): Report {
  const reports = splitMbox(raw).map((message) => decode(message, rules));
  if (reports.length === 1) return reports[0]!;
  const first = reports.find((r) => r.kind !== 'other') ?? reports[0]!;
  return {
    ...first,
    kind: KIND_ORDER.find((kind) => reports.some((r) => r.kind === kind))!,
    recipients: reports.flatMap((r) => r.recipients),
    problems: reports.flatMap((r) => r.problems),
  };
}
