// Linking bounces to sends, and what they do to each address, through the whole server:
// the registry endpoint, each correlation method with a real bounce rewritten to carry a
// known id or token, standing and the suppression list, the outage breaker and release.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { parseKeyring } from '../src/config/keys.ts';
import { mintToken, returnPathAddress } from '../src/correlate/token.ts';
import type { RunningServer } from '../src/serve.ts';
import { corpusMessage } from './support/corpus.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { BOUNCE_DOMAIN, scrapeUntil, startTestServer } from './support/server.ts';
import { RawSmtpClient, toCrlf } from './support/smtp-client.ts';

const KEYS = '3:correlation-test-secret-0123456789abcdef';
const API = 'registry-secret-0123456789abcdef-0123';
const ring = parseKeyring(KEYS);
let db: TestDatabase;
let server: RunningServer;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  server = await startTestServer(db.url, {
    TOKEN_KEYS: KEYS,
    SENT_API_TOKEN: API,
    BREAKER_MIN_HARD: '5',
    BREAKER_MIN_PERCENT: '50',
    BREAKER_WINDOW_MINUTES: '10',
  });
});
after(async () => {
  await server?.shutdown();
  await pool?.end();
  await db?.drop();
});

const fixture = (name: string) =>
  toCrlf(readFileSync(new URL(`./fixtures/decoder/${name}`, import.meta.url))).toString('latin1');

async function register(batch: unknown, token = API) {
  const res = await fetch(`http://127.0.0.1:${server.httpPort}/v1/sent-messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  return { status: res.status, body: await res.text() };
}

async function deliver(raw: string | Buffer, rcpt = `b@${BOUNCE_DOMAIN}`): Promise<string> {
  const { client } = await RawSmtpClient.greet(server.smtpPort);
  await client.command('EHLO mx.example.net');
  const reply = await client.send('', [rcpt], Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1'));
  await client.quit();
  assert.equal(reply.code, 250, reply.text);
  return /stored as (\d+)/.exec(reply.text)![1]!;
}

async function eventsOf(rawId: string) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    const { rows } = await pool.query(`select decode_state from raw_messages where id = $1`, [rawId]);
    if (rows[0]?.decode_state === 'decoded') break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const { rows } = await pool.query(
    `select recipient, kind, reason, type, correlation, sent_message_id, send_id, campaign, standing_effect
       from bounce_events where raw_message_id = $1 order by recipient`,
    [rawId],
  );
  return rows;
}

describe('the sent-message registry', () => {
  test('POST /v1/sent-messages needs the bearer token, checks the batch, and stores each message once', async () => {
    assert.equal((await register([], 'wrong')).status, 401);
    assert.equal((await register({ not: 'an array' })).status, 400);
    const bad = await register([{ messageId: 'x@y', recipient: 'not an address' }]);
    assert.equal(bad.status, 400);
    assert.match(bad.body, /item 0: "recipient"/);
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const batch = [
      // The sends the corpus bounces below belong to.
      {
        messageId: 'postfix-01-send@sender.example',
        recipient: 'kijitora@example.co.jp',
        campaign: 'corpus-token',
        sendId: 'send-tok-1',
      },
      { messageId: '<FFFFFFFF.0000000@example.co.jp>', recipient: 'kijitora@example.org', campaign: 'corpus-mid' },
      {
        messageId: 'envid-send@sender.example',
        recipient: 'kijitora@example.org',
        campaign: 'corpus-envid',
        envelopeId: 'corpus-envid-1',
      },
      {
        messageId: 'xhdr-send@sender.example',
        recipient: 'kijitora@example.org',
        campaign: 'corpus-xhdr',
        sendId: 'corpus-send-9',
      },
      {
        messageId: '25203A4E-F90F-4A14-BF51-3E7B9D39BE8E@libsisimai.org',
        recipient: 'kijitora@apple.example.com',
        campaign: 'corpus-reply',
      },
      {
        messageId: 'recent-send@sender.example',
        recipient: 'kijitora@example.ed.jp',
        campaign: 'corpus-recent',
        sentAt: hourAgo,
      },
      // The sends of the standing tests.
      { messageId: '<tok123@bounces.example.com>', recipient: 'Alice@Receiver.example', campaign: 'nov-news' },
      { messageId: 't8@bounces.example.com', recipient: 'heidi@corp.example', campaign: 'nov-news' },
    ];
    const first = await register(batch);
    assert.equal(first.status, 200, first.body);
    assert.deepEqual(JSON.parse(first.body), { inserted: 8, duplicates: 0 });
    assert.deepEqual(JSON.parse((await register(batch)).body), { inserted: 0, duplicates: 8 });
    const { rows } = await pool.query(
      `select recipient, campaign from sent_messages where message_id = 'tok123@bounces.example.com'`,
    );
    assert.deepEqual(rows, [{ recipient: 'alice@receiver.example', campaign: 'nov-news' }]);
  });
});

/** A corpus bounce whose returned original had another Message-ID, and maybe more headers. */
function postfix05(extraOriginalHeader = ''): string {
  return corpusMessage('lhost-postfix-05.eml')
    .toString('latin1')
    .replace(
      'Message-ID: <FFFFFFFF.0000000@example.co.jp>',
      `Message-ID: <not-registered@example.co.jp>${extraOriginalHeader}`,
    );
}

describe('correlation, with real bounces of the corpus', () => {
  test('token in the envelope recipient (sent to b+TOKEN@…)', async () => {
    const token = mintToken({ sendId: 'send-tok-1', key: ring.current });
    const rows = await eventsOf(
      await deliver(corpusMessage('lhost-postfix-01.eml'), returnPathAddress(token, BOUNCE_DOMAIN)),
    );
    assert.equal(rows.length, 1);
    assert.deepEqual(
      {
        correlation: rows[0].correlation,
        send: rows[0].send_id,
        sent: rows[0].sent_message_id,
        campaign: rows[0].campaign,
      },
      { correlation: 'token', send: 'send-tok-1', sent: 'postfix-01-send@sender.example', campaign: 'corpus-token' },
    );
  });

  test('token as the Message-ID of the returned original', async () => {
    const token = mintToken({ sendId: 'send-tok-1', key: ring.current });
    const raw = corpusMessage('lhost-postfix-04.eml')
      .toString('latin1')
      .replace('<A8F82EDD-E518-4F5C-8C70-BC4EFF24AB9F@example.ne.jp>', `<${token}@${BOUNCE_DOMAIN}>`);
    const rows = await eventsOf(await deliver(raw));
    assert.ok(rows.length >= 1);
    for (const row of rows)
      assert.deepEqual({ c: row.correlation, s: row.send_id }, { c: 'message-id', s: 'send-tok-1' });
  });

  test('a registered Message-ID', async () => {
    const rows = await eventsOf(await deliver(corpusMessage('lhost-postfix-05.eml')));
    assert.deepEqual(
      { c: rows[0].correlation, campaign: rows[0].campaign },
      { c: 'message-id', campaign: 'corpus-mid' },
    );
  });

  test('ENVID (Original-Envelope-Id) when the Message-ID is unknown', async () => {
    const raw = postfix05().replace(/^(Reporting-MTA: .*)$/m, '$1\r\nOriginal-Envelope-Id: corpus-envid-1');
    const rows = await eventsOf(await deliver(raw));
    assert.deepEqual(
      { c: rows[0].correlation, campaign: rows[0].campaign },
      { c: 'envelope-id', campaign: 'corpus-envid' },
    );
  });

  test('a configured X- header of the original', async () => {
    const rows = await eventsOf(await deliver(postfix05('\r\nX-Bounced-Send-Id: corpus-send-9')));
    assert.deepEqual(
      { c: rows[0].correlation, campaign: rows[0].campaign },
      { c: 'x-header', campaign: 'corpus-xhdr' },
    );
  });

  test("an auto-reply's In-Reply-To", async () => {
    const rows = await eventsOf(await deliver(corpusMessage('rfc3834-03.eml')));
    assert.deepEqual(
      { kind: rows[0].kind, c: rows[0].correlation, campaign: rows[0].campaign },
      { kind: 'autoreply', c: 'in-reply-to', campaign: 'corpus-reply' },
    );
  });

  test('last resort: a recent send to the same recipient; and nothing at all', async () => {
    const recent = await eventsOf(await deliver(corpusMessage('lhost-exim-01.eml')));
    assert.deepEqual(
      { c: recent[0].correlation, campaign: recent[0].campaign },
      { c: 'recent-send', campaign: 'corpus-recent' },
    );
    const none = await eventsOf(await deliver(corpusMessage('lhost-qmail-01.eml')));
    assert.equal(none[0].correlation, 'none');
    const expected = [
      /^bounced_correlation_total\{method="none"\} [1-9]\d*$/m,
      /^bounced_correlation_total\{method="token"\} [1-9]\d*$/m,
    ];
    const metrics = await scrapeUntil(server.httpPort, expected);
    for (const pattern of expected) assert.match(metrics, pattern);
  });
});

describe('standing', () => {
  test('a hard bounce puts the address on the suppression list, with its history', async () => {
    await eventsOf(await deliver(fixture('dsn/postfix-rcpt-unknown.eml')));
    const { rows } = await pool.query(
      `select address, state, reason from suppression_list where address = 'alice@receiver.example'`,
    );
    assert.deepEqual(rows, [{ address: 'alice@receiver.example', state: 'quarantined', reason: 'userunknown' }]);
    const history = await pool.query(
      `select from_state, to_state, cause from address_standing_history where address = 'alice@receiver.example'
       order by id`,
    );
    assert.deepEqual(history.rows[0], { from_state: 'fine', to_state: 'quarantined', cause: 'event' });
  });

  test('sender-caused failures and auto-replies leave the address alone', async () => {
    await eventsOf(await deliver(fixture('text/cr-only-blocklist.eml')));
    await eventsOf(await deliver(fixture('other/vacation.eml')));
    const { rows } = await pool.query(
      `select address from address_standing where address in ('frank@blocked.example', 'heidi@corp.example')
       and state <> 'fine'`,
    );
    assert.deepEqual(rows, []);
  });

  test('the same soft bounce received twice is counted once', async () => {
    const raw = fixture('text/exim-quota.eml')
      .replace('dave@quota.example', 'zed@quota.example')
      .replace(/dave@quota\.example/g, 'zed@quota.example');
    // Two copies through the send's own return path (two tokens of one send: a remote MTA retrying
    // with another envelope).
    const returnPath = () =>
      returnPathAddress(
        mintToken({ sendId: 'send-zed', recipient: 'zed@quota.example', key: ring.current }),
        BOUNCE_DOMAIN,
      );
    const first = returnPath();
    let second = returnPath();
    while (second === first) second = returnPath();
    await eventsOf(await deliver(raw, first));
    await eventsOf(await deliver(raw, second));
    const { rows } = await pool.query(
      `select state, soft_count from address_standing where address = 'zed@quota.example'`,
    );
    assert.deepEqual(rows, [{ state: 'soft_bouncing', soft_count: 1 }]);
  });

  test('a redacted complaint (no recipient named) is the recipient of the send it returns', async () => {
    assert.equal(
      (
        await register([
          { messageId: 'redacted-1@bounces.example.com', recipient: 'ruth@isp.example', campaign: 'redacted' },
        ])
      ).status,
      200,
    );
    const redacted = fixture('other/arf-abuse.eml')
      .replace(/^Original-Rcpt-To: .*\r\n/m, '')
      .replace('To: <grace@isp.example>', 'To: undisclosed-recipients:;')
      .replace('<t7@bounces.example.com>', '<redacted-1@bounces.example.com>');
    const rows = await eventsOf(await deliver(redacted, `fbl@${BOUNCE_DOMAIN}`));
    assert.deepEqual(
      rows.map((r) => ({ recipient: r.recipient, kind: r.kind, c: r.correlation, campaign: r.campaign })),
      [{ recipient: 'ruth@isp.example', kind: 'feedback', c: 'message-id', campaign: 'redacted' }],
    );
    const { rows: standing } = await pool.query(
      `select state from suppression_list where address = 'ruth@isp.example'`,
    );
    assert.deepEqual(standing, [{ state: 'complained' }]);
  });

  test('a notice naming nobody acts on the recipient of the send its token proves; else on nobody', async () => {
    const nameless = toCrlf(
      Buffer.from(
        'From: Mail Delivery System <MAILER-DAEMON@mx.nameless.example>\nTo: b@bounces.example.com\n' +
          'Subject: Undeliverable mail\n\nYour message could not be delivered.\n\nReason: 550 5.1.1 User unknown\n',
      ),
    ).toString('latin1');
    const send = { messageId: 'nameless-1@shop.example', recipient: 'nora@nameless.example', sendId: 'send-nameless' };
    assert.equal((await register([{ ...send, campaign: 'nameless' }])).status, 200);
    // The token carries only a keyed hash of its recipient: the registered send names the address.
    const token = mintToken({ sendId: 'send-nameless', recipient: 'nora@nameless.example', key: ring.current });
    const rows = await eventsOf(await deliver(nameless, returnPathAddress(token, BOUNCE_DOMAIN)));
    assert.deepEqual(
      rows.map((r) => ({ recipient: r.recipient, kind: r.kind, reason: r.reason, type: r.type, c: r.correlation })),
      [{ recipient: 'nora@nameless.example', kind: 'bounce', reason: 'userunknown', type: 'hard', c: 'token' }],
    );
    const { rows: listed } = await pool.query(
      `select state from suppression_list where address = 'nora@nameless.example'`,
    );
    assert.deepEqual(listed, [{ state: 'quarantined' }]);
    // The same words to our domain without a token: a bounce about nobody we can name.
    assert.deepEqual(await eventsOf(await deliver(nameless)), []);
  });

  test('a complaint about a registered send suppresses the address for good', async () => {
    assert.equal(
      (
        await register([
          { messageId: 't7@bounces.example.com', recipient: 'grace@isp.example', campaign: 'nov-news-2' },
        ])
      ).status,
      200,
    );
    await eventsOf(await deliver(fixture('other/arf-abuse.eml'), `fbl@${BOUNCE_DOMAIN}`));
    const { rows } = await pool.query(`select state from suppression_list where address = 'grace@isp.example'`);
    assert.deepEqual(rows, [{ state: 'complained' }]);
  });
});

describe('views', () => {
  test('campaign_bounce_rate, bounce_stats_daily and sender_failures_daily answer the cookbook queries', async () => {
    const rate = await pool.query(
      `select campaign, sent::int, bounced::int, hard_bounced::int, bounce_rate from campaign_bounce_rate
       where campaign = 'nov-news'`,
    );
    // nov-news: two sends (Alice's DSN, Heidi's auto-reply); one bounced, hard.
    assert.deepEqual(rate.rows, [
      { campaign: 'nov-news', sent: 2, bounced: 1, hard_bounced: 1, bounce_rate: '0.5000' },
    ]);
    const stats = await pool.query(
      `select sum(events)::int as n from bounce_stats_daily where kind = 'bounce' and reason = 'userunknown'`,
    );
    assert.ok(stats.rows[0].n >= 2);
    const sender = await pool.query(
      `select reason, sum(events)::int as n from sender_failures_daily group by 1 order by 1`,
    );
    assert.ok(
      sender.rows.some((r) => r.reason === 'blocked'),
      JSON.stringify(sender.rows),
    );
  });
});

describe('outage breaker', () => {
  test('a burst of hard bounces from one domain trips the breaker; release undoes the quarantines', async () => {
    const started = new Date(Date.now() - 1000);
    const template = fixture('dsn/postfix-rcpt-unknown.eml');
    const sends = Array.from({ length: 7 }, (_, i) => ({
      messageId: `burst-${i + 1}@sender.example`,
      recipient: `user${i + 1}@outage.example`,
      campaign: 'burst',
    }));
    assert.equal((await register(sends)).status, 200);
    const effects: string[] = [];
    for (let n = 1; n <= 7; n++) {
      const raw = template
        .replace(/alice@receiver\.example/g, `user${n}@outage.example`)
        .replace('Message-ID: <tok123@bounces.example.com>', `Message-ID: <burst-${n}@sender.example>`);
      const rows = await eventsOf(await deliver(raw));
      effects.push(rows[0].standing_effect);
    }
    assert.deepEqual(effects, ['quarantined', 'quarantined', 'quarantined', 'quarantined', 'held', 'held', 'held']);
    const metrics = await (await fetch(`http://127.0.0.1:${server.httpPort}/metrics`)).text();
    assert.match(metrics, /^bounced_breakers_tripped 1$/m);

    const bin = fileURLToPath(new URL('../bin/bounced.js', import.meta.url));
    const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent' };
    const dry = spawnSync(
      process.execPath,
      [bin, 'release', '--domain', 'outage.example', '--since', started.toISOString(), '--dry-run'],
      { env, encoding: 'utf8' },
    );
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /would release 4 address\(es\) of outage\.example/);
    const real = spawnSync(
      process.execPath,
      [bin, 'release', '--domain', 'outage.example', '--since', started.toISOString()],
      { env, encoding: 'utf8' },
    );
    assert.equal(real.status, 0, real.stderr);
    assert.match(real.stdout, /released 4 address\(es\)/);
    const { rows } = await pool.query(`select address, state from suppression_list where domain = 'outage.example'`);
    assert.deepEqual(rows, []);
    const breaker = await pool.query(
      `select released_at is not null as released from domain_breakers where domain = 'outage.example'`,
    );
    assert.equal(breaker.rows[0].released, true);
  });
});

describe('reprocess', () => {
  test('reprocess with an operator rule added since: shows, then applies the difference', async () => {
    await eventsOf(await deliver(fixture('malformed/lost-boundary.eml')));
    // A notice naming nobody, about a proven send: its fact is reclassified too.
    const unnamed = toCrlf(
      Buffer.from(
        'From: MAILER-DAEMON@mx.big.example\nTo: b@bounces.example.com\nSubject: Undeliverable mail\n\n' +
          'Your message could not be delivered: 552 message size exceeds fixed limit\n',
      ),
    ).toString('latin1');
    const send = { messageId: 'big-1@shop.example', recipient: 'ned@big.example', sendId: 'send-big', campaign: 'big' };
    assert.equal((await register([send])).status, 200);
    const token = mintToken({ sendId: 'send-big', recipient: 'ned@big.example', key: ring.current });
    await eventsOf(await deliver(unnamed, returnPathAddress(token, BOUNCE_DOMAIN)));
    await pool.query(
      `insert into classification_rules (id, reason, text_pattern)
       values ('size-as-policy', 'policyviolation', 'message size exceeds fixed limit')`,
    );
    const bin = fileURLToPath(new URL('../bin/bounced.js', import.meta.url));
    const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'silent', TOKEN_KEYS: KEYS };
    const dry = spawnSync(process.execPath, [bin, 'reprocess', '--since', '1d', '--dry-run'], {
      env,
      encoding: 'utf8',
    });
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /"recipient":"mia@big\.example","before":"emailtoolarge\/ignored","after":"policyviolation\/ignored"/,
    );
    assert.match(
      dry.stdout,
      /"recipient":"\(unnamed\)","before":"emailtoolarge\/ignored","after":"policyviolation\/ignored"/,
    );
    assert.match(dry.stdout, /dry run: \d+ message\(s\) decoded again, 2 recipient fact\(s\) would change/);
    const unchanged = await pool.query(`select reason from bounce_events where recipient = 'mia@big.example'`);
    assert.equal(unchanged.rows[0].reason, 'emailtoolarge');
    const real = spawnSync(process.execPath, [bin, 'reprocess', '--since', '1d'], { env, encoding: 'utf8' });
    assert.equal(real.status, 0, real.stderr);
    const changed = await pool.query(
      `select recipient, reason, rule from bounce_events where recipient in ('mia@big.example', 'ned@big.example')
        order by recipient`,
    );
    assert.deepEqual(changed.rows, [
      { recipient: 'mia@big.example', reason: 'policyviolation', rule: 'custom.size-as-policy' },
      { recipient: 'ned@big.example', reason: 'policyviolation', rule: 'custom.size-as-policy' },
    ]);
  });
});
