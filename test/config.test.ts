// Configuration is validated once, with an error that names the variable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../src/config/index.ts';

test('defaults: embedded database, port 2525, 10 MiB, the local bounce domain', () => {
  const c = loadConfig({});
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.smtp.port, 2525);
  assert.equal(c.smtp.maxMessageBytes, 10 * 1024 * 1024);
  assert.deepEqual(c.bounceDomains, ['bounces.localhost']);
  assert.equal(c.smtp.tls, undefined);
  assert.ok(c.dataDir.endsWith('/data'));
});

test('values are parsed and normalised', () => {
  const c = loadConfig({ BOUNCE_DOMAINS: ' Bounces.Example.com, .mail.example.org ', SMTP_PORT: '25', DATABASE_URL: 'postgres://u@db/x' });
  assert.deepEqual(c.bounceDomains, ['bounces.example.com', '.mail.example.org']);
  assert.equal(c.smtp.port, 25);
  assert.equal(c.databaseUrl, 'postgres://u@db/x');
});

const BAD: Array<[Record<string, string>, string, RegExp]> = [
  [{ SMTP_PORT: 'twenty-five' }, 'SMTP_PORT', /whole number/],
  [{ SMTP_PORT: '70000' }, 'SMTP_PORT', /between 0 and 65535/],
  [{ MAX_MESSAGE_BYTES: '-1' }, 'MAX_MESSAGE_BYTES', /whole number/],
  [{ BOUNCE_DOMAINS: 'not a domain' }, 'BOUNCE_DOMAINS', /not a domain name/],
  [{ BOUNCE_DOMAINS: ' , ' }, 'BOUNCE_DOMAINS', /at least one domain/],
  [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /postgres:\/\//],
  [{ TLS_CERT_FILE: '/tmp/cert.pem' }, 'TLS_KEY_FILE', /needed/],
  [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL', /one of/],
];

for (const [env, variable, problem] of BAD) {
  test(`${JSON.stringify(env)} is refused naming ${variable}`, () => {
    assert.throws(() => loadConfig(env), (err: Error) => err instanceof ConfigError && err.variable === variable && problem.test(err.message) && err.message.startsWith(`${variable}: `));
  });
}
