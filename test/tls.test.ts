// STARTTLS with a configured certificate: offered in EHLO, TLS 1.2 or later only, and the
// protocol recorded with the stored message.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { ConnectionOptions } from 'node:tls';
import nodemailer from 'nodemailer';
import pg from 'pg';
import type { RunningServer } from '../src/serve.ts';
import { selfSignedCertificate } from './support/certificate.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { BOUNCE_DOMAIN, startTestServer } from './support/server.ts';
import { RawSmtpClient } from './support/smtp-client.ts';

let db: TestDatabase;
let server: RunningServer;
let folder: string;

before(async () => {
  folder = mkdtempSync(join(tmpdir(), 'bounced-tls-'));
  const { certFile, keyFile } = selfSignedCertificate(folder, 'mx.bounces.example.com');
  db = await createTestDatabase();
  server = await startTestServer(db.url, {
    TLS_CERT_FILE: certFile,
    TLS_KEY_FILE: keyFile,
  });
});

after(async () => {
  await server?.shutdown();
  await db?.drop();
  rmSync(folder, { recursive: true, force: true });
});

/** A real SMTP client that insists on STARTTLS, with these TLS options (our test certificate is self-signed). */
function starttls(tls: ConnectionOptions) {
  return nodemailer.createTransport({ host: '127.0.0.1', port: server.smtpPort, secure: false, requireTLS: true, tls });
}

test('EHLO offers STARTTLS when a certificate is configured', async () => {
  const { client } = await RawSmtpClient.greet(server.smtpPort);
  const ehlo = await client.command('EHLO mx.example.net');
  await client.quit();
  assert.match(ehlo.text, /^STARTTLS$/m);
});

test('a message over STARTTLS is stored with its TLS version', async () => {
  const transport = starttls({ rejectUnauthorized: false });
  const info = await transport.sendMail({
    envelope: { from: '', to: [`b@${BOUNCE_DOMAIN}`] },
    raw: Buffer.from('X-Marker: over-tls\r\nSubject: tls\r\n\r\nbody\r\n'),
  });
  transport.close();
  assert.match(info.response, /^250 /);
  const check = new pg.Client({ connectionString: db.url });
  await check.connect();
  const { rows } = await check.query(
    `select tls_protocol from raw_messages where position('over-tls'::bytea in raw) > 0`,
  );
  await check.end();
  assert.equal(rows.length, 1);
  assert.match(rows[0].tls_protocol, /^TLSv1\.[23]$/);
});

test('a client limited to TLS 1.2 is served', async () => {
  const transport = starttls({ rejectUnauthorized: false, maxVersion: 'TLSv1.2' });
  const info = await transport.sendMail({
    envelope: { from: '', to: [`b@${BOUNCE_DOMAIN}`] },
    raw: Buffer.from('Subject: tls12\r\n\r\nx\r\n'),
  });
  transport.close();
  assert.match(info.response, /^250 /);
});

test('a client that offers only TLS 1.1 cannot complete the handshake', async () => {
  const transport = starttls({
    rejectUnauthorized: false,
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1.1',
    ciphers: 'DEFAULT@SECLEVEL=0',
  });
  await assert.rejects(
    transport.sendMail({
      envelope: { from: '', to: [`b@${BOUNCE_DOMAIN}`] },
      raw: Buffer.from('Subject: old\r\n\r\nx\r\n'),
    }),
  );
  transport.close();
});
