// Property tests: whatever bytes arrive, decode() returns a well-formed Report and never
// throws or hangs. Inputs: random bytes, and real bounces mutated the way the wild mutates
// them (truncated, line ends changed, boundaries lost, bytes flipped, parts duplicated).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { REASONS } from '../src/classify/reasons.ts';
import { decode } from '../src/parse/index.ts';
import type { Report } from '../src/parse/report.ts';
import { corpusFiles, corpusMessage } from './support/corpus.ts';
import { runHostile } from './support/hostile.ts';
import { dsnNotice, textNotice } from './support/notices.ts';

const KINDS = ['bounce', 'delay', 'autoreply', 'feedback', 'delivered', 'other'];
const TYPES = ['hard', 'soft', 'ignored'];
const ACTIONS = ['failed', 'delayed', 'delivered', 'relayed', 'expanded'];

function assertWellFormed(report: Report): void {
  assert.ok(KINDS.includes(report.kind), `kind ${report.kind}`);
  assert.ok(Array.isArray(report.problems));
  for (const r of report.recipients) {
    assert.equal(typeof r.address, 'string');
    // A DSN may name a recipient of another address type ("unknown; nair_s"): reported as given.
    assert.ok(r.address.includes('@') || r.role === 'dsn-field', `address ${r.address}`);
    assert.ok((REASONS as readonly string[]).includes(r.reason), `reason ${r.reason}`);
    assert.ok(TYPES.includes(r.type));
    assert.ok(ACTIONS.includes(r.action));
    if (r.status !== null) assert.match(r.status, /^[245]\.\d{1,3}\.\d{1,3}$/);
  }
  if (report.kind === 'other') assert.equal(report.recipients.length, 0);
}

const corpus = corpusFiles().map(corpusMessage);
const seedMessage = fc.integer({ min: 0, max: corpus.length - 1 }).map((i) => corpus[i]!);

test('a byte-order mark or blank lines before the first header never change what a message says', () => {
  const before = fc
    .array(fc.constantFrom('\r\n', '\n', ' \r\n', '\t\n'), { maxLength: 3 })
    .chain((lines) => fc.boolean().map((bom) => (bom ? '\ufeff' : '') + lines.join('')));
  fc.assert(
    fc.property(seedMessage, before, (message, prefix) => {
      const plain = decode(message);
      const prefixed = decode(Buffer.concat([Buffer.from(prefix, 'utf8'), message]));
      assert.deepEqual(
        { kind: prefixed.kind, recipients: prefixed.recipients },
        { kind: plain.kind, recipients: plain.recipients },
      );
    }),
    { numRuns: 300 },
  );
});

test("a DSN's Status: field stands unless the receiver's code is as specific or more, in the same class", () => {
  // RFC 3463: x.0.0 says only "failed", x.N.0 names the subject, x.N.M the detail.
  const specificity = ([, subject, detail]: number[]) => (subject === 0 ? 0 : detail === 0 ? 1 : 2);
  const code = (cls: number) =>
    fc.tuple(fc.constant(cls), fc.integer({ min: 0, max: 7 }), fc.constantFrom(0, 0, 1, 2, 10));
  const pair = fc
    .constantFrom(5, 4)
    .chain((fieldClass) => fc.tuple(code(fieldClass), fc.constantFrom(fieldClass, 9 - fieldClass).chain(code)));
  fc.assert(
    fc.property(pair, ([field, said]) => {
      const [f, d] = [field.join('.'), said.join('.')];
      // The Action agrees with the field's class.
      const dsn = dsnNotice('amy@dest.example', 'p1@example.com', `${said[0]}50 ${d} refused`, {
        status: f,
        action: field[0] === 5 ? 'failed' : 'delayed',
        words: 'Delivery failed.',
      });
      const wins = said[0] === field[0] && specificity(said) >= specificity(field);
      assert.equal(decode(dsn).recipients[0]?.status, wins ? d : f);
    }),
    { numRuns: 300 },
  );
});

test('recipients listed on one line, each with its own reply, each get their own code', () => {
  const replies = ['550 5.1.1 user unknown', '552 5.2.2 mailbox full', '554 5.7.1 message refused as spam'];
  const entry = fc.record({ local: fc.stringMatching(/^[a-z]{1,8}$/), reply: fc.constantFrom(...replies) });
  const shape = fc.constantFrom(
    (a: string, r: string) => `${a} (${r})`,
    (a: string, r: string) => `<${a}>: ${r}`,
  );
  fc.assert(
    fc.property(
      fc.uniqueArray(entry, { minLength: 2, maxLength: 6, selector: (e) => e.local }),
      shape,
      (list, write) => {
        const line = list.map((e) => write(`${e.local}@dest.example`, e.reply)).join('; ');
        const decoded = decode(textNotice(`Delivery failed for these recipients:\n${line}`)).recipients;
        assert.deepEqual(
          decoded.map((r) => [r.address, r.status]),
          list.map((e) => [`${e.local}@dest.example`, /\d\.\d\.\d/.exec(e.reply)![0]]),
          line,
        );
      },
    ),
    { numRuns: 200 },
  );
});

test('an address a notice offers help at, or names as its sender, never becomes a failed recipient', () => {
  const failedLine = fc.constantFrom(
    (r: string) => `${r}: 550 5.1.1 user unknown`,
    (r: string) => `<${r}>: host mx.dest.example[192.0.2.1] said: 550 5.1.1 No such user`,
    (r: string) => `Delivery to ${r} failed: mailbox full`,
    (r: string) => `  ${r}\n    SMTP error from remote mail server after RCPT TO:<${r}>:\n    550 5.1.1 unknown user`,
    (r: string) => `Your message to ${r} could not be delivered.`,
  );
  const footer = fc.constantFrom(
    (h: string) => `For further assistance, please send mail to ${h}`,
    (h: string) => `If you have questions, contact ${h}.`,
    (h: string) => `Questions? ${h}`,
    (h: string) => `This notice was sent on behalf of ${h}.`,
    (h: string) => `Our administrator can be reached at ${h}.`,
    (h: string) => `If you believe this is in error, forward this message to ${h}.`,
    (h: string) => `Please write to ${h} for help.`,
    (h: string) => `The message was sent by ${h}.`,
    (h: string) => `Report problems to <${h}>.`,
    (h: string) => `Contact the administrator: ${h}`,
    (h: string) => `Mail administrator: <${h}>`,
    (h: string) => `Sent by the mail system at mx.dest.example (abuse reports: ${h}).`,
    // A signature: a name and its address alone on a line.
    (h: string) => `Regards,\nThe Mail Team <${h}>`,
    (h: string) => `Please reply to <${h}>\nif you feel this message to be in error.`,
  );
  const address = fc
    .tuple(fc.stringMatching(/^[a-z][a-z0-9.]{0,10}[a-z0-9]$/), fc.constantFrom('dest.example', 'help.example'))
    .map(([local, domain]) => `${local}@${domain}`);
  fc.assert(
    fc.property(failedLine, footer, address, address, (line, help, recipient, helper) => {
      fc.pre(recipient !== helper);
      const addresses = (words: string) => decode(textNotice(words)).recipients.map((r) => r.address);
      assert.deepEqual(addresses(`${line(recipient)}\n\n${help(helper)}`), [recipient]);
      assert.deepEqual(addresses(`${help(helper)}\n\n${line(recipient)}`), [recipient]);
    }),
    { numRuns: 300 },
  );
});

type Mutation = (b: Buffer) => Buffer;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map(
    (f): Mutation =>
      (b) =>
        b.subarray(0, Math.floor(b.length * f)),
  ),
  fc.constant<Mutation>((b) => Buffer.from(b.toString('latin1').replace(/\r\n/g, '\n'), 'latin1')),
  fc.constant<Mutation>((b) => Buffer.from(b.toString('latin1').replace(/\r?\n/g, '\r'), 'latin1')),
  fc.constant<Mutation>((b) => Buffer.from(b.toString('latin1').replace(/boundary="?[^";\r\n]+"?/gi, ''), 'latin1')),
  fc.constant<Mutation>((b) => Buffer.from(b.toString('latin1').replace(/^--\S+--\s*$/gm, ''), 'latin1')),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })).map(
    ([at, bytes]): Mutation =>
      (b) => {
        const i = b.length ? at % b.length : 0;
        return Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)]);
      },
  ),
  fc.constant<Mutation>((b) => Buffer.concat([b, b])),
  fc.constant<Mutation>((b) =>
    Buffer.from(
      b.toString('latin1').replace(/Content-Transfer-Encoding: 7bit/gi, 'Content-Transfer-Encoding: base64'),
      'latin1',
    ),
  ),
);

test('random bytes decode to a well-formed report', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), (bytes) => assertWellFormed(decode(Buffer.from(bytes)))),
    { numRuns: 400, seed: 20261128 },
  );
});

test('random text with mail-like pieces decodes to a well-formed report', () => {
  const piece = fc.constantFrom(
    'Content-Type: multipart/report; boundary="x"\n',
    '--x\n',
    '--x--\n',
    'Content-Type: message/delivery-status\n',
    'Final-Recipient: rfc822; a@b.example\n',
    'Action: failed\n',
    'Status: 5.1.1\n',
    '\n',
    '<c@d.example>: 550 user unknown\n',
    'Subject: Undelivered\n',
    'From: MAILER-DAEMON@x\n',
    '=?utf-8?B?w6k=?=',
    '\r',
    '>>> DATA\n',
  );
  fc.assert(
    fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 40 })), { maxLength: 60 }), (pieces) =>
      assertWellFormed(decode(Buffer.from(pieces.join(''), 'latin1'))),
    ),
    { numRuns: 500, seed: 7 },
  );
});

test('mutated real bounces decode to a well-formed report', () => {
  fc.assert(
    fc.property(seedMessage, fc.array(mutation, { minLength: 1, maxLength: 3 }), (message, mutations) => {
      assertWellFormed(decode(mutations.reduce((b, m) => m(b), message)));
    }),
    { numRuns: 600, seed: 42 },
  );
});

test('every corpus message decodes to a well-formed report', () => {
  for (const message of corpus) assertWellFormed(decode(message));
});

// Bounces arrive over SMTP with CRLF; the corpus is mostly LF; some MTAs write lone CR.
// The facts must not depend on which.
test('line ends do not change what a bounce says: LF, CRLF and CR decode alike', () => {
  const facts = (raw: string) => {
    const r = decode(Buffer.from(raw, 'latin1'));
    return JSON.stringify([
      r.kind,
      r.original?.messageId,
      r.recipients.map((x) => [x.address, x.action, x.status, x.reason, x.type]),
    ]);
  };
  for (const message of corpus) {
    const lf = message.toString('latin1').replace(/\r\n?/g, '\n');
    const expected = facts(lf);
    assert.equal(facts(lf.replace(/\n/g, '\r\n')), expected);
    assert.equal(facts(lf.replace(/\n/g, '\r')), expected);
  }
});

// Whole notices whose body is one long run after the lines the readers look for (an
// address, a transcript, a list robot's words): linear readers take about a second here,
// a quadratic pattern hits the thirty-second deadline.
test('hostile input: notices made of long repetitive runs decode in linear time', async () => {
  assert.equal(await runHostile('decode'), 'done');
});
