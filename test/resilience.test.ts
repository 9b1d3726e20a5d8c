// When things go wrong: the database stops (451, then 250 once it is back), and the
// server shuts down while a message is in DATA (421 for new work, 250 for that message).
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../src/store/embedded.ts';
import { createTestDatabase } from './support/db.ts';
import { freePort } from './support/net.ts';
import { BOUNCE_DOMAIN, startTestServer } from './support/server.ts';
import { RawSmtpClient } from './support/smtp-client.ts';

async function sendOne(port: number, marker: string) {
  const { client } = await RawSmtpClient.greet(port);
  await client.command('EHLO mx.example.net');
  const reply = await client.send('', [`b@${BOUNCE_DOMAIN}`], Buffer.from(`X-Marker: ${marker}\r\n\r\nbody\r\n`));
  await client.quit();
  return reply;
}

/**
 * A Postgres of the test's own, so that stopping it disturbs nobody else; stopped and started again
 * on the same port.
 */
async function ownPostgres(prefix: string) {
  const folder = mkdtempSync(join(tmpdir(), `bounced-${prefix}-`));
  chmodSync(folder, 0o755);
  const port = await freePort();
  const log = pino({ level: 'silent' });
  let server = await startEmbeddedPostgres({ dataDir: folder, port, log });
  return {
    get url() {
      return server.url;
    },
    stop: () => server.stop(),
    async start() {
      server = await startEmbeddedPostgres({ dataDir: folder, port, log });
    },
    async remove() {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

describe('the database stops and comes back', () => {
  test('451 4.3.0 with nothing stored while it is down, /readyz says so, and 250 once it is back', async () => {
    const pgServer = await ownPostgres('dbstop');
    const server = await startTestServer(pgServer.url, { COMMIT_DEADLINE_MS: '3000' });
    const ready = async () => (await fetch(`http://127.0.0.1:${server.httpPort}/readyz`)).status;
    try {
      assert.equal((await sendOne(server.smtpPort, 'before-stop')).code, 250);
      assert.equal(await ready(), 200);

      await pgServer.stop();
      const down = await sendOne(server.smtpPort, 'while-down');
      assert.equal(down.code, 451);
      assert.match(down.text, /^4\.3\.0 /);
      assert.equal(await ready(), 503);

      await pgServer.start();
      assert.equal(await ready(), 200);
      const back = await sendOne(server.smtpPort, 'after-restart');
      assert.equal(back.code, 250);

      const check = new pg.Client({ connectionString: pgServer.url });
      await check.connect();
      const { rows } = await check.query<{ marker: string }>(
        `select substring(convert_from(raw, 'UTF8') from 'X-Marker: ([a-z-]+)') as marker from raw_messages
         order by id`,
      );
      await check.end();
      assert.deepEqual(
        rows.map((r) => r.marker),
        ['before-stop', 'after-restart'],
      );
    } finally {
      await server.shutdown();
      await pgServer.remove();
    }
  });
});

describe('shutdown', () => {
  test('new connections and new transactions get 421 4.3.2; the message in DATA finishes with 250', async () => {
    const db = await createTestDatabase();
    const server = await startTestServer(db.url, { SHUTDOWN_DRAIN_MS: '10000' });
    try {
      // A session in the middle of DATA, and an idle one between transactions.
      const { client: inData } = await RawSmtpClient.greet(server.smtpPort);
      await inData.command('EHLO mx.example.net');
      assert.equal((await inData.command('MAIL FROM:<>')).code, 250);
      assert.equal((await inData.command(`RCPT TO:<b@${BOUNCE_DOMAIN}>`)).code, 250);
      assert.equal((await inData.command('DATA')).code, 354);
      inData.write('X-Marker: in-data-at-shutdown\r\nSubject: half\r\n\r\nfirst half\r\n');
      const { client: idle } = await RawSmtpClient.greet(server.smtpPort);
      await idle.command('EHLO mx.example.net');

      const stopped = server.shutdown();
      await new Promise((r) => setTimeout(r, 100));

      const { client: late, greeting } = await RawSmtpClient.greet(server.smtpPort);
      assert.equal(greeting.code, 421);
      assert.match(greeting.text, /^4\.3\.2 /);
      late.destroy();

      const next = await idle.command('MAIL FROM:<>');
      assert.equal(next.code, 421);
      assert.match(next.text, /^4\.3\.2 /);

      inData.write('second half\r\n');
      const end = await inData.command('.');
      assert.equal(end.code, 250);
      inData.destroy();
      await stopped;

      const check = new pg.Client({ connectionString: db.url });
      await check.connect();
      const { rows } = await check.query(
        `select count(*)::int as n from raw_messages where position('in-data-at-shutdown'::bytea in raw) > 0`,
      );
      await check.end();
      assert.equal(rows[0].n, 1);
    } finally {
      await server.shutdown();
      await db.drop();
    }
  });
});

describe('Postgres restarted in the middle of a burst', () => {
  test('451 while it is down, 250 after; decoding resumes by itself; nothing lost, doubled or failed', async () => {
    const pgServer = await ownPostgres('restart');
    const server = await startTestServer(pgServer.url, { COMMIT_DEADLINE_MS: '2000' });
    const acked = new Set<string>();
    let refused = 0;
    try {
      const sender = async (lane: number) => {
        for (let i = lane; i < 300; i += 5) {
          for (let attempt = 0; attempt < 200; attempt++) {
            const reply = await sendOne(server.smtpPort, `restart-${i}`).catch(() => ({
              code: 0,
              text: 'connection failed',
            }));
            if (reply.code === 250) {
              acked.add(`restart-${i}`);
              break;
            }
            assert.ok([451, 0].includes(reply.code), `${reply.code} ${reply.text}`);
            refused++;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      };
      const senders = Promise.all([0, 1, 2, 3, 4].map(sender));
      await new Promise((r) => setTimeout(r, 800));
      await pgServer.stop();
      await new Promise((r) => setTimeout(r, 1500));
      await pgServer.start();
      await senders;
      assert.equal(acked.size, 300);
      assert.ok(refused > 0, 'the outage was seen by the senders (451)');

      const check = new pg.Client({ connectionString: pgServer.url });
      await check.connect();
      try {
        const deadline = Date.now() + 60_000;
        let states: Array<{ decode_state: string; n: number }> = [];
        while (Date.now() < deadline) {
          states = (
            await check.query(`select decode_state, count(*)::int as n from raw_messages group by 1 order by 1`)
          ).rows;
          if (states.every((s) => s.decode_state === 'decoded')) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        assert.deepEqual(states, [{ decode_state: 'decoded', n: 300 }]);
        const { rows } = await check.query(
          `select count(distinct substring(convert_from(raw, 'UTF8')
           from 'X-Marker: ([a-z0-9-]+)'))::int as markers from raw_messages`,
        );
        assert.equal(rows[0].markers, 300);
      } finally {
        await check.end();
      }
    } finally {
      await server.shutdown();
      await pgServer.remove();
    }
  });
});
