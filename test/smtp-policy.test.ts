// The SMTP listener end to end: a real client on loopback, the real server, real Postgres.
// Each test asserts the exact reply code and what is (or is not) in raw_messages.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nodemailer from 'nodemailer';
import pg from 'pg';
import type { RunningServer } from '../src/serve.ts';
import { corpusMessage } from './support/corpus.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { BOUNCE_DOMAIN, startTestServer } from './support/server.ts';
import { RawSmtpClient } from './support/smtp-client.ts';

let db: TestDatabase;
let server: RunningServer;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db.url, {
    MAX_RECIPIENTS: '3',
    MAX_MESSAGE_BYTES: String(64 * 1024),
    MAX_CONNECTIONS: '6',
    MAX_CONNECTIONS_PER_IP: '6',
  });
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});

after(async () => {
  await server?.shutdown();
  await pool?.end();
  await db?.drop();
});

async function rowsFor(marker: string) {
  const { rows } = await pool.query<{
    id: string;
    raw: Buffer;
    mail_from: string;
    rcpt_to: string[];
    remote_ip: string;
    helo: string;
    tls_protocol: string | null;
    decode_state: string;
  }>(
    `select id, raw, mail_from, rcpt_to, host(remote_ip) as remote_ip, helo, tls_protocol, decode_state
       from raw_messages where position($1::bytea in raw) > 0 order by id`,
    [Buffer.from(marker)],
  );
  return rows;
}

function unique(message: Buffer, marker: string): Buffer {
  return Buffer.concat([Buffer.from(`X-Test-Marker: ${marker}\r\n`), message]);
}

async function session(): Promise<RawSmtpClient> {
  const { client, greeting } = await RawSmtpClient.greet(server.smtpPort);
  assert.equal(greeting.code, 220);
  assert.equal((await client.command('EHLO mta.example.net')).code, 250);
  return client;
}

describe('accepting bounces', () => {
  test('a DSN from a real SMTP client gets 250 and is stored byte for byte with its envelope', async () => {
    const raw = unique(corpusMessage('lhost-postfix-01.eml'), 'nodemailer-1');
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: server.smtpPort,
      secure: false,
      ignoreTLS: true,
      name: 'mta.example.net',
    });
    const info = await transport.sendMail({ envelope: { from: '', to: [`b+tok1@${BOUNCE_DOMAIN}`] }, raw });
    transport.close();
    assert.match(info.response, /^250 2\.0\.0 Ok: stored as \d+$/);
    const rows = await rowsFor('nodemailer-1');
    assert.equal(rows.length, 1);
    const row = rows[0]!;
    assert.ok(row.raw.equals(raw), 'stored bytes differ from the bytes sent');
    assert.equal(row.mail_from, '');
    assert.deepEqual(row.rcpt_to, [`b+tok1@${BOUNCE_DOMAIN}`]);
    assert.equal(row.remote_ip, '127.0.0.1');
    assert.equal(row.helo, 'mta.example.net');
    assert.equal(row.tls_protocol, null);
    assert.ok(['pending', 'decoded'].includes(row.decode_state), row.decode_state);
    assert.match(info.response, new RegExp(`stored as ${row.id}$`));
  });

  test('dot-stuffed lines and a bare LF come back exactly as the client meant them', async () => {
    const raw = Buffer.from(
      'Subject: dots\r\nX-Test-Marker: dots-1\r\n\r\n.leading dot\r\n..two dots\r\nbare\nlf\r\n.\tend\r\n',
    );
    const client = await session();
    const reply = await client.send('', [`b@${BOUNCE_DOMAIN}`], raw);
    await client.quit();
    assert.equal(reply.code, 250);
    const rows = await rowsFor('dots-1');
    assert.equal(rows.length, 1);
    assert.ok(rows[0]!.raw.equals(raw));
  });

  test('a retried message (same envelope, same bytes) is stored once and acknowledged both times', async () => {
    const raw = unique(corpusMessage('lhost-exim-01.eml'), 'retry-1');
    const first = await session();
    const r1 = await first.send('', [`b+r@${BOUNCE_DOMAIN}`], raw);
    await first.quit();
    const second = await session();
    const r2 = await second.send('', [`b+r@${BOUNCE_DOMAIN}`], raw);
    await second.quit();
    assert.equal(r1.code, 250);
    assert.equal(r2.code, 250);
    assert.equal(r1.text, r2.text, 'both replies name the same stored row');
    assert.equal((await rowsFor('retry-1')).length, 1);
  });

  test('recipient domains match without regard to case, and a sender with a domain is accepted too', async () => {
    const client = await session();
    const reply = await client.send(
      'mailer-daemon@mx.example.net',
      [`B+X@${BOUNCE_DOMAIN.toUpperCase()}`],
      Buffer.from('X-Test-Marker: case-1\r\n\r\nhi\r\n'),
    );
    await client.quit();
    assert.equal(reply.code, 250);
    assert.deepEqual((await rowsFor('case-1'))[0]!.rcpt_to, [`B+X@${BOUNCE_DOMAIN.toUpperCase()}`]);
  });
});

describe('refusing what we must not take', () => {
  test('a recipient outside the bounce domains is refused with 550 5.7.1 (no open relay)', async () => {
    const client = await session();
    assert.equal((await client.command('MAIL FROM:<>')).code, 250);
    const other = await client.command('RCPT TO:<victim@example.org>');
    assert.equal(other.code, 550);
    assert.match(other.text, /^5\.7\.1 /);
    const lookalike = await client.command(`RCPT TO:<x@evil-${BOUNCE_DOMAIN}>`);
    assert.equal(lookalike.code, 550);
    const sub = await client.command(`RCPT TO:<x@sub.${BOUNCE_DOMAIN}>`);
    assert.equal(sub.code, 550, 'subdomains are not ours unless configured with a leading dot');
    const data = await client.command('DATA');
    assert.equal(data.code, 503, 'no accepted recipient, no DATA');
    await client.quit();
  });

  test('past the recipient limit RCPT gets 452 4.5.3, and the message goes to the accepted ones', async () => {
    const client = await session();
    assert.equal((await client.command('MAIL FROM:<>')).code, 250);
    for (const n of [1, 2, 3]) assert.equal((await client.command(`RCPT TO:<r${n}@${BOUNCE_DOMAIN}>`)).code, 250);
    const fourth = await client.command(`RCPT TO:<r4@${BOUNCE_DOMAIN}>`);
    assert.equal(fourth.code, 452);
    assert.match(fourth.text, /^4\.5\.3 /);
    const { reply } = await client.data(Buffer.from('X-Test-Marker: rcpt-limit\r\n\r\nbody\r\n'));
    assert.equal(reply.code, 250);
    await client.quit();
    assert.deepEqual(
      (await rowsFor('rcpt-limit'))[0]!.rcpt_to,
      [1, 2, 3].map((n) => `r${n}@${BOUNCE_DOMAIN}`),
    );
  });

  test('an oversized message gets 552 5.3.4 after it was read to the end, and the session goes on', async () => {
    const client = await session();
    const big = Buffer.concat([
      Buffer.from('X-Test-Marker: too-big\r\n\r\n'),
      Buffer.alloc(200 * 1024, 'abcdefghij\r\n'),
    ]);
    const tooBig = await client.send('', [`b@${BOUNCE_DOMAIN}`], big);
    assert.equal(tooBig.code, 552);
    assert.match(tooBig.text, /^5\.3\.4 /);
    const next = await client.send(
      '',
      [`b@${BOUNCE_DOMAIN}`],
      Buffer.from('X-Test-Marker: after-big\r\n\r\nsmall\r\n'),
    );
    assert.equal(next.code, 250);
    await client.quit();
    assert.equal((await rowsFor('too-big')).length, 0);
    assert.equal((await rowsFor('after-big')).length, 1);
  });

  test('a declared SIZE over the limit is refused at MAIL FROM with 552', async () => {
    const client = await session();
    const reply = await client.command(`MAIL FROM:<> SIZE=${64 * 1024 + 1}`);
    assert.equal(reply.code, 552);
    assert.equal((await client.command('MAIL FROM:<> SIZE=1000')).code, 250);
    await client.quit();
  });

  test('EHLO announces SIZE and no STARTTLS without a certificate', async () => {
    const { client } = await RawSmtpClient.greet(server.smtpPort);
    const ehlo = await client.command('EHLO mta.example.net');
    await client.quit();
    assert.match(ehlo.text, new RegExp(`^SIZE ${64 * 1024}$`, 'm'));
    assert.doesNotMatch(ehlo.text, /STARTTLS/);
    assert.doesNotMatch(ehlo.text, /AUTH/);
  });

  test('connections past the cap get 421 4.7.0', async () => {
    const open = await Promise.all([1, 2, 3, 4, 5, 6].map(() => RawSmtpClient.greet(server.smtpPort)));
    for (const { greeting } of open) assert.equal(greeting.code, 220);
    const { client: extra, greeting } = await RawSmtpClient.greet(server.smtpPort);
    assert.equal(greeting.code, 421);
    assert.match(greeting.text, /^4\.7\.0 /);
    extra.destroy();
    await Promise.all(open.map(({ client }) => client.quit()));
    // A slot frees when a session ends.
    await new Promise((r) => setTimeout(r, 50));
    const { client: again, greeting: g2 } = await RawSmtpClient.greet(server.smtpPort);
    assert.equal(g2.code, 220);
    await again.quit();
  });
});

describe('one address opening too many sessions', () => {
  test('gets 421 4.7.0 past MAX_CONNECTIONS_PER_IP, while another address is served', async () => {
    const local = await startTestServer(db.url, { MAX_CONNECTIONS_PER_IP: '2', SMTP_HOST: '::' });
    try {
      const open = await Promise.all([1, 2].map(() => RawSmtpClient.greet(local.smtpPort, '127.0.0.1')));
      const { client: third, greeting } = await RawSmtpClient.greet(local.smtpPort, '127.0.0.1');
      assert.equal(greeting.code, 421);
      assert.match(greeting.text, /^4\.7\.0 /);
      third.destroy();
      const { client: other, greeting: g2 } = await RawSmtpClient.greet(local.smtpPort, '::1');
      assert.equal(g2.code, 220, 'another client address is not limited');
      await other.quit();
      await Promise.all(open.map(({ client }) => client.quit()));
      const metrics = await (await fetch(`http://127.0.0.1:${local.httpPort}/metrics`)).text();
      assert.match(metrics, /^bounced_smtp_transactions_total\{result="rate_limited"\} 1$/m);
    } finally {
      await local.shutdown();
    }
  });
});

describe('the HTTP side', () => {
  test('/healthz, /readyz and /metrics answer, and metrics count what happened', async () => {
    const base = `http://127.0.0.1:${server.httpPort}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.match(metrics, /^bounced_smtp_transactions_total\{result="accepted"\} [1-9]\d*$/m);
    assert.match(metrics, /^bounced_smtp_transactions_total\{result="relay_refused"\} [1-9]\d*$/m);
    assert.match(metrics, /^bounced_smtp_transactions_total\{result="too_big"\} 1$/m);
    assert.match(metrics, /^bounced_smtp_connections_total\{result="refused_busy"\} 1$/m);
    assert.match(metrics, /^bounced_database_up 1$/m);
    assert.match(metrics, /^bounced_decode_backlog_messages \d+$/m);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  });
});
