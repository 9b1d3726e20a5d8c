// What a stranger can throw at the MX, on real sockets against the real server: SMTP
// smuggling, relay tricks, malformed recipients, oversized and deeply nested input, slow
// and idle sessions, connection floods. Each case gets a precise reply; nothing is lost,
// doubled or crashed, and a normal client is served afterwards.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientKey } from '../src/smtp/session-limits.ts';
import { waitForDecode } from './support/deliver.ts';
import { BOUNCE_DOMAIN, useTestServer } from './support/server.ts';
import { RawSmtpClient, type Reply } from './support/smtp-client.ts';

const fixture = useTestServer({
  MAX_CONNECTIONS: '10',
  MAX_CONNECTIONS_PER_IP: '4',
  MAX_RECIPIENTS: '3',
  MAX_MESSAGE_BYTES: String(4 * 1024 * 1024),
  SMTP_DATA_MAX_MS: '1500',
  SMTP_SESSION_MAX_MS: '5000',
  SMTP_IDLE_TIMEOUT_MS: '2000',
  SMTP_MAX_ERRORS: '5',
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function session(localAddress?: string): Promise<RawSmtpClient> {
  const { client, greeting } = await RawSmtpClient.greet(fixture.server.smtpPort, '127.0.0.1', localAddress);
  assert.equal(greeting.code, 220, greeting.text);
  assert.equal((await client.command('EHLO mta.example.net')).code, 250);
  return client;
}

async function rowsWith(marker: string) {
  const { rows } = await fixture.pool.query<{
    id: string;
    raw: Buffer;
    rcpt_to: string[];
    decode_state: string;
    decode_error: string | null;
  }>(
    `select id, raw, rcpt_to, decode_state, decode_error from raw_messages where position($1::bytea in raw) > 0
     order by id`,
    [Buffer.from(marker)],
  );
  return rows;
}

const decodedState = (id: string) => waitForDecode(fixture.pool, id);

/** The server still takes a normal bounce. */
async function stillServes(localAddress?: string): Promise<void> {
  const client = await session(localAddress);
  const reply = await client.send(
    '',
    [`b@${BOUNCE_DOMAIN}`],
    Buffer.from(`Subject: normal ${Math.random()}\r\n\r\nhello\r\n`),
  );
  await client.quit();
  assert.equal(reply.code, 250, reply.text);
}

function expectReply(reply: Reply, code: number, enhanced?: string): void {
  assert.equal(reply.code, code, reply.text);
  if (enhanced) assert.ok(reply.text.startsWith(`${enhanced} `), `${reply.code} ${reply.text}`);
}

describe('SMTP smuggling', () => {
  // A lone "." between bare LFs or CRs is content, not the end of DATA (only CRLF.CRLF
  // ends it): the "second transaction" stays inside the first message, as its text.
  const variants: Array<[string, string]> = [
    ['\\n.\\n', '\n.\n'],
    ['\\r\\n.\\n', '\r\n.\n'],
    ['\\n.\\r\\n', '\n.\r\n'],
    ['\\r.\\r\\n', '\r.\r\n'],
  ];
  for (const [name, ending] of variants) {
    test(`a message "ended" with ${name} and a smuggled transaction is one message`, async () => {
      const marker = `smuggle-${name.replace(/\\/g, '')}`;
      const client = await session();
      expectReply(await client.command('MAIL FROM:<>'), 250);
      expectReply(await client.command(`RCPT TO:<b@${BOUNCE_DOMAIN}>`), 250);
      expectReply(await client.command('DATA'), 354);
      client.write(
        `Subject: ${marker}\r\n\r\nfirst${ending}MAIL FROM:<evil@attacker.example>\r\n` +
          `RCPT TO:<smuggled@${BOUNCE_DOMAIN}>\r\nDATA\r\nSubject: smuggled\r\n\r\nowned\r\n.\r\n`,
      );
      expectReply(await client.read(), 250);
      // No reply is left over for the "smuggled" commands: the next one answers NOOP.
      const noop = await client.command('NOOP');
      expectReply(noop, 250);
      assert.match(noop.text, /OK/);
      await client.quit();
      const rows = await rowsWith(marker);
      assert.equal(rows.length, 1);
      assert.ok(rows[0]!.raw.includes('MAIL FROM:<evil@attacker.example>'), 'the smuggled lines are content');
      const smuggled = await fixture.pool.query(`select 1 from raw_messages where $1 = any(rcpt_to)`, [
        `smuggled@${BOUNCE_DOMAIN}`,
      ]);
      assert.equal(smuggled.rowCount, 0);
    });
  }

  test('bare LF ends a command, as Postfix normalizes it', async () => {
    const { client } = await RawSmtpClient.greet(fixture.server.smtpPort);
    client.write('EHLO lf.example\n');
    expectReply(await client.read(), 250);
    client.write('NOOP\n');
    expectReply(await client.read(), 250);
    await client.quit();
  });
});

describe('recipients', () => {
  const long65 = `${'a'.repeat(65)}@${BOUNCE_DOMAIN}`;
  const rows: Array<[string, string, number, string | undefined]> = [
    ['a foreign domain', '<user@evil.example>', 550, '5.7.1'],
    ['the percent hack', `<user%evil.example@${BOUNCE_DOMAIN}>`, 550, '5.7.1'],
    ['a bang path', `<evil.example!user@${BOUNCE_DOMAIN}>`, 550, '5.7.1'],
    ['a source route to a foreign domain', '<@relay.example:user@evil.example>', 550, '5.7.1'],
    ['an IP literal', '<user@[127.0.0.1]>', 550, '5.7.1'],
    ['two @', `<user@evil.example@${BOUNCE_DOMAIN}>`, 501, undefined],
    ['a quoted local part hiding an @', `<"user@evil"@${BOUNCE_DOMAIN}>`, 501, undefined],
    ['a trailing dot', `<user@${BOUNCE_DOMAIN}.>`, 501, undefined],
    ['a 65-octet local part', `<${long65}>`, 550, '5.1.3'],
    ['a 300-octet address', `<${'a'.repeat(300)}@${BOUNCE_DOMAIN}>`, 501, undefined],
    ['a control character', `<a\u0001b@${BOUNCE_DOMAIN}>`, 501, undefined],
    ['a non-ASCII address without SMTPUTF8', `<üser@${BOUNCE_DOMAIN}>`, 553, '5.6.7'],
    ['no address at all', '<>', 501, undefined],
    ['postmaster without a domain (RFC 5321 4.5.1)', '<postmaster>', 250, undefined],
    ['Postmaster in another case', '<PostMaster>', 250, undefined],
    ['a source route to us (the route is ignored)', `<@relay.example:user@${BOUNCE_DOMAIN}>`, 250, undefined],
    ['our domain', `<user@${BOUNCE_DOMAIN}>`, 250, undefined],
  ];
  for (const [name, rcpt, code, enhanced] of rows) {
    test(`${name}: ${code}${enhanced ? ` ${enhanced}` : ''}`, async () => {
      const client = await session();
      expectReply(await client.command('MAIL FROM:<>'), 250);
      expectReply(await client.command(`RCPT TO:${rcpt}`), code, enhanced);
      await client.quit();
    });
  }

  test('a non-ASCII address is taken when SMTPUTF8 was declared', async () => {
    const client = await session();
    expectReply(await client.command('MAIL FROM:<> SMTPUTF8'), 250);
    expectReply(await client.command(`RCPT TO:<üser@${BOUNCE_DOMAIN}>`), 250);
    await client.quit();
  });

  test('mail to postmaster is stored and decoded like the rest', async () => {
    const client = await session();
    const reply = await client.send('', ['postmaster'], Buffer.from('Subject: to-postmaster-1\r\n\r\nhi\r\n'));
    await client.quit();
    expectReply(reply, 250);
    const rows = await rowsWith('to-postmaster-1');
    assert.deepEqual(
      rows.map((r) => r.rcpt_to),
      [['postmaster']],
    );
    assert.equal(await decodedState(rows[0]!.id), 'decoded');
  });

  test('more recipients than allowed: 452 4.5.3, and the message goes to the accepted ones', async () => {
    const client = await session();
    expectReply(await client.command('MAIL FROM:<>'), 250);
    for (let i = 0; i < 3; i++) expectReply(await client.command(`RCPT TO:<r${i}@${BOUNCE_DOMAIN}>`), 250);
    expectReply(await client.command(`RCPT TO:<r3@${BOUNCE_DOMAIN}>`), 452, '4.5.3');
    expectReply((await client.data(Buffer.from('Subject: four-rcpts\r\n\r\nx\r\n'))).reply, 250);
    await client.quit();
    assert.deepEqual(
      (await rowsWith('four-rcpts')).map((r) => r.rcpt_to.length),
      [3],
    );
  });

  test('452s past the recipient limit are not errors: an MTA pipelining many recipients is not cut off', async () => {
    const client = await session();
    expectReply(await client.command('MAIL FROM:<>'), 250);
    for (let i = 0; i < 3; i++) expectReply(await client.command(`RCPT TO:<many${i}@${BOUNCE_DOMAIN}>`), 250);
    for (let i = 3; i < 12; i++) expectReply(await client.command(`RCPT TO:<many${i}@${BOUNCE_DOMAIN}>`), 452, '4.5.3');
    expectReply((await client.data(Buffer.from('Subject: many-rcpts\r\n\r\nx\r\n'))).reply, 250);
    await client.quit();
  });

  test('refused commands past SMTP_MAX_ERRORS end the session with 421 4.7.0', async () => {
    const client = await session();
    expectReply(await client.command('MAIL FROM:<>'), 250);
    for (let i = 1; i < 5; i++) expectReply(await client.command(`RCPT TO:<u${i}@evil.example>`), 550, '5.7.1');
    expectReply(await client.command('RCPT TO:<u5@evil.example>'), 421, '4.7.0');
    await sleep(50);
    assert.equal(client.closed, true);
    await stillServes();
  });
});

describe('size and shape', () => {
  test('a declared SIZE over the limit: 552 at MAIL FROM', async () => {
    const client = await session();
    expectReply(await client.command(`MAIL FROM:<> SIZE=${5 * 1024 * 1024}`), 552);
    await client.quit();
  });

  test('an undeclared oversize message: read to its end, 552 5.3.4, the session goes on', async () => {
    const client = await session();
    expectReply(await client.command('MAIL FROM:<>'), 250);
    expectReply(await client.command(`RCPT TO:<b@${BOUNCE_DOMAIN}>`), 250);
    const body = Buffer.concat([
      Buffer.from('Subject: too-big-1\r\n\r\n'),
      Buffer.alloc(5 * 1024 * 1024, 'x'),
      Buffer.from('\r\n'),
    ]);
    expectReply((await client.data(body)).reply, 552, '5.3.4');
    expectReply(await client.command('NOOP'), 250);
    await client.quit();
    assert.equal((await rowsWith('too-big-1')).length, 0);
  });

  test('a 2 MB line in DATA is stored byte for byte; a 2 MB command line gets 421', async () => {
    const client = await session();
    const raw = Buffer.from(`Subject: long-line-1\r\n\r\n${'y'.repeat(2 * 1024 * 1024)}\r\n`);
    expectReply(await client.send('', [`b@${BOUNCE_DOMAIN}`], raw), 250);
    const rows = await rowsWith('long-line-1');
    assert.equal(rows.length, 1);
    assert.ok(rows[0]!.raw.equals(raw));
    client.write(`NOOP ${'z'.repeat(2 * 1024 * 1024)}\r\n`);
    expectReply(await client.read(), 421);
    client.destroy();
    await stillServes();
  });

  test('100,000 header lines: stored, decoded without stalling the listener', async () => {
    const headers = Array.from({ length: 100_000 }, (_, i) => `X-H${i}: v`).join('\r\n');
    const client = await session();
    expectReply(
      await client.send(
        '',
        [`b@${BOUNCE_DOMAIN}`],
        Buffer.from(`Subject: many-headers-1\r\n${headers}\r\n\r\nbody\r\n`),
      ),
      250,
    );
    await client.quit();
    const [row] = await rowsWith('many-headers-1');
    await stillServes();
    assert.notEqual(await decodedState(row!.id), 'pending');
  });

  test('1,000 levels of MIME nesting: stored, decoded, nothing crashes', async () => {
    let body = 'Content-Type: text/plain\r\n\r\ninnermost\r\n';
    for (let i = 0; i < 1000; i++)
      body = `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n${body}--b${i}--\r\n`;
    const client = await session();
    expectReply(
      await client.send('', [`b@${BOUNCE_DOMAIN}`], Buffer.from(`Subject: nested-1\r\nMIME-Version: 1.0\r\n${body}`)),
      250,
    );
    await client.quit();
    const [row] = await rowsWith('nested-1');
    assert.notEqual(await decodedState(row!.id), 'pending');
    await stillServes();
  });
});

describe('slow and idle sessions', () => {
  test('a sender trickling DATA is cut off at the DATA time limit with 421 4.4.2, nothing stored', async () => {
    const client = await session();
    expectReply(await client.command('MAIL FROM:<>'), 250);
    expectReply(await client.command(`RCPT TO:<b@${BOUNCE_DOMAIN}>`), 250);
    expectReply(await client.command('DATA'), 354);
    client.write('Subject: slowloris-1\r\n\r\n');
    const started = Date.now();
    let reply: Reply | undefined;
    const replied = client.read().then((r) => (reply = r));
    while (!reply && Date.now() - started < 10_000) {
      client.write('x');
      await sleep(200);
    }
    await replied;
    expectReply(reply!, 421, '4.4.2');
    assert.ok(Date.now() - started < 5000, 'cut off near the 1.5 s DATA limit');
    await sleep(100);
    assert.equal(client.closed, true);
    assert.equal((await rowsWith('slowloris-1')).length, 0);
    await stillServes();
  });

  test('an idle session is closed at the idle timeout', async () => {
    const { client } = await RawSmtpClient.greet(fixture.server.smtpPort);
    const reply = await client.read();
    assert.equal(reply.code, 421);
    client.destroy();
  });

  test('a session that keeps talking is closed at the session time limit with 421 4.4.2', async () => {
    const client = await session();
    const started = Date.now();
    let last: Reply = { code: 250, text: '' };
    while (last.code === 250 && Date.now() - started < 15_000) {
      last = await client.command('NOOP');
      await sleep(300);
    }
    expectReply(last, 421, '4.4.2');
    assert.ok(Date.now() - started >= 4500 && Date.now() - started < 9000, `${Date.now() - started} ms`);
    client.destroy();
  });
});

describe('connection floods', () => {
  test('past MAX_CONNECTIONS_PER_IP one client gets 421 4.7.0 while another client is served', async () => {
    const flood = await Promise.all(
      [1, 2, 3, 4].map(() => RawSmtpClient.greet(fixture.server.smtpPort, '127.0.0.1', '127.0.0.3')),
    );
    for (const { greeting } of flood) assert.equal(greeting.code, 220);
    const { client: fifth, greeting } = await RawSmtpClient.greet(fixture.server.smtpPort, '127.0.0.1', '127.0.0.3');
    expectReply(greeting, 421, '4.7.0');
    fifth.destroy();
    await stillServes('127.0.0.4');
    for (const { client } of flood) client.destroy();
  });

  test('past MAX_CONNECTIONS everyone waits; once the flood is gone a normal client is served', async () => {
    await sleep(100);
    const flood = [];
    for (const local of ['127.0.0.5', '127.0.0.6', '127.0.0.7']) {
      for (let i = 0; i < 4; i++)
        flood.push(await RawSmtpClient.greet(fixture.server.smtpPort, '127.0.0.1', local).catch(() => undefined));
    }
    const codes = flood.map((f) => f?.greeting.code);
    assert.equal(codes.filter((c) => c === 220).length, 10, JSON.stringify(codes));
    assert.ok(codes.filter((c) => c === 421).length >= 2, JSON.stringify(codes));
    for (const f of flood) f?.client.destroy();
    await sleep(200);
    await stillServes('127.0.0.8');
  });

  test('the per-client cap counts an IPv6 /64 as one client', () => {
    assert.equal(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:2:ffff:0:0:9'));
    assert.equal(clientKey('2001:db8:1:2::1'), '2001:db8:1:2::/64');
    assert.notEqual(clientKey('2001:db8:1:2::1'), clientKey('2001:db8:1:3::1'));
    assert.equal(clientKey('::ffff:192.0.2.7'), '192.0.2.7');
    assert.equal(clientKey('192.0.2.7'), '192.0.2.7');
    assert.equal(clientKey('::1'), '0:0:0:0::/64');
    assert.equal(clientKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  });
});

test('every stored message was decoded, none failed, none stored twice', async () => {
  const deadline = Date.now() + 30_000;
  let pending = -1;
  while (pending !== 0 && Date.now() < deadline) {
    pending = (await fixture.pool.query(`select count(*)::int as n from raw_messages where decode_state = 'pending'`))
      .rows[0].n;
    if (pending) await sleep(100);
  }
  assert.equal(pending, 0);
  const failed = await fixture.pool.query(`select id, decode_error from raw_messages where decode_state = 'failed'`);
  assert.deepEqual(failed.rows, []);
  const dupes = await fixture.pool.query(`select dedupe_key from raw_messages group by 1 having count(*) > 1`);
  assert.equal(dupes.rowCount, 0);
});

describe('memory', () => {
  const budgeted = useTestServer({
    MAX_DATA_BYTES_IN_FLIGHT: String(6 * 1024 * 1024),
    MAX_MESSAGE_BYTES: String(4 * 1024 * 1024),
  });

  test('past MAX_DATA_BYTES_IN_FLIGHT a message gets 452 4.3.1; retried, each is stored exactly once', async () => {
    const send = async (n: number) => {
      const raw = Buffer.concat([
        Buffer.from(`Subject: budget-${n}\r\nX-Budget: budget-${n}\r\n\r\n`),
        Buffer.alloc(3 * 1024 * 1024, 'm'),
        Buffer.from('\r\n'),
      ]);
      const codes: number[] = [];
      for (let attempt = 0; attempt < 50; attempt++) {
        const { client } = await RawSmtpClient.greet(budgeted.server.smtpPort);
        await client.command('EHLO mta.example.net');
        const reply = await client.send('', [`b@${BOUNCE_DOMAIN}`], raw);
        codes.push(reply.code);
        if (reply.code === 452) {
          assert.ok(reply.text.startsWith('4.3.1 '), reply.text);
          expectReply(await client.command('NOOP'), 250); // the session goes on
        }
        await client.quit();
        if (reply.code === 250) break;
        await sleep(50 + Math.random() * 100);
      }
      return codes;
    };
    const codes = await Promise.all(Array.from({ length: 8 }, (_, n) => send(n)));
    assert.ok(
      codes.every((c) => c.at(-1) === 250),
      JSON.stringify(codes),
    );
    assert.ok(
      codes.some((c) => c.includes(452)),
      'eight 3 MB messages at once do not fit a 6 MiB budget',
    );
    const { rows } = await budgeted.pool.query(
      `select count(*)::int as n, count(distinct dedupe_key)::int as keys from raw_messages
       where position('X-Budget: budget-'::bytea in raw) > 0`,
    );
    assert.deepEqual(rows[0], { n: 8, keys: 8 });
  });
});
