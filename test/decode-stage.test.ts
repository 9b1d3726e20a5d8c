// The whole way in the server: a bounce arrives over SMTP, is stored, then decoded after
// the 250 with the built-in rules and the operators' rules from classification_rules.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import pg from 'pg';
import type { RunningServer } from '../src/serve.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { BOUNCE_DOMAIN, scrapeUntil, startTestServer } from './support/server.ts';
import { RawSmtpClient, toCrlf } from './support/smtp-client.ts';

let db: TestDatabase;
let server: RunningServer;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  // An operator's rule for a provider's own wording, added without a release.
  await pool.query(
    `insert into classification_rules (id, reason, text_pattern, example)
     values ('acme-overflow', 'mailboxfull', 'acme box overflow', '550 acme box overflow'),
            ('broken', 'blocked', '(', 'a rule that does not compile is skipped')`,
  );
  server = await startTestServer(db.url);
});
after(async () => {
  await server?.shutdown();
  await pool?.end();
  await db?.drop();
});

async function send(raw: Buffer): Promise<string> {
  const { client } = await RawSmtpClient.greet(server.smtpPort);
  await client.command('EHLO mx.example.net');
  const reply = await client.send('', [`b+x@${BOUNCE_DOMAIN}`], raw);
  await client.quit();
  assert.equal(reply.code, 250);
  return /stored as (\d+)/.exec(reply.text)![1]!;
}

async function decoded(id: string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { rows } = await pool.query('select decode_state, report_kind, report from raw_messages where id = $1', [id]);
    if (rows[0]?.decode_state !== 'pending') return rows[0];
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`message ${id} was not decoded in 15 s`);
}

test('a DSN is decoded after the 250 and its report stored with the message', async () => {
  const raw = toCrlf(readFileSync(new URL('./fixtures/decoder/dsn/postfix-rcpt-unknown.eml', import.meta.url)));
  const row = await decoded(await send(raw));
  assert.equal(row.decode_state, 'decoded');
  assert.equal(row.report_kind, 'bounce');
  assert.equal(row.report.recipients[0].address, 'alice@receiver.example');
  assert.equal(row.report.recipients[0].reason, 'userunknown');
  assert.equal(row.report.recipients[0].type, 'hard');
  assert.equal(row.report.envelopeId, 'send-42');
});

test("an operator's rule from classification_rules decides before the built-in ones", async () => {
  const raw = Buffer.from(
    'From: MAILER-DAEMON@mx.sender.example\r\nTo: b+x@bounces.example.com\r\nSubject: Undelivered Mail\r\n\r\n' +
      '<nina@acme.example>: host mx.acme.example[192.0.2.9] said: 550 5.1.1 acme box overflow ' +
      '(in reply to RCPT TO command)\r\n',
  );
  const row = await decoded(await send(raw));
  assert.equal(row.report.recipients[0].reason, 'mailboxfull');
  assert.equal(row.report.recipients[0].rule, 'custom.acme-overflow');
});

test('metrics count decoded reports and recipient facts by type and reason', async () => {
  const expected = [
    /^bounced_decode_messages_total\{result="decoded"\} [2-9]\d*$/m,
    /^bounced_decode_reports_total\{kind="bounce"\} [2-9]\d*$/m,
    /^bounced_decode_recipient_facts_total\{type="hard",reason="userunknown"\} [1-9]\d*$/m,
    /^bounced_classification_rules_loaded 1$/m,
  ];
  const text = await scrapeUntil(server.httpPort, expected);
  for (const pattern of expected) assert.match(text, pattern);
});
