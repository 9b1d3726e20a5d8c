// `npm run eval -- ../shared/corpus/sisimai [--misses]`: decodes every message of a
// corpus (maildir/ under it) and compares with its expected.jsonl: recipient recall,
// reason, hard and status agreement (statuses Sisimai invented, "status_pseudo", are not
// compared). --misses lists every disagreement; the most common confusions are always shown.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { filesUnder } from '../src/commands/parse.ts';
import { decodeFile } from '../src/parse/mbox.ts';

interface Expected {
  recipient: string;
  reason: string;
  hardbounce: boolean;
  status: string;
  status_pseudo?: boolean;
}

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: npm run eval -- CORPUS_DIR [--misses]   (a folder with expected.jsonl and maildir/)');
  process.exit(2);
}
const showMisses = args.includes('--misses');

const facts = new Map<string, Map<string, { reason: string; type: string; status: string | null }>>();
for (const file of filesUnder(join(dir, 'maildir'))) {
  const report = decodeFile(readFileSync(file));
  facts.set(basename(file), new Map(report.recipients.map((r) => [r.address.toLowerCase(), r])));
}

let n = 0, found = 0, reason = 0, hard = 0, statusN = 0, status = 0;
const confusions = new Map<string, number>();
for (const line of readFileSync(join(dir, 'expected.jsonl'), 'utf8').split('\n')) {
  if (!line.trim()) continue;
  const e = JSON.parse(line) as Expected & { file: string; results?: Expected[] };
  const mine = facts.get(basename(e.file)) ?? new Map();
  for (const want of e.results ?? [e]) {
    n++;
    const got = mine.get(want.recipient.toLowerCase());
    const misses: string[] = [];
    if (!got) misses.push('recipient not found');
    else {
      found++;
      if (got.reason === want.reason) reason++;
      else {
        misses.push(`reason ${want.reason} != ${got.reason}`);
        const key = `${want.reason} -> ${got.reason}`;
        confusions.set(key, (confusions.get(key) ?? 0) + 1);
      }
      if ((got.type === 'hard') === want.hardbounce) hard++;
      else misses.push(`hard ${want.hardbounce} != ${got.type}`);
      if (want.status && !want.status_pseudo) {
        statusN++;
        if (got.status === want.status) status++;
        else misses.push(`status ${want.status} != ${got.status}`);
      }
    }
    if (showMisses && misses.length) console.log(`${e.file}  ${want.recipient}: ${misses.join('; ')}`);
  }
}
const ratio = (a: number, b: number) => (b ? (a / b).toFixed(4) : 'n/a');
console.log(`results ${n}  recipient_recall ${ratio(found, n)}  reason_agreement ${ratio(reason, n)}  hard_agreement ${ratio(hard, n)}  status_agreement ${ratio(status, statusN)}`);
const top = [...confusions].sort((a, b) => b[1] - a[1]).slice(0, 10);
console.log(`most common reason confusions (expected -> decoded): ${top.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
