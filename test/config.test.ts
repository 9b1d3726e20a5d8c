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
  // The registry and metrics listen on loopback unless told otherwise.
  assert.equal(c.http.host, '127.0.0.1');
  // Only authenticated evidence changes a standing; one message changes at most 5.
  assert.deepEqual(c.evidence, { required: 'authenticated', maxAddressesPerMessage: 5 });
});

test('values are parsed and normalised', () => {
  const c = loadConfig({
    BOUNCE_DOMAINS: ' Bounces.Example.com, .mail.example.org ',
    SMTP_PORT: '25',
    DATABASE_URL: 'postgres://u@db/x',
  });
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
  // Secrets anyone could guess, or the placeholders of an example file.
  [{ TOKEN_KEYS: '1:0123456789abcdef' }, 'TOKEN_KEYS', /at least 32 characters/],
  [{ TOKEN_KEYS: '1:CHANGE-ME-32-random-bytes-base64-xxxx' }, 'TOKEN_KEYS', /placeholder/],
  [{ SENT_API_TOKEN: 'change-me' }, 'SENT_API_TOKEN', /at least 32 characters/],
  [{ SENT_API_TOKEN: 'CHANGE-ME-0123456789abcdef0123456789' }, 'SENT_API_TOKEN', /placeholder/],
  [{ EVIDENCE_REQUIRED: 'none' }, 'EVIDENCE_REQUIRED', /authenticated or weak/],
  [{ MAX_ADDRESSES_PER_MESSAGE: '0' }, 'MAX_ADDRESSES_PER_MESSAGE', /between 1 and 1000/],
];

for (const [env, variable, problem] of BAD) {
  test(`${JSON.stringify(env)} is refused naming ${variable}`, () => {
    assert.throws(
      () => loadConfig(env),
      (err: Error) =>
        err instanceof ConfigError &&
        err.variable === variable &&
        problem.test(err.message) &&
        err.message.startsWith(`${variable}: `),
    );
  });
}
