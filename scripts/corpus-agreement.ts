// Agreement of the decoder with a corpus's expected.jsonl (Sisimai's expectations, see
// shared/corpus/sisimai/README.md): recipient recall and precision (recipients we report
// that are not expected: a false one would quarantine an address that never failed), and
// reason, hard and status agreement over all expected results (a recipient not found
// counts against each). Statuses Sisimai
// invented ("status_pseudo") are not compared. Message-ID agreement: the returned message's
// Message-ID (what the correlator matches on), over the files that expect one. Used by
// `npm run eval` and by the floor test.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { filesUnder } from '../src/commands/parse.ts';
import { decodeFile } from '../src/parse/mbox.ts';
import { messageIdOf } from '../src/parse/original.ts';

interface Expected {
  recipient: string;
  reason: string;
  hardbounce: boolean;
  status: string;
  status_pseudo?: boolean;
  messageid?: string;
  source?: { file_match?: string; cross_check?: string[] };
}

export interface Agreement {
  results: number;
  recall: number;
  /** Share of the recipients we report that are expected. */
  precision: number;
  reason: number;
  hard: number;
  status: number;
  /** Share of the files expecting a Message-ID whose returned message we read it from. */
  messageId: number;
  /**
   * The same measures over the firm expectations only: the corpus README asks to treat as
   * soft those Sisimai changed its mind on ("differs" in cross_check), and a table entry
   * written for another file of the same name ("name-only") may not describe this one.
   */
  firm: { results: number; recall: number; reason: number; hard: number };
  /**
   * The measures over the expectations a decoder can derive: the expected recipient is
   * written, whole, in its own file (a few expect an address the message never names, as
   * Sisimai rewrote, cut or invented it; no decoder can find those). Precision here is over
   * the files whose expected recipients are all derivable.
   */
  derivable: { results: number; recall: number; precision: number; reason: number; hard: number; status: number };
  /** One line per disagreement: "file  address: what differs". */
  misses: string[];
  /** "expected -> decoded" reason pairs and how often. */
  confusions: Map<string, number>;
}

/**
 * Whether a text names an address whole: "0000@x.example" is not written in "00000@x.example",
 * nor "a@exampl" in "a@example.com".
 */
function writtenIn(text: string, address: string): boolean {
  for (let at = text.indexOf(address); at !== -1; at = text.indexOf(address, at + 1)) {
    const before = text[at - 1] ?? ' ';
    const after = text[at + address.length] ?? ' ';
    if (!/[a-z0-9._%+=-]/.test(before) && !/[a-z0-9-]/.test(after)) return true;
  }
  return false;
}

export function measureAgreement(corpusDir: string): Agreement {
  const facts = new Map<string, Map<string, { reason: string; type: string; status: string | null }>>();
  const messageIds = new Map<string, string | null>();
  const expectedAddresses = new Map<string, Set<string>>();
  const texts = new Map<string, string>();
  for (const file of filesUnder(join(corpusDir, 'maildir'))) {
    const raw = readFileSync(file);
    texts.set(basename(file), raw.toString('latin1').toLowerCase());
    const report = decodeFile(raw);
    facts.set(basename(file), new Map(report.recipients.map((r) => [r.address.toLowerCase(), r])));
    messageIds.set(basename(file), messageIdOf(report.original));
  }
  let n = 0,
    found = 0,
    reason = 0,
    hard = 0,
    statusN = 0,
    status = 0,
    idN = 0,
    id = 0;
  const firm = { results: 0, found: 0, reason: 0, hard: 0 };
  const derivable = { results: 0, found: 0, reason: 0, hard: 0, statusN: 0, status: 0 };
  const misses: string[] = [];
  const confusions = new Map<string, number>();
  for (const line of readFileSync(join(corpusDir, 'expected.jsonl'), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const e = JSON.parse(line) as Expected & { file: string; results?: Expected[] };
    const mine = facts.get(basename(e.file)) ?? new Map();
    if (e.messageid) {
      idN++;
      const got = messageIds.get(basename(e.file));
      if (got === e.messageid) id++;
      else misses.push(`${e.file}  Message-ID ${e.messageid} != ${got}`);
    }
    const isFirm =
      e.source?.file_match !== 'name-only' && !(e.source?.cross_check ?? []).some((c) => c.includes('differs'));
    for (const want of e.results ?? [e]) {
      n++;
      if (isFirm) firm.results++;
      const canDerive = writtenIn(texts.get(basename(e.file)) ?? '', want.recipient.toLowerCase());
      if (canDerive) derivable.results++;
      expectedAddresses.set(
        basename(e.file),
        (expectedAddresses.get(basename(e.file)) ?? new Set()).add(want.recipient.toLowerCase()),
      );
      const got = mine.get(want.recipient.toLowerCase());
      const differs: string[] = [];
      if (!got) differs.push('recipient not found');
      else {
        found++;
        if (canDerive) {
          derivable.found++;
          if (got.reason === want.reason) derivable.reason++;
          if ((got.type === 'hard') === want.hardbounce) derivable.hard++;
          if (want.status && !want.status_pseudo) {
            derivable.statusN++;
            if (got.status === want.status) derivable.status++;
          }
        }
        if (isFirm) {
          firm.found++;
          if (got.reason === want.reason) firm.reason++;
          if ((got.type === 'hard') === want.hardbounce) firm.hard++;
        }
        if (got.reason === want.reason) reason++;
        else {
          differs.push(`reason ${want.reason} != ${got.reason}`);
          const key = `${want.reason} -> ${got.reason}`;
          confusions.set(key, (confusions.get(key) ?? 0) + 1);
        }
        if ((got.type === 'hard') === want.hardbounce) hard++;
        else differs.push(`hard ${want.hardbounce} != ${got.type}`);
        if (want.status && !want.status_pseudo) {
          statusN++;
          if (got.status === want.status) status++;
          else differs.push(`status ${want.status} != ${got.status}`);
        }
      }
      if (differs.length) misses.push(`${e.file}  ${want.recipient}: ${differs.join('; ')}`);
    }
  }
  // Precision over the files with expectations: every reported recipient not found above is extra.
  // Derivable precision: over the files whose every expected recipient is written in them
  // (where one is not, what we report cannot be judged against it).
  let reported = 0;
  const judged = { reported: 0, expected: 0 };
  for (const [file, expected] of expectedAddresses) {
    const mine = facts.get(file) ?? new Map();
    reported += mine.size;
    const canJudge = [...expected].every((address) => writtenIn(texts.get(file) ?? '', address));
    if (canJudge) judged.reported += mine.size;
    for (const address of mine.keys())
      if (!expected.has(address)) misses.push(`${file}  ${address}: reported, not expected`);
      else if (canJudge) judged.expected++;
  }
  return {
    results: n,
    recall: found / n,
    precision: reported ? found / reported : 1,
    reason: reason / n,
    hard: hard / n,
    status: statusN ? status / statusN : 1,
    messageId: idN ? id / idN : 1,
    firm: {
      results: firm.results,
      recall: firm.found / firm.results,
      reason: firm.reason / firm.results,
      hard: firm.hard / firm.results,
    },
    derivable: {
      results: derivable.results,
      recall: derivable.found / derivable.results,
      precision: judged.reported ? judged.expected / judged.reported : 1,
      reason: derivable.reason / derivable.results,
      hard: derivable.hard / derivable.results,
      status: derivable.statusN ? derivable.status / derivable.statusN : 1,
    },
    misses,
    confusions,
  };
}
