// `bounced serve` as a process: a clean SIGTERM exits 0; a SIGKILL under load loses no
// message that got a 250.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { spawnServer } from './support/child-server.ts';
import { corpusFiles, corpusMessage } from './support/corpus.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { RawSmtpClient } from './support/smtp-client.ts';

const DOMAIN = 'bounces.example.com';
let db: TestDatabase;
let pool: pg.Pool;

before(async () => {
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
after(async () => {
  await pool?.end();
  await db?.drop();
});

test('SIGTERM: stops cleanly with exit code 0 and keeps what it acknowledged', async () => {
  const server = await spawnServer({ DATABASE_URL: db.url, BOUNCE_DOMAINS: DOMAIN });
  const { client } = await RawSmtpClient.greet(server.smtpPort);
  await client.command('EHLO mx.example.net');
  const reply = await client.send('', [`b@${DOMAIN}`], Buffer.from('X-Marker: sigterm-1\r\n\r\nbody\r\n'));
  assert.equal(reply.code, 250);
  await client.quit();
  server.proc.kill('SIGTERM');
  const { code, signal } = await server.exited;
  assert.deepEqual({ code, signal }, { code: 0, signal: null });
  assert.ok(server.logs.some((l) => l.msg === 'stopped'));
  const { rows } = await pool.query(
    `select count(*)::int as n from raw_messages where position('sigterm-1'::bytea in raw) > 0`,
  );
  assert.equal(rows[0].n, 1);
});

test('SIGKILL under load: every message that got a 250 is stored, byte for byte, exactly once', async () => {
  const MAX_MESSAGES = 400;
  const KILL_AFTER_ACKS = 120;
  const CONNECTIONS = 4;
  const samples = corpusFiles().slice(0, 50).map(corpusMessage);
  const acked = new Map<string, Buffer>();
  let sent = 0;

  const server = await spawnServer({ DATABASE_URL: db.url, BOUNCE_DOMAINS: DOMAIN });
  let killed = false;
  const worker = async (w: number) => {
    const { client } = await RawSmtpClient.greet(server.smtpPort);
    await client.command('EHLO load.example.net');
    while (!client.closed && sent < MAX_MESSAGES) {
      const n = sent++;
      const marker = `crash-${w}-${n}`;
      const raw = Buffer.concat([Buffer.from(`X-Marker: ${marker}\r\n`), samples[n % samples.length]!]);
      const reply = await client.send('', [`b+${n}@${DOMAIN}`], raw);
      if (reply.code === 250) acked.set(marker, raw);
      if (!killed && acked.size >= KILL_AFTER_ACKS) {
        killed = true;
        server.proc.kill('SIGKILL');
      }
    }
    client.destroy();
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, w) => worker(w)));
  const { signal } = await server.exited;
  assert.equal(signal, 'SIGKILL', 'the load should have reached the kill point');
  assert.ok(acked.size >= KILL_AFTER_ACKS);

  // A new instance starts on the same database and serves at once.
  const restarted = await spawnServer({ DATABASE_URL: db.url, BOUNCE_DOMAINS: DOMAIN });
  const { client } = await RawSmtpClient.greet(restarted.smtpPort);
  await client.command('EHLO mx.example.net');
  assert.equal(
    (await client.send('', [`b@${DOMAIN}`], Buffer.from('X-Marker: after-crash\r\n\r\nbody\r\n'))).code,
    250,
  );
  await client.quit();
  restarted.proc.kill('SIGTERM');
  assert.equal((await restarted.exited).code, 0);

  const { rows } = await pool.query<{ marker: string; raw: Buffer }>(
    `select substring(convert_from(raw, 'LATIN1') from 'X-Marker: (crash-[0-9]+-[0-9]+)') as marker, raw
       from raw_messages where position('X-Marker: crash-'::bytea in raw) > 0`,
  );
  const stored = new Map<string, Buffer[]>();
  for (const r of rows) stored.set(r.marker, [...(stored.get(r.marker) ?? []), r.raw]);
  for (const [marker, raw] of acked) {
    const copies = stored.get(marker) ?? [];
    assert.equal(copies.length, 1, `${marker} acknowledged but stored ${copies.length} times`);
    assert.ok(copies[0]!.equals(raw), `${marker} stored with different bytes`);
  }
  // Messages cut off by the kill may or may not have been committed; nothing else appears.
  assert.ok(rows.length <= sent);
  assert.ok([...stored.values()].every((copies) => copies.length === 1));
});
