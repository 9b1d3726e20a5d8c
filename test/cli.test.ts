// The command line: bad usage gets one line on stderr and exit code 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/bounced.js', import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 30_000 });
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
