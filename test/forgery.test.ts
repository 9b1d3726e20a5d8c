// Forged reports, sent as a stranger would, over real SMTP to the real server: none may put
// an address on the suppression list. Bounces that carry the send's own evidence (its
// token, its registered Message-ID) still quarantine the send's recipient within seconds.
// The samples are written here, in the shapes real MTAs use (RFC 3464, RFC 5965, an Exim
// text notice, an unsubscribe mail).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseKeyring } from '../src/config/keys.ts';
import { mintToken, returnPathAddress } from '../src/correlate/token.ts';
import type { RunningServer } from '../src/serve.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { deliver as deliverOver, waitForDecode } from './support/deliver.ts';
import { BOUNCE_DOMAIN, scrapeUntil, startTestServer } from './support/server.ts';
import { toCrlf } from './support/smtp-client.ts';

const KEYS = '9:forgery-test-secret-0123456789abcdefgh';
const API = 'forgery-test-registry-token-0123456789';
const ring = parseKeyring(KEYS);
let db: TestDatabase;
let open: RunningServer;
let strict: RunningServer;
let pool: pg.Pool;

const hourAgo = () => new Date(Date.now() - 3_600_000).toISOString();
const boundPath = (sendId: string, recipient: string) =>
  returnPathAddress(mintToken({ sendId, recipient, key: ring.current }), BOUNCE_DOMAIN);

before(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  open = await startTestServer(db.url, { TOKEN_KEYS: KEYS, SENT_API_TOKEN: API });
  // A second instance on the same database, with REQUIRE_TOKEN: the fixed local parts still take anything.
  strict = await startTestServer(db.url, { TOKEN_KEYS: KEYS, REQUIRE_TOKEN: 'true' });
  const res = await fetch(`http://127.0.0.1:${open.httpPort}/v1/sent-messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API}`, 'content-type': 'application/json' },
    body: JSON.stringify([
      {
        messageId: 'send-a@sender.example',
        recipient: 'alice@receiver.example',
        sendId: 'send-a',
        campaign: 'dec',
        sentAt: hourAgo(),
      },
      {
        messageId: 'send-b@sender.example',
        recipient: 'bob@receiver.example',
        sendId: 'send-b',
        campaign: 'dec',
        sentAt: hourAgo(),
      },
      {
        messageId: 'send-c@sender.example',
        recipient: 'carol@receiver.example',
        sendId: 'send-c',
        campaign: 'dec',
        sentAt: hourAgo(),
      },
      {
        messageId: 'send-d@sender.example',
        recipient: 'dave@receiver.example',
        sendId: 'send-d',
        campaign: 'dec',
        sentAt: hourAgo(),
      },
      {
        messageId: 'send-e@sender.example',
        recipient: 'erin@receiver.example',
        sendId: 'send-e',
        campaign: 'dec',
        sentAt: hourAgo(),
      },
    ]),
  });
  assert.equal(res.status, 200, await res.text());
});
after(async () => {
  await strict?.shutdown();
  await open?.shutdown();
  await pool?.end();
  await db?.drop();
});

/** An RFC 3464 report: one failed recipient, and the returned headers when given. */
function dsn(named: string, opts: { originalMessageId?: string; status?: string } = {}): string {
  const status = opts.status ?? '5.1.1';
  const returned = opts.originalMessageId
    ? `--B\nContent-Type: text/rfc822-headers\n\nFrom: news@sender.example\nTo: ${named}\n` +
      `Subject: December news\nMessage-ID: <${opts.originalMessageId}>\n\n`
    : '';
  return `From: MAILER-DAEMON@mx.relay.example
To: b@${BOUNCE_DOMAIN}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="B"

--B
Content-Type: text/plain

<${named}>: host mx.receiver.example said: 550 ${status} <${named}>: Recipient address rejected:
    User unknown (in reply to RCPT TO command)

--B
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.relay.example

Final-Recipient: rfc822; ${named}
Action: failed
Status: ${status}
Diagnostic-Code: smtp; 550 ${status} <${named}>: Recipient address rejected: User unknown

${returned}--B--
`;
}

/** An ARF abuse report (RFC 5965) about a message whose Message-ID is given. */
function arf(named: string, originalMessageId: string): string {
  return `From: <fbl@isp.example>
To: <fbl@${BOUNCE_DOMAIN}>
Subject: FW: December news
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="F"

--F
Content-Type: text/plain

This is an email abuse report.

--F
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeFBL/1.0
Version: 1
Original-Rcpt-To: <${named}>

--F
Content-Type: message/rfc822

From: <news@sender.example>
To: <${named}>
Subject: December news
Message-ID: <${originalMessageId}>

Buy now.
--F--
`;
}

/** "Remove me", as a reader's mail client sends it to a List-Unsubscribe mailto. */
function unsubscribe(from: string, inReplyTo?: string): string {
  return `From: <${from}>
To: <unsubscribe@${BOUNCE_DOMAIN}>
Subject: remove me
${inReplyTo ? `In-Reply-To: <${inReplyTo}>\n` : ''}Message-ID: <${Math.random().toString(36).slice(2)}@reader.example>

Please remove me from this list.
`;
}

/** An Exim-style text notice listing many failed addresses at many domains. */
function massNotice(addresses: string[]): string {
  const blocks = addresses.map(
    (a) => `  ${a}\n    SMTP error from remote mail server after RCPT TO:<${a}>:\n    550 5.1.1 <${a}>: User unknown\n`,
  );
  return `From: Mail Delivery System <Mailer-Daemon@relay.example>
To: b@${BOUNCE_DOMAIN}
Subject: Mail delivery failed: returning message to sender

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

${blocks.join('\n')}`;
}

const deliver = (server: RunningServer, raw: string, rcpt = `b@${BOUNCE_DOMAIN}`) =>
  deliverOver(server.smtpPort, toCrlf(Buffer.from(raw, 'latin1')), rcpt);

interface EventRow {
  id: string;
  recipient: string;
  named_recipient: string | null;
  kind: string;
  evidence: string;
  unapplied: string | null;
  correlation: string;
  send_id: string | null;
  standing_effect: string;
}

async function decoded(rawId: string): Promise<EventRow[]> {
  assert.equal(await waitForDecode(pool, rawId), 'decoded');
  const { rows } = await pool.query<EventRow>(
    `select id::text, recipient, named_recipient, kind, evidence, unapplied, correlation, send_id, standing_effect
       from bounce_events where raw_message_id = $1 order by recipient`,
    [rawId],
  );
  return rows;
}

async function suppressed(address: string): Promise<boolean> {
  const { rowCount } = await pool.query('select 1 from suppression_list where address = $1', [address]);
  return Boolean(rowCount);
}

describe('forged reports change nobody', () => {
  test('a DSN naming an address we never mailed', async () => {
    const rows = await decoded(await deliver(open, dsn('ceo@victim.example')));
    assert.deepEqual(
      rows.map((r) => [r.recipient, r.evidence, r.unapplied, r.standing_effect]),
      [['ceo@victim.example', 'none', 'no-evidence', 'none']],
    );
    assert.equal(await suppressed('ceo@victim.example'), false);
  });

  test('an ARF complaint naming an address, about a message that is not ours', async () => {
    const rows = await decoded(
      await deliver(open, arf('vip@victim.example', 'not-ours@evil.example'), `fbl@${BOUNCE_DOMAIN}`),
    );
    assert.deepEqual(
      rows.map((r) => [r.recipient, r.kind, r.unapplied]),
      [['vip@victim.example', 'feedback', 'no-evidence']],
    );
    assert.equal(await suppressed('vip@victim.example'), false);
  });

  test("a DSN through a real send's token return path, naming another address", async () => {
    // Bound token: the tag says the send went to alice, not to the address named.
    const bound = await decoded(
      await deliver(open, dsn('boss@victim.example'), boundPath('send-a', 'alice@receiver.example')),
    );
    assert.deepEqual(
      bound.map((r) => [r.recipient, r.correlation, r.send_id, r.evidence, r.unapplied]),
      [['boss@victim.example', 'token', 'send-a', 'none', 'not-the-send-recipient']],
    );
    // Unbound (version 1) token: the registry says who the send went to.
    const unbound = returnPathAddress(mintToken({ sendId: 'send-a', key: ring.current }), BOUNCE_DOMAIN);
    const rows = await decoded(await deliver(open, dsn('cfo@victim.example'), unbound));
    assert.deepEqual(
      rows.map((r) => [r.correlation, r.send_id, r.unapplied]),
      [['token', 'send-a', 'not-the-send-recipient']],
    );
    assert.equal(await suppressed('boss@victim.example'), false);
    assert.equal(await suppressed('cfo@victim.example'), false);
    assert.equal(await suppressed('alice@receiver.example'), false);
  });

  test('a DSN naming a recipient we sent to, no token, no original (a recent send is a guess)', async () => {
    const rows = await decoded(await deliver(open, dsn('bob@receiver.example')));
    assert.deepEqual(
      rows.map((r) => [r.recipient, r.correlation, r.evidence, r.unapplied]),
      [['bob@receiver.example', 'recent-send', 'weak', 'weak-evidence']],
    );
    assert.equal(await suppressed('bob@receiver.example'), false);
  });

  test('a "remove me" reply with a forged From:, alone or answering a real send of someone else', async () => {
    const alone = await decoded(
      await deliver(open, unsubscribe('victim2@victim.example'), `unsubscribe@${BOUNCE_DOMAIN}`),
    );
    assert.deepEqual(
      alone.map((r) => [r.recipient, r.kind, r.unapplied]),
      [['victim2@victim.example', 'feedback', 'no-evidence']],
    );
    // Answering carol's newsletter: the request is about carol's send, so it is carol who
    // opted out; the From: names nobody we act on.
    const reply = await decoded(
      await deliver(
        open,
        unsubscribe('victim3@victim.example', 'send-c@sender.example'),
        `unsubscribe@${BOUNCE_DOMAIN}`,
      ),
    );
    assert.deepEqual(
      reply.map((r) => [r.recipient, r.named_recipient, r.evidence, r.unapplied, r.standing_effect]),
      [['carol@receiver.example', 'victim3@victim.example', 'authenticated', null, 'complained']],
    );
    assert.equal(await suppressed('victim2@victim.example'), false);
    assert.equal(await suppressed('victim3@victim.example'), false);
  });

  test('one notice listing 2,400 addresses at 60 domains, our recipients among them (written in chunks)', async () => {
    const addresses = Array.from({ length: 2400 }, (_, i) => `user${i}@domain${i % 60}.example`);
    addresses.splice(100, 0, 'erin@receiver.example'); // a real recent send: still only a guess
    const rows = await decoded(await deliver(open, massNotice(addresses)));
    assert.equal(rows.length, 2401);
    assert.deepEqual(
      rows.filter((r) => r.standing_effect !== 'none'),
      [],
    );
    const why = new Map<string, number>();
    for (const r of rows) why.set(String(r.unapplied), (why.get(String(r.unapplied)) ?? 0) + 1);
    assert.deepEqual(Object.fromEntries(why), { 'no-evidence': 2400, 'weak-evidence': 1 });
    // The breaker counted every one of them (proven or not), in one row per domain and minute.
    const { rows: counted } = await pool.query(
      `select sum(total)::int as n from domain_bounce_minutes where domain like 'domain%.example'`,
    );
    assert.equal(counted[0].n, 2400);
    const { rows: listed } = await pool.query(
      `select count(*)::int as n from suppression_list where domain like 'domain%.example'
       or address = 'erin@receiver.example'`,
    );
    assert.equal(listed[0].n, 0);
  });

  test('with REQUIRE_TOKEN, postmaster, abuse and the feedback loop take anything; it changes nobody', async () => {
    for (const local of ['postmaster', 'abuse', 'fbl']) {
      const rows = await decoded(
        await deliver(strict, dsn(`${local}-victim@victim.example`), `${local}@${BOUNCE_DOMAIN}`),
      );
      assert.deepEqual(
        rows.map((r) => r.unapplied),
        ['no-evidence'],
        local,
      );
    }
    // One valid token, replayed to name another address.
    const rows = await decoded(
      await deliver(strict, dsn('replayed@victim.example'), boundPath('send-b', 'bob@receiver.example')),
    );
    assert.deepEqual(
      rows.map((r) => r.unapplied),
      ['not-the-send-recipient'],
    );
    const { rows: listed } = await pool.query(`select address from suppression_list where domain = 'victim.example'`);
    assert.deepEqual(listed, []);
  });

  test('facts recorded and not applied are counted by evidence', async () => {
    const expected = [
      /^bounced_fact_evidence_total\{evidence="none",outcome="no-evidence"\} [1-9]\d*$/m,
      /^bounced_fact_evidence_total\{evidence="none",outcome="not-the-send-recipient"\} [1-9]\d*$/m,
      /^bounced_fact_evidence_total\{evidence="weak",outcome="weak-evidence"\} [1-9]\d*$/m,
    ];
    const metrics = await scrapeUntil(open.httpPort, expected);
    for (const pattern of expected) assert.match(metrics, pattern);
  });
});

describe('real bounces still act', () => {
  test("a bounce through the send's bound token quarantines its recipient, and the list says why", async () => {
    const rawId = await deliver(open, dsn('alice@receiver.example'), boundPath('send-a', 'alice@receiver.example'));
    const rows = await decoded(rawId);
    assert.deepEqual(
      rows.map((r) => [r.recipient, r.evidence, r.unapplied, r.standing_effect]),
      [['alice@receiver.example', 'authenticated', null, 'quarantined']],
    );
    const { rows: listed } = await pool.query(
      `select state, reason, raw_message_id::text, cause, actor, evidence, correlation, sent_message_id
       from suppression_list where address = 'alice@receiver.example'`,
    );
    assert.deepEqual(listed, [
      {
        state: 'quarantined',
        reason: 'userunknown',
        raw_message_id: rawId,
        cause: 'event',
        actor: 'bounced',
        evidence: 'authenticated',
        correlation: 'token',
        sent_message_id: 'send-a@sender.example',
      },
    ]);
  });

  test('a bounce whose returned original carries a registered Message-ID quarantines its recipient', async () => {
    const rows = await decoded(
      await deliver(open, dsn('dave@receiver.example', { originalMessageId: 'send-d@sender.example' })),
    );
    assert.deepEqual(
      rows.map((r) => [r.recipient, r.correlation, r.evidence, r.standing_effect]),
      [['dave@receiver.example', 'message-id', 'authenticated', 'quarantined']],
    );
    assert.equal(await suppressed('dave@receiver.example'), true);
  });

  test("an ARF complaint about a registered send suppresses that send's recipient", async () => {
    const rows = await decoded(
      await deliver(open, arf('erin@receiver.example', 'send-e@sender.example'), `fbl@${BOUNCE_DOMAIN}`),
    );
    assert.deepEqual(
      rows.map((r) => [r.recipient, r.evidence, r.standing_effect]),
      [['erin@receiver.example', 'authenticated', 'complained']],
    );
  });
});

describe('an operator applies what was not applied', () => {
  test('unapplied_facts lists the weak fact; bounced apply applies it and the history names the operator', async () => {
    const { rows } = await pool.query(
      `select event_id::text, why, evidence, remote_ip from unapplied_facts where recipient = 'bob@receiver.example'`,
    );
    assert.equal(rows.length, 1);
    assert.deepEqual(
      { why: rows[0].why, evidence: rows[0].evidence, ip: rows[0].remote_ip },
      { why: 'weak-evidence', evidence: 'weak', ip: '127.0.0.1' },
    );
    const bin = fileURLToPath(new URL('../bin/bounced.js', import.meta.url));
    const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
    const dry = spawnSync(process.execPath, [bin, 'apply', '--event', rows[0].event_id, '--dry-run'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /would apply 1 fact/);
    assert.equal(await suppressed('bob@receiver.example'), false);
    const real = spawnSync(
      process.execPath,
      [bin, 'apply', '--event', rows[0].event_id, '--actor', 'maria', '--note', 'checked with the ISP'],
      { env, encoding: 'utf8' },
    );
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stdout, /"effect":"quarantined"/);
    const { rows: listed } = await pool.query(
      `select cause, actor, note from suppression_list where address = 'bob@receiver.example'`,
    );
    assert.deepEqual(listed, [{ cause: 'operator', actor: 'cli:maria', note: 'checked with the ISP' }]);
    const left = await pool.query(`select 1 from unapplied_facts where event_id = $1`, [rows[0].event_id]);
    assert.equal(left.rowCount, 0);
    // Applied once: a second run finds nothing to apply.
    const again = spawnSync(process.execPath, [bin, 'apply', '--event', rows[0].event_id], { env, encoding: 'utf8' });
    assert.equal(again.status, 1);
    assert.equal(spawnSync(process.execPath, [bin, 'apply'], { env, encoding: 'utf8' }).status, 2);
  });
});
