// `npm run eval -- ../shared/corpus/sisimai [--misses]`: decodes every message of a
// corpus (maildir/ under it, mbox files message by message) and compares with its
// expected.jsonl: recipient recall and precision, reason, hard and status agreement, and
// the returned message's Message-ID.
// --misses lists every disagreement; the most common confusions are always shown.
import { measureAgreement } from './corpus-agreement.ts';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: npm run eval -- CORPUS_DIR [--misses]   (a folder with expected.jsonl and maildir/)');
  process.exit(2);
}
const a = measureAgreement(dir);
if (args.includes('--misses')) for (const miss of a.misses) console.log(miss);
console.log(
  `results ${a.results}  recipient_recall ${a.recall.toFixed(4)}  recipient_precision ` +
    `${a.precision.toFixed(4)}  reason_agreement ${a.reason.toFixed(4)}  hard_agreement ` +
    `${a.hard.toFixed(4)}  status_agreement ${a.status.toFixed(4)}  messageid_agreement ${a.messageId.toFixed(4)}`,
);
console.log(
  `firm expectations (no name-only file match, no "differs" between Sisimai's versions): results ` +
    `${a.firm.results}  recipient_recall ${a.firm.recall.toFixed(4)}  reason_agreement ` +
    `${a.firm.reason.toFixed(4)}  hard_agreement ${a.firm.hard.toFixed(4)}`,
);
const d = a.derivable;
console.log(
  `derivable (the expected recipient is written in its file): results ${d.results}  recipient_recall ` +
    `${d.recall.toFixed(4)}  recipient_precision ${d.precision.toFixed(4)}  reason_agreement ` +
    `${d.reason.toFixed(4)}  hard_agreement ${d.hard.toFixed(4)}  status_agreement ${d.status.toFixed(4)}`,
);
const top = [...a.confusions].sort((x, y) => y[1] - x[1]).slice(0, 10);
console.log(`most common reason confusions (expected -> decoded): ${top.map(([k, v]) => `${k} ×${v}`).join(', ')}`);
