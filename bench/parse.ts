// `npm run bench:parse`: decodes the whole shared corpus repeatedly in one process and
// prints messages/s (median of runs), next to mailparser's simpleParser over the same
// messages in the same run (a full MIME parse, the cost a decoder built on it starts from).
// Then one 15 MB bounce with a big attachment, to show attachments are not decoded.
// The decoder runs as in production: the compiled build (built first), as mailparser runs
// its own JavaScript; through tsx it would be measured with the transpiler's additions.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import type { decode as decodeType } from '../src/parse/index.ts';
import { CORPUS_DIR, corpusFiles } from '../test/support/corpus.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const build = spawnSync(process.execPath, ['--import', 'tsx', here('../scripts/build.ts')], { stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');
const { decode } = (await import(here('../dist/parse/index.js'))) as { decode: typeof decodeType };

const RUNS = Number(process.env.RUNS ?? 7);
const WARM_UP = 5;
const messages = corpusFiles().map((f) => readFileSync(CORPUS_DIR + f));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function rate(run: () => Promise<void> | void): Promise<number> {
  const started = process.hrtime.bigint();
  await run();
  return messages.length / (Number(process.hrtime.bigint() - started) / 1e9);
}

let sink = 0;
const ours = async () => {
  for (const m of messages) sink += decode(m).recipients.length;
};
const baseline = async () => {
  for (const m of messages)
    sink += (await simpleParser(m, { skipImageLinks: true, skipTextToHtml: true })).attachments.length;
};

// Warm-up: the first passes run while V8 compiles (ours: about a thousand rule patterns,
// each compiled when first tried); a server decodes for hours, so the steady state is compared.
for (let i = 0; i < WARM_UP; i++) {
  await ours();
  await baseline();
}
const oursRuns: number[] = [];
const baseRuns: number[] = [];
for (let i = 0; i < RUNS; i++) {
  oursRuns.push(await rate(ours));
  baseRuns.push(await rate(baseline));
}
const o = median(oursRuns);
const b = median(baseRuns);
console.log(`bench:parse  ${messages.length} corpus messages × ${RUNS} runs, medians`);
console.log(`bounced decode         ${o.toFixed(0).padStart(7)} messages/s  (${(1000 / o).toFixed(3)} ms/message)`);
console.log(`mailparser simpleParser ${b.toFixed(0).padStart(6)} messages/s  (${(1000 / b).toFixed(3)} ms/message)`);
console.log(`ratio decode/simpleParser: ${(o / b).toFixed(1)}x`);

// A DSN that carries the whole original back, with a 15 MB base64 attachment.
const dsn = readFileSync(`${CORPUS_DIR}lhost-postfix-01.eml`, 'latin1');
const attachment = Buffer.alloc(11 * 1024 * 1024, 7)
  .toString('base64')
  .replace(/.{76}/g, '$&\n');
const big = Buffer.from(
  `${dsn}\n--big-boundary\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: ` +
    `base64\n\n${attachment}\n--big-boundary--\n`,
  'latin1',
);
const times: number[] = [];
for (let i = 0; i < 5; i++) {
  const started = process.hrtime.bigint();
  sink += decode(big).recipients.length;
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
}
console.log(
  `one ${(big.length / 1024 / 1024).toFixed(1)} MB bounce with an attachment: ` +
    `${median(times).toFixed(1)} ms (median of 5)`,
);
if (sink < 0) console.log(sink);
