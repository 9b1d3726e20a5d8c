// The command line: bad usage gets one line on stderr and exit code 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { base32Decode, base32Encode } from '../src/correlate/token.ts';

const BIN = fileURLToPath(new URL('../bin/bounced.js', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../shared/corpus/sisimai/maildir/bsd/', import.meta.url));

function run(args: string[], env: Record<string, string> = {}, timeout = 30_000) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    timeout,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

for (const [args, pattern] of [
  [['frobnicate'], /unknown command 'frobnicate'/],
  [['serve', 'extra'], /'serve' takes no arguments/],
  [[], /usage: bounced/],
] as const) {
  test(`bounced ${args.join(' ') || '(nothing)'} exits 2 with a clear message`, () => {
    const r = run([...args]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, '');
  });
}

test('a bad configuration value exits 2 naming the variable, on one line', () => {
  const r = run(['serve'], { SMTP_PORT: 'abc' });
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /SMTP_PORT: expected a whole number/);
});

test('bounced help prints the commands and exits 0', () => {
  const r = run(['help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /serve/);
  assert.match(r.stdout, /migrate/);
});

test('bounced migrate applies the schema to DATABASE_URL', async () => {
  const { createTestDatabase } = await import('./support/db.ts');
  const db = await createTestDatabase({ empty: true });
  try {
    const first = run(['migrate'], { DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^applied: 0001_raw_messages/);
    const second = run(['migrate'], { DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    assert.equal(second.code, 0);
    assert.match(second.stdout, /up to date/);
  } finally {
    await db.drop();
  }
});

test('bounced parse --json: one line per file, folders walked in order, the contract fields', () => {
  const dir = fileURLToPath(new URL('./fixtures/decoder/other/', import.meta.url));
  const r = run(['parse', '--json', dir]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.file.split('/').pop()),
    ['arf-abuse.eml', 'delivered.eml', 'gmail-unsubscribe.eml', 'vacation.eml'],
  );
  for (const l of lines)
    assert.deepEqual(Object.keys(l), ['file', 'kind', 'originalMessageId', 'recipients', 'feedback', 'error']);
  assert.equal(lines[0].kind, 'feedback');
  assert.equal(lines[0].originalMessageId, 't7@bounces.example.com');
  assert.equal(lines[0].feedback.type, 'abuse');
  assert.deepEqual(Object.keys(lines[1].recipients[0]), [
    'address',
    'action',
    'status',
    'replyCode',
    'diagnosticCode',
    'remoteMta',
    'reason',
    'type',
    'rule',
    'role',
  ]);
  assert.equal(lines[1].recipients[0].role, 'dsn-field');
});

test('bounced parse --jobs 2 writes what one job writes, line for line, and the jobs read the rule file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'parse-jobs-'));
  const rules = join(folder, 'rules.json');
  writeFileSync(rules, JSON.stringify([{ id: 'op.full', reason: 'mailboxfull', text: 'user unknown' }]));
  const one = run(['parse', '--json', '--jobs', '1', '--rules', rules, CORPUS], {}, 120_000);
  const two = run(['parse', '--json', '--jobs', '2', '--rules', rules, CORPUS], {}, 120_000);
  assert.equal(two.code, 0, two.stderr);
  const lines = two.stdout.trimEnd().split('\n');
  assert.equal(lines.length, readdirSync(CORPUS).filter((f) => f.endsWith('.eml')).length);
  assert.equal(two.stdout, one.stdout);
  assert.ok(lines.some((l) => l.includes('"rule":"custom.op.full"')));
  assert.equal(run(['parse', '--jobs', 'many', CORPUS]).code, 2);
});

test('bounced parse of a missing path, or of no path, is a usage error (exit 2)', () => {
  const r = run(['parse', '--json', '/nonexistent/file.eml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /ENOENT/);
  assert.equal(run(['parse']).code, 2);
});

test('bounced classify prints reason, type and rule for one line', () => {
  const r = run(['classify', '550 5.1.1 <x@y>: Recipient address rejected: User unknown']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout.trim(), 'reason=userunknown type=hard rule=mailbox.unknown status=5.1.1 reply=550');
  // The stage the line names decides an unknown user as the same reply inside a bounce would.
  const rcpt = run(['classify', '550 RCPT TO:<x@example.com> User unknown (in reply to RCPT TO command)']);
  assert.match(rcpt.stdout, /^reason=userunknown type=hard rule=mailbox\.unknown /);
  const data = run(['classify', '550 User unknown (in reply to end of DATA command)']);
  assert.match(data.stdout, /^reason=filtered type=soft rule=mailbox\.unknown\.after-data/);
  assert.equal(run(['classify']).code, 2);
});

test('bounced rules lists a rule with each row: the type its reply gets, the reply, the pattern', () => {
  const r = run(['rules', 'mailbox.full']);
  assert.equal(r.code, 0);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'mailbox.full  mailboxfull');
  // A full mailbox is soft whatever its code; each reply is followed by its own pattern.
  const i = lines.indexOf('  soft    552 5.2.2 Maildir over quota');
  assert.ok(i > 0, r.stdout);
  assert.equal(lines[i + 1], '          /maildir over quota/');
  // A prefix names a family; a rule nobody wrote is a usage error.
  assert.match(run(['rules', 'provider']).stdout, /^provider\.orange-spam {2}spamdetected$/m);
  const none = run(['rules', 'mailbox.nonesuch']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no rule named mailbox\.nonesuch/);
});

test('bounced token mint and verify, with the keys from TOKEN_KEYS', () => {
  const env = { TOKEN_KEYS: '5:cli-secret-0123456789abcdef0123456789', BOUNCE_DOMAINS: 'bounces.example.com' };
  const minted = run(['token', 'mint', '--send-id', 'order-77', '--ttl', '2d'], env);
  assert.equal(minted.code, 0, minted.stderr);
  const { token, returnPath, messageId } = JSON.parse(minted.stdout);
  assert.equal(returnPath, `b+${token}@bounces.example.com`);
  assert.equal(messageId, `<${token}@bounces.example.com>`);
  const verified = run(['token', 'verify', returnPath], env);
  assert.equal(verified.code, 0);
  assert.equal(JSON.parse(verified.stdout).sendId, 'order-77');
  // One bit of its signature changed. (Changing its last characters was not always a forgery:
  // the last one may carry only padding bits, and decode to the same bytes.)
  const bytes = base32Decode(token)!;
  bytes[bytes.length - 1]! ^= 0x01;
  const forgedToken = base32Encode(bytes);
  assert.notEqual(forgedToken, token);
  const forged = run(['token', 'verify', `b+${forgedToken}@bounces.example.com`], env);
  assert.equal(forged.code, 1);
  assert.equal(JSON.parse(forged.stdout).valid, false);
  // Bound to its recipient: verify says so, and --recipient checks an address against it.
  const bound = run(['token', 'mint', '--send-id', 'order-78', '--recipient', 'Alice@Example.org'], env);
  assert.equal(bound.code, 0, bound.stderr);
  const boundPath = JSON.parse(bound.stdout).returnPath;
  assert.equal(
    JSON.parse(run(['token', 'verify', boundPath, '--recipient', 'alice@example.org'], env).stdout).recipientMatches,
    true,
  );
  const wrong = run(['token', 'verify', boundPath, '--recipient', 'ceo@example.org'], env);
  assert.equal(wrong.code, 1);
  assert.equal(JSON.parse(wrong.stdout).recipientMatches, false);
  assert.equal(run(['token', 'mint', '--send-id', 'x'], {}).code, 2, 'no TOKEN_KEYS');
  assert.equal(
    run(['token', 'mint', '--send-id', 'x'], { TOKEN_KEYS: '1:CHANGE-ME-32-random-bytes-base64-xx' }).code,
    2,
    'a placeholder secret',
  );
  assert.equal(run(['token', 'mint', '--send-id', 'x', '--ttl', 'soon'], env).code, 2);
  assert.equal(run(['token', 'frobnicate'], env).code, 2);
});
