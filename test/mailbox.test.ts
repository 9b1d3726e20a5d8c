// Mailbox ingest against a real Dovecot on loopback: POP3 and IMAP, plain, STARTTLS and
// TLS with a self-signed certificate; everything stored exactly once; a session broken
// between commit and delete loses and duplicates nothing; a wrong password says so.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { pino } from 'pino';
import { Spool } from '../src/ingest/spool.ts';
import { fetchOnce } from '../src/mailbox/fetch.ts';
import { openMailbox, parseMailboxUrl } from '../src/mailbox/session.ts';
import { createPool } from '../src/store/database.ts';
import { corpusMessage } from './support/corpus.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { DOVECOT, type Dovecot, startDovecot } from './support/dovecot.ts';

const BIN = fileURLToPath(new URL('../bin/bounced.js', import.meta.url));
const BOUNCES = [
  'lhost-postfix-01.eml',
  'lhost-exim-01.eml',
  'lhost-qmail-01.eml',
  'lhost-sendmail-01.eml',
  'rfc3464-01.eml',
];
const NOT_A_BOUNCE = Buffer.from(
  'From: Shop <shop@store.example>\r\nTo: bounces@example.com\r\nSubject: Our ' +
    'offers\r\nMessage-ID: <offer-77@store.example>\r\n\r\nBuy things.\r\n',
);
const silent = pino({ level: 'silent' });

let db: TestDatabase;
let pool: pg.Pool;
let dovecot: Dovecot;

before(async () => {
  assert.ok(
    existsSync(DOVECOT),
    'dovecot is not installed: scripts/install-test-deps.sh installs it (npm test runs it)',
  );
  db = await createTestDatabase();
  pool = createPool(db.url, { max: 4, timeoutMs: 10_000 }, silent);
  dovecot = await startDovecot();
});
after(async () => {
  await dovecot?.stop();
  await pool?.end();
  await db?.drop();
});

function fetchCli(url: string, extra: string[] = [], password = dovecot.password) {
  return spawnSync(process.execPath, [BIN, 'fetch', url, '--once', ...extra], {
    env: { ...process.env, DATABASE_URL: db.url, MAILBOX_PASSWORD: password, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

/** POP3 on the plain port, upgraded with STLS (the password never goes out in clear). */
const pop3Url = () => `pop3://bounces@127.0.0.1:${dovecot.ports.pop3}?starttls=1`;
function pop3Cli(extra: string[] = [], password = dovecot.password) {
  return fetchCli(pop3Url(), ['--ca', dovecot.certFile, ...extra], password);
}

async function stored(source: string): Promise<number> {
  const { rows } = await pool.query('select count(*)::int as n from raw_messages where source = $1', [source]);
  return rows[0].n;
}

describe('POP3', () => {
  test('bounces are stored once and deleted; other mail is stored and kept; a second run changes nothing', async () => {
    for (const f of BOUNCES) dovecot.deliver(corpusMessage(f), f);
    dovecot.deliver(NOT_A_BOUNCE, 'offer');
    const first = pop3Cli();
    assert.equal(first.status, 0, first.stderr);
    const summary = JSON.parse(first.stdout.trim().split('\n').pop()!);
    assert.deepEqual(
      { stored: summary.stored, removed: summary.removed, kept: summary.kept },
      { stored: 6, removed: 5, kept: 1 },
    );
    assert.equal(await stored('pop3'), 6);
    assert.equal(dovecot.count(), 1, 'only the non-bounce is left');
    const second = pop3Cli();
    assert.equal(second.status, 0, second.stderr);
    assert.equal(await stored('pop3'), 6);
    assert.equal(dovecot.count(), 1);
  });

  test('a session broken after the commit and before the delete loses nothing and stores nothing twice', async () => {
    const before = await stored('pop3');
    for (const f of BOUNCES.slice(0, 3))
      dovecot.deliver(Buffer.concat([Buffer.from(`X-Run: broken-${f}\r\n`), corpusMessage(f)]), f);
    const spool = new Spool(pool, {
      windowMs: 0,
      maxBatch: 10,
      deadlineMs: 10_000,
      maxConcurrentCommits: 1,
      instance: 'test',
    });
    const target = parseMailboxUrl(pop3Url());
    const trust = { caFile: dovecot.certFile };
    const limits = { maxMessages: 100, maxBytes: 1e9, maxMessageBytes: 1e7, nonBounce: 'keep' as const };
    const session = await openMailbox(target, dovecot.password, trust);
    await assert.rejects(
      fetchOnce(session, { pool, sink: spool, log: silent, afterStore: () => session.abort() }, limits),
    );
    assert.equal(await stored('pop3'), before + 1, 'the first message was committed');
    assert.equal(dovecot.count(), 4, 'nothing was deleted (no QUIT)');
    const again = await openMailbox(target, dovecot.password, trust);
    const summary = await fetchOnce(again, { pool, sink: spool, log: silent }, limits);
    await again.close();
    await spool.close();
    assert.equal(summary.stored, 2);
    assert.equal(await stored('pop3'), before + 3, 'each message stored exactly once');
    assert.equal(dovecot.count(), 1);
  });

  test('at most --max-messages per session', async () => {
    for (const f of BOUNCES.slice(0, 3))
      dovecot.deliver(Buffer.concat([Buffer.from(`X-Run: limit-${f}\r\n`), corpusMessage(f)]), f);
    const r = pop3Cli(['--max-messages', '2']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(dovecot.count(), 2, 'one bounce and the kept non-bounce are left');
    assert.equal(pop3Cli().status, 0);
    assert.equal(dovecot.count(), 1);
  });

  test('POP3S with a self-signed certificate works when told to trust it, and only then', async () => {
    dovecot.deliver(corpusMessage('lhost-exim-05.eml'), 'tls');
    const untrusted = fetchCli(`pop3s://bounces@127.0.0.1:${dovecot.ports.pop3s}`);
    assert.equal(untrusted.status, 1);
    assert.match(untrusted.stderr, /certificate/i);
    const trusted = fetchCli(`pop3s://bounces@127.0.0.1:${dovecot.ports.pop3s}`, ['--ca', dovecot.certFile]);
    assert.equal(trusted.status, 0, trusted.stderr);
    assert.equal(dovecot.count(), 1);
  });

  test('the password is not sent in clear unless the operator allows it', () => {
    dovecot.deliver(Buffer.concat([Buffer.from('X-Run: plain\r\n'), corpusMessage('lhost-postfix-01.eml')]), 'plain');
    const refused = fetchCli(`pop3://bounces@127.0.0.1:${dovecot.ports.pop3}`);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /refusing to send the password without TLS/);
    assert.equal(dovecot.count(), 2, 'nothing fetched');
    const allowed = fetchCli(`pop3://bounces@127.0.0.1:${dovecot.ports.pop3}`, ['--allow-plaintext-login']);
    assert.equal(allowed.status, 0, allowed.stderr);
    assert.equal(dovecot.count(), 1);
  });

  test('a message over MAX_MESSAGE_BYTES stays in the mailbox, the first one of a session too', async () => {
    // A bounce with 8 KB of epilogue after its last boundary.
    const big = Buffer.concat([
      Buffer.from('X-Run: big\r\n'),
      corpusMessage('lhost-postfix-04.eml'),
      Buffer.from('\r\n'),
      Buffer.alloc(8000, 'b'),
      Buffer.from('\r\n'),
    ]);
    dovecot.deliver(big, 'big');
    const before = await stored('pop3');
    const r = spawnSync(process.execPath, [BIN, 'fetch', pop3Url(), '--once', '--ca', dovecot.certFile], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        MAILBOX_PASSWORD: dovecot.password,
        LOG_LEVEL: 'silent',
        MAX_MESSAGE_BYTES: '4096',
      },
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout.trim().split('\n').pop()!).tooBig, 1);
    assert.equal(await stored('pop3'), before);
    assert.equal(dovecot.count(), 2, 'the big one and the kept non-bounce are left');
    assert.equal(pop3Cli().status, 0, 'with the default limit it is fetched');
    assert.equal(dovecot.count(), 1);
  });

  test('a wrong password is a clear error and a non-zero exit', () => {
    const r = pop3Cli([], 'wrong-password');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /login refused/);
  });
});

describe('alongside serve', () => {
  test('FETCH_URL makes serve poll the mailbox; what it fetches is decoded like SMTP mail', async () => {
    const { startTestServer } = await import('./support/server.ts');
    dovecot.deliver(Buffer.concat([Buffer.from('X-Run: serve\r\n'), corpusMessage('lhost-postfix-03.eml')]), 'serve');
    const server = await startTestServer(db.url, {
      FETCH_URL: pop3Url(),
      FETCH_CA_FILE: dovecot.certFile,
      MAILBOX_PASSWORD: dovecot.password,
      FETCH_INTERVAL_SECONDS: '5',
    });
    try {
      const deadline = Date.now() + 20_000;
      let row: { decode_state: string; report_kind: string } | undefined;
      while (Date.now() < deadline) {
        const { rows } = await pool.query(
          `select decode_state, report_kind from raw_messages where position('X-Run: serve'::bytea in raw) > 0`,
        );
        row = rows[0];
        if (row?.decode_state === 'decoded') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.deepEqual(row, { decode_state: 'decoded', report_kind: 'bounce' });
      const metrics = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
      assert.match(metrics, /^bounced_mailbox_messages_total\{result="removed"\} [1-9]\d*$/m);
    } finally {
      await server.shutdown();
    }
  });
});

describe('IMAP', () => {
  test('IMAPS (trusted self-signed): bounces deleted, other mail moved aside, stored once', async () => {
    for (const f of BOUNCES.slice(0, 2))
      dovecot.deliver(Buffer.concat([Buffer.from(`X-Run: imap-${f}\r\n`), corpusMessage(f)]), f);
    const r = fetchCli(`imaps://bounces@127.0.0.1:${dovecot.ports.imaps}/INBOX`, [
      '--ca',
      dovecot.certFile,
      '--non-bounce',
      'move',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.equal(summary.removed, 2);
    assert.equal(summary.kept, 1);
    assert.equal(dovecot.count(), 0, 'the non-bounce was moved out of INBOX');
    // The non-bounce was stored already (by the POP3 run): the same bytes are not stored twice.
    assert.equal(summary.alreadyStored, 1);
    assert.equal(await stored('imap'), 2);
    assert.equal(
      fetchCli(`imaps://bounces@127.0.0.1:${dovecot.ports.imaps}/INBOX`, ['--ca', dovecot.certFile]).status,
      0,
    );
    assert.equal(await stored('imap'), 2);
  });

  test('IMAP with STARTTLS, and a wrong password', async () => {
    dovecot.deliver(
      Buffer.concat([Buffer.from('X-Run: starttls\r\n'), corpusMessage('lhost-postfix-02.eml')]),
      'starttls',
    );
    const r = fetchCli(`imap://bounces@127.0.0.1:${dovecot.ports.imap}/INBOX?starttls=1`, ['--ca', dovecot.certFile]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(dovecot.count(), 0);
    const wrong = fetchCli(
      `imaps://bounces@127.0.0.1:${dovecot.ports.imaps}/INBOX`,
      ['--ca', dovecot.certFile],
      'wrong',
    );
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /login refused/);
  });

  test('a password in the URL is refused before any connection', () => {
    const r = fetchCli(`imaps://bounces:secret@127.0.0.1:${dovecot.ports.imaps}/INBOX`);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /MAILBOX_PASSWORD/);
  });
});
