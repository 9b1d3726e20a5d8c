// Signed return-path tokens: round trip, case, forgery, expiry, key rotation; and the
// RCPT check with REQUIRE_TOKEN over real SMTP.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseKeyring } from '../src/config/keys.ts';
import {
  base32Decode,
  base32Encode,
  mintToken,
  returnPathAddress,
  TokenError,
  tokenNamesRecipient,
  verifyToken,
} from '../src/correlate/token.ts';
import type { RunningServer } from '../src/serve.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { BOUNCE_DOMAIN, startTestServer } from './support/server.ts';
import { RawSmtpClient } from './support/smtp-client.ts';

const KEYS = '2:current-secret-0123456789abcdefghijkl,1:previous-secret-0123456789abcdefghijk';
const ring = parseKeyring(KEYS);
const NOW = new Date('2026-11-28T12:00:00Z');

describe('tokens', () => {
  test('base32 round-trips any bytes', () => {
    for (let n = 0; n < 40; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      assert.deepEqual(base32Decode(base32Encode(bytes)), bytes);
    }
  });

  test('a token names its send and expiry, whatever the case of its letters', () => {
    const token = mintToken({ sendId: 'cmp42-rcpt981', ttlSeconds: 86_400, key: ring.current, now: NOW });
    assert.match(token, /^[a-z2-7]+$/);
    for (const form of [token, token.toUpperCase()]) {
      const check = verifyToken(form, ring.all, NOW);
      assert.deepEqual(check, {
        ok: true,
        token: { sendId: 'cmp42-rcpt981', expiresAt: new Date('2026-11-29T12:00:00Z'), keyId: 2 },
      });
    }
  });

  test('UUID send ids are packed; a 20-byte id still fits a 64-character local part', () => {
    const uuid = '2f1e6c1a-9d3b-4c8e-a1f2-3b4c5d6e7f80';
    const t1 = mintToken({ sendId: uuid, key: ring.current, now: NOW });
    assert.equal((verifyToken(t1, ring.all, NOW) as { token: { sendId: string } }).token.sendId, uuid);
    const t2 = mintToken({ sendId: 'x'.repeat(20), key: ring.current, now: NOW });
    assert.ok(`b+${t2}`.length <= 64, `b+${t2} is ${t2.length + 2} characters`);
    assert.throws(() => mintToken({ sendId: 'x'.repeat(25), key: ring.current }), TokenError);
    assert.throws(() => mintToken({ sendId: '', key: ring.current }), TokenError);
  });

  test('any changed character is caught as forgery (or malformed), never accepted', () => {
    // Every send id length, so that every count of padding bits in the last character is tried.
    for (let n = 1; n <= 24; n++) {
      const token = mintToken({ sendId: 's'.repeat(n), key: ring.current, now: NOW });
      for (let i = 0; i < token.length; i++) {
        for (const ch of ['a', 'b', 'q', '7']) {
          if (ch === token[i]) continue;
          const forged = token.slice(0, i) + ch + token.slice(i + 1);
          assert.equal(
            verifyToken(forged, ring.all, NOW).ok,
            false,
            `id length ${n}: changing position ${i} to ${ch} was accepted`,
          );
        }
      }
    }
    assert.deepEqual(verifyToken('hello', ring.all, NOW), { ok: false, problem: 'malformed' });
    assert.deepEqual(verifyToken('not-base32!', ring.all, NOW), { ok: false, problem: 'malformed' });
  });

  test('a token signed with another secret under the same key id is refused', () => {
    const other = parseKeyring('2:some-other-secret-0000000000000000000');
    const token = mintToken({ sendId: 'send-1', key: other.current, now: NOW });
    assert.deepEqual(verifyToken(token, ring.all, NOW), { ok: false, problem: 'bad-signature' });
  });

  test('expired tokens are refused', () => {
    const token = mintToken({ sendId: 'send-1', ttlSeconds: 60, key: ring.current, now: NOW });
    assert.equal(verifyToken(token, ring.all, new Date(NOW.getTime() + 59_000)).ok, true);
    assert.deepEqual(verifyToken(token, ring.all, new Date(NOW.getTime() + 61_000)), { ok: false, problem: 'expired' });
  });

  test('key rotation: tokens of the previous key still verify; a retired key does not', () => {
    const old = mintToken({ sendId: 'send-1', key: ring.all[1]!, now: NOW });
    assert.equal(verifyToken(old, ring.all, NOW).ok, true);
    const afterRetirement = parseKeyring(
      '3:newest-secret-0123456789abcdefghijklm,2:current-secret-0123456789abcdefghijkl',
    );
    assert.deepEqual(verifyToken(old, afterRetirement.all, NOW), { ok: false, problem: 'unknown-key' });
  });

  test('TOKEN_KEYS is checked: ids 0-255, secrets of 32 characters or more and no placeholder, no duplicates', () => {
    const long = '0123456789abcdef0123456789abcdef';
    assert.throws(() => parseKeyring(`x:${long}`), /0-255/);
    assert.throws(() => parseKeyring('1:short'), /at least 32/);
    assert.throws(() => parseKeyring('1:0123456789abcdef'), /at least 32/);
    assert.throws(() => parseKeyring('1:CHANGE-ME-32-random-bytes-base64-xx'), /placeholder/);
    assert.throws(() => parseKeyring(`1:${long},1:${long}x`), /same id/);
    assert.throws(() => parseKeyring(''), /no key/);
    assert.equal(parseKeyring(`1:${long}`).current.id, 1);
  });

  test('a token bound to its recipient says which address it was minted for, in any case', () => {
    const token = mintToken({
      sendId: '2f1e6c1a-9d3b-4c8e-a1f2-3b4c5d6e7f80',
      recipient: 'Alice@Example.org',
      key: ring.current,
      now: NOW,
    });
    assert.ok(`b+${token}`.length <= 64, `b+${token} is ${token.length + 2} characters`);
    const check = verifyToken(token.toUpperCase(), ring.all, NOW);
    assert.ok(check.ok);
    assert.equal(check.token.sendId, '2f1e6c1a-9d3b-4c8e-a1f2-3b4c5d6e7f80');
    assert.equal(tokenNamesRecipient(check.token, 'alice@example.org', ring.all), true);
    assert.equal(tokenNamesRecipient(check.token, 'ALICE@EXAMPLE.ORG', ring.all), true);
    assert.equal(tokenNamesRecipient(check.token, 'ceo@example.org', ring.all), false);
    assert.equal(tokenNamesRecipient(check.token, 'alice@example.org.evil', ring.all), false);
    // The return path does not show the address.
    assert.doesNotMatch(Buffer.from(base32Decode(token)!).toString('latin1'), /alice/i);
    // An unbound token names nobody: the registry must.
    const unbound = verifyToken(mintToken({ sendId: 'send-1', key: ring.current, now: NOW }), ring.all, NOW);
    assert.ok(unbound.ok);
    assert.equal(tokenNamesRecipient(unbound.token, 'alice@example.org', ring.all), null);
    // An 18-byte send id still fits a local part with the recipient bound; a longer one is refused, not truncated.
    assert.ok(`b+${mintToken({ sendId: 'x'.repeat(18), recipient: 'a@b.example', key: ring.current })}`.length <= 64);
    assert.throws(
      () => mintToken({ sendId: 'x'.repeat(19), recipient: 'a@b.example', key: ring.current }),
      /1-18 bytes/,
    );
    assert.throws(() => mintToken({ sendId: 'x', recipient: 'not an address', key: ring.current }), TokenError);
  });

  test('the bound recipient cannot be swapped: any changed character of a bound token is refused', () => {
    const token = mintToken({ sendId: 'send-42', recipient: 'alice@example.org', key: ring.current, now: NOW });
    for (let i = 0; i < token.length; i++) {
      const ch = token[i] === 'q' ? 'r' : 'q';
      assert.equal(verifyToken(token.slice(0, i) + ch + token.slice(i + 1), ring.all, NOW).ok, false, `position ${i}`);
    }
  });
});

describe('REQUIRE_TOKEN at RCPT', () => {
  let db: TestDatabase;
  let server: RunningServer;
  before(async () => {
    db = await createTestDatabase();
    server = await startTestServer(db.url, { TOKEN_KEYS: KEYS, REQUIRE_TOKEN: 'true' });
  });
  after(async () => {
    await server?.shutdown();
    await db?.drop();
  });

  async function rcpt(address: string) {
    const { client } = await RawSmtpClient.greet(server.smtpPort);
    await client.command('EHLO mx.example.net');
    await client.command('MAIL FROM:<>');
    const reply = await client.command(`RCPT TO:<${address}>`);
    await client.quit();
    return reply;
  }

  test('a valid token is accepted, in any case', async () => {
    const token = mintToken({ sendId: 'send-7', key: ring.current });
    assert.equal((await rcpt(returnPathAddress(token, BOUNCE_DOMAIN))).code, 250);
    assert.equal((await rcpt(returnPathAddress(token.toUpperCase(), BOUNCE_DOMAIN))).code, 250);
  });

  test('forged, expired, malformed and missing tokens get 550 5.1.1', async () => {
    const token = mintToken({ sendId: 'send-7', key: ring.current });
    const forged = `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`;
    const expired = mintToken({
      sendId: 'send-7',
      ttlSeconds: 1,
      key: ring.current,
      now: new Date(Date.now() - 10_000),
    });
    for (const local of [`b+${forged}`, `b+${expired}`, 'b+zzzz', 'someone']) {
      const reply = await rcpt(`${local}@${BOUNCE_DOMAIN}`);
      assert.equal(reply.code, 550, local);
      assert.match(reply.text, /^5\.1\.1 /);
    }
  });

  test('fixed local parts (postmaster, abuse, the feedback-loop address) need no token', async () => {
    for (const local of ['postmaster', 'Abuse', 'fbl'])
      assert.equal((await rcpt(`${local}@${BOUNCE_DOMAIN}`)).code, 250, local);
  });
});
