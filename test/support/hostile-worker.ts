// Runs in a worker thread, so that the test can stop it: a regular expression that
// backtracks catastrophically blocks its thread, and a test's own timeout cannot
// interrupt synchronous code. workerData says what to run ('rules' or 'decode'); posts
// 'done' when all of it has run.
import { parentPort, workerData } from 'node:worker_threads';
import { classify, findReplyCode, findStatus } from '../../src/classify/index.ts';
import { TEXT_RULES } from '../../src/classify/rules.ts';
import { decodeFile } from '../../src/parse/mbox.ts';

const n = 80_000;
// Runs that greedy parts of a pattern can split many ways: address chains, digits, tags,
// words, dotted numbers, letters, hyphenated labels.
const fillers = [
  'a@'.repeat(n / 2),
  '1'.repeat(n),
  '<a@b>'.repeat(n / 5),
  'x '.repeat(n / 2),
  '1.'.repeat(n / 2),
  'a'.repeat(n),
  'a-'.repeat(n / 2),
];

function rules(): void {
  // Every rule on long runs that its own example words lead into.
  for (const rule of TEXT_RULES) {
    const words = [
      ...new Set(
        rule.example
          .toLowerCase()
          .split(/\s+/)
          .filter((w) => w.length > 1),
      ),
    ];
    for (const filler of fillers) {
      rule.text!.test(filler);
      for (const word of words) rule.text!.test(`${word} ${filler}`);
    }
  }
  // And the whole classification on repetitive texts of the shapes bounces have.
  const texts = [
    ...fillers,
    'user '.repeat(40_000),
    `${'mailbox is '.repeat(20_000)}!`,
    '@'.repeat(100_000),
    `${'550 5.1.1 '.repeat(10_000)}x`,
    'reverse dns '.repeat(10_000),
    'x@y.z '.repeat(30_000),
    `${'-'.repeat(50_000)}original${' '.repeat(50_000)}`,
  ];
  for (const text of texts)
    classify({ diagnostic: text, context: text, status: findStatus(text), replyCode: findReplyCode(text) });
}

function decode(): void {
  // Whole notices whose body is one long run, after the lines the readers look for.
  const head =
    'From: MAILER-DAEMON@mx.example\nTo: b@bounces.example\nSubject: Undelivered Mail\n' +
    'X-Mailman-Version: 2\nContent-Type: text/plain\n\n';
  const manyAddresses = Array.from({ length: 20_000 }, (_, i) => `  u${i}@b.example\n`).join('');
  const leads = [
    '',
    'a@',
    'x@y.example:\n550 ',
    'You are not a member of the list <',
    '----- Transcript of session follows -----\n',
    'SMTP command\n',
    'Final-Recipient: rfc822; ',
  ];
  // And DSN fields whose values are long runs of what their readers split on.
  const dsn = 'Content-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@b.example\nAction: failed\n';
  for (const field of [
    `Status: 5.0.0 ${'('.repeat(n)}`,
    `Will-Retry-Until: ${'('.repeat(n)}`,
    `Diagnostic-Code: smtp; ${"550-'".repeat(n / 5)}`,
    `Diagnostic-Code: smtp; ${'in reply to '.repeat(n / 12)}`,
  ]) {
    decodeFile(Buffer.from(`From: MAILER-DAEMON@mx.example\n${dsn}${field}\n`));
  }
  // HTML notices: tags, scripts and entities are stripped before reading (a tag pattern
  // that scans to the next '>' from every '<' is quadratic on 160,000 unclosed tags).
  const html = head.replace('text/plain', 'text/html');
  for (const filler of [
    '<a'.repeat(2 * n),
    '<script'.repeat(n / 2),
    '<script></script>x'.repeat(n),
    '<style>'.repeat(n / 2),
    '&#'.repeat(n),
  ])
    decodeFile(Buffer.from(`${html}${filler}\n`));
  // Runs of white space where patterns allow it on both sides of an optional character
  // ("\s*\|?\s*", "\s*:?\s*$"): a line of tabs, and an address far after "mail from".
  decodeFile(Buffer.from(`${head}${'\t'.repeat(3 * n)}\n`));
  decodeFile(Buffer.from(`${head}mail from${' '.repeat(3 * n)}x <a@b.example>\n`));
  // A notice listing 20,000 addresses, one a line, then the one error they share: each
  // recipient's reading must not re-read the whole notice (its context).
  decodeFile(Buffer.from(`${head}The following addresses failed:\n\n${manyAddresses}\n550 5.1.1 unknown user\n`));
  // One line naming 20,000 recipients, each with an error: the line is read once.
  decodeFile(
    Buffer.from(`${head}${Array.from({ length: 20_000 }, (_, i) => `u${i}@b.example 550 unknown user; `).join('')}\n`),
  );
  // A list robot's refusal naming "<a@" then a dotted run that never closes.
  decodeFile(Buffer.from(`${head}You are not a member of the list <a@${'1.'.repeat(3 * n)}\n`));
  for (const lead of leads) {
    for (const filler of fillers) {
      const message = Buffer.from(`${head}${lead}${filler}\n`);
      decodeFile(message);
      decodeFile(Buffer.concat([Buffer.from('From x\n'), message, Buffer.from('\nFrom y\n'), message]));
    }
  }
}

if (workerData === 'rules') rules();
else if (workerData === 'decode') decode();
else throw new Error(`hostile-worker: nothing called ${String(workerData)}`);
parentPort!.postMessage('done');
