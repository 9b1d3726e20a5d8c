// Database faults under load, on a real Postgres: sessions terminated (a failover, an
// operator's pg_terminate_backend) while a burst is stored and decoded. The process stays
// up, every message that got a 250 is stored exactly once and decoded, none is failed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { type ChildServer, spawnServer } from './support/child-server.ts';
import { corpusFiles, corpusMessage } from './support/corpus.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { RawSmtpClient, toCrlf } from './support/smtp-client.ts';

const DOMAIN = 'bounces.example.com';
let db: TestDatabase;
let pool: pg.Pool;
let server: ChildServer | undefined;

before(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
after(async () => {
  server?.proc.kill('SIGKILL');
  await pool?.end();
  await db?.drop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('sessions terminated five times during a burst: no crash, nothing lost, doubled or failed', async (t) => {
  server = await spawnServer({ DATABASE_URL: db.url, BOUNCE_DOMAINS: DOMAIN, COMMIT_DEADLINE_MS: '5000' });
  const files = corpusFiles().slice(0, 100);
  const acked = new Set<string>();
  let refused = 0;
  const sender = async (lane: number) => {
    for (let i = lane; i < 600; i += 6) {
      const marker = `fault-${i}`;
      const raw = Buffer.concat([
        Buffer.from(`X-Fault-Marker: ${marker}\r\n`),
        corpusMessage(files[i % files.length]!),
      ]);
      for (let attempt = 0; attempt < 20; attempt++) {
        const { client, greeting } = await RawSmtpClient.greet(server!.smtpPort);
        if (greeting.code !== 220) {
          client.destroy();
          await sleep(100);
          continue;
        }
        await client.command('EHLO mx.example.net');
        const reply = await client.send('', [`b@${DOMAIN}`], toCrlf(raw));
        await client.quit();
        if (reply.code === 250) {
          acked.add(marker);
          break;
        }
        refused++;
        assert.equal(reply.code, 451, `${reply.code} ${reply.text}`);
        await sleep(100);
      }
    }
  };
  const senders = Promise.all([0, 1, 2, 3, 4, 5].map(sender));
  let terminated = 0;
  for (let n = 0; n < 5; n++) {
    await sleep(400);
    const { rows } = await pool.query(
      `select count(*) filter (where pg_terminate_backend(pid))::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and application_name like 'bounced%'`,
    );
    terminated += rows[0].n;
  }
  t.diagnostic(`terminated ${terminated} sessions`);
  assert.ok(terminated >= 5, 'the sessions of the server were found and terminated');
  await senders;
  assert.equal(server.proc.exitCode, null, 'the server is still running');
  assert.equal(acked.size, 600, `${refused} refusals`);
  // Decoding catches up by itself.
  const deadline = Date.now() + 60_000;
  let pending = -1;
  while (Date.now() < deadline) {
    pending = (await pool.query(`select count(*)::int as n from raw_messages where decode_state = 'pending'`)).rows[0]
      .n;
    if (pending === 0) break;
    await sleep(200);
  }
  assert.equal(pending, 0);
  const { rows } = await pool.query(
    `select substring(convert_from(raw, 'LATIN1') from 'X-Fault-Marker: (fault-[0-9]+)') as marker, decode_state,
            count(*) over (partition by dedupe_key)::int as copies
       from raw_messages`,
  );
  const stored = rows.filter((r) => r.marker);
  assert.equal(new Set(stored.map((r) => r.marker)).size, 600);
  assert.deepEqual(
    stored.filter((r) => r.copies !== 1),
    [],
  );
  assert.deepEqual(
    stored.filter((r) => r.decode_state !== 'decoded').map((r) => r.decode_state),
    [],
  );
  server.proc.kill('SIGTERM');
  const exit = await server.exited;
  assert.equal(exit.code, 0);
});
