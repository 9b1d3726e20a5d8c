// The embedded Postgres: it starts as root from folders its user cannot enter (without
// opening them), and says clearly why when its start goes wrong.
import assert from 'node:assert/strict';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { pino } from 'pino';
import {
  EmbeddedPostgresError,
  postgresUserIds,
  reachableBinaries,
  startEmbeddedPostgres,
} from '../src/store/embedded.ts';

const log = pino({ level: 'silent' });

function reachableFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'bounced-embedded-'));
  chmodSync(folder, 0o755);
  return folder;
}

function listen(): Promise<{ server: Server; port: number }> {
  return new Promise((resolve) => {
    const server = createServer((s) => s.destroy());
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port }));
  });
}

const asRoot = { skip: process.getuid?.() !== 0 && 'only as root does Postgres run as another user' };

test(
  'a data folder the postgres user cannot reach: the cluster lives under /var/lib/bounced, and DATA_DIR says where',
  asRoot,
  async () => {
    const closed = mkdtempSync(join(tmpdir(), 'bounced-closed-')); // mkdtemp makes it 0700, owned by root
    const dataDir = join(closed, 'data');
    const { server, port } = await listen();
    await new Promise((r) => server.close(r));
    const embedded = await startEmbeddedPostgres({ dataDir, port, log });
    let elsewhere = '';
    try {
      const note = readFileSync(join(dataDir, 'POSTGRES-IS-ELSEWHERE.txt'), 'utf8');
      elsewhere = note.match(/^(\/var\/lib\/bounced\/[0-9a-f]{16}\/postgres)$/m)?.[1] ?? '';
      assert.ok(elsewhere, note);
      assert.match(note, new RegExp(`cannot enter ${closed} \\(mode 0700\\)`));
      assert.equal(statSync(closed).mode & 0o777, 0o700, 'the closed folder was opened');
      const client = new pg.Client({ connectionString: embedded.url });
      await client.connect();
      const { rows } = await client.query('show data_directory');
      await client.end();
      assert.equal(rows[0].data_directory, elsewhere);
    } finally {
      await embedded.stop();
      rmSync(closed, { recursive: true, force: true });
      if (elsewhere) rmSync(dirname(elsewhere), { recursive: true, force: true });
    }
  },
);

test('binaries the postgres user cannot reach are copied once where it can, byte for byte', asRoot, () => {
  const closed = mkdtempSync(join(tmpdir(), 'bounced-closed-'));
  const cache = mkdtempSync(join(tmpdir(), 'bounced-cache-'));
  chmodSync(cache, 0o755);
  try {
    const native = join(closed, 'native');
    mkdirSync(join(native, 'bin'), { recursive: true });
    mkdirSync(join(native, 'lib'), { recursive: true });
    writeFileSync(join(native, 'bin', 'postgres'), '#!/bin/sh\necho postgres\n', { mode: 0o755 });
    writeFileSync(join(native, 'lib', 'libpq.so.5.15'), Buffer.from([0, 1, 2, 255]));
    symlinkSync('libpq.so.5.15', join(native, 'lib', 'libpq.so.5'));
    const ids = postgresUserIds();
    assert.ok(ids, 'the postgres user exists (the embedded Postgres made it)');
    const copy = reachableBinaries(native, ids, log, cache);
    assert.ok(copy.startsWith(`${cache}/postgres-`), copy);
    assert.deepEqual(readFileSync(join(copy, 'lib', 'libpq.so.5.15')), Buffer.from([0, 1, 2, 255]));
    assert.equal(readlinkSync(join(copy, 'lib', 'libpq.so.5')), 'libpq.so.5.15');
    assert.equal(statSync(join(copy, 'bin', 'postgres')).mode & 0o777, 0o755);
    // Made once: the same package finds the same copy, untouched.
    const made = statSync(join(copy, '.complete')).mtimeMs;
    assert.equal(reachableBinaries(native, ids, log, cache), copy);
    assert.equal(statSync(join(copy, '.complete')).mtimeMs, made);
    // A changed package is a new copy.
    writeFileSync(join(native, 'lib', 'libpq.so.5.15'), Buffer.from([9, 9]));
    const other = reachableBinaries(native, ids, log, cache);
    assert.notEqual(other, copy);
    assert.deepEqual(readFileSync(join(other, 'lib', 'libpq.so.5.15')), Buffer.from([9, 9]));
  } finally {
    rmSync(closed, { recursive: true, force: true });
    rmSync(cache, { recursive: true, force: true });
  }
});

test('a port taken by another program is named, with the variable to change', async () => {
  const { server, port } = await listen();
  const folder = reachableFolder();
  try {
    await assert.rejects(
      startEmbeddedPostgres({ dataDir: folder, port, log }),
      (err: Error) =>
        err instanceof EmbeddedPostgresError &&
        err.message.includes(`port ${port} on 127.0.0.1 is taken`) &&
        err.message.includes('EMBEDDED_PG_PORT'),
    );
  } finally {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a server still running on the data folder is named by pid; the cluster is reused after it stops', async () => {
  const folder = reachableFolder();
  const ports = await Promise.all([listen(), listen()]);
  const [p1, p2] = ports.map((p) => p.port);
  await Promise.all(ports.map(({ server }) => new Promise((r) => server.close(r))));
  const first = await startEmbeddedPostgres({ dataDir: folder, port: p1!, log });
  try {
    await assert.rejects(
      startEmbeddedPostgres({ dataDir: folder, port: p2!, log }),
      (err: Error) =>
        err instanceof EmbeddedPostgresError &&
        /a Postgres server \(pid \d+\) is still running on the data folder/.test(err.message),
    );
  } finally {
    await first.stop();
  }
  const again = await startEmbeddedPostgres({ dataDir: folder, port: p2!, log });
  await again.stop();
  rmSync(folder, { recursive: true, force: true });
});
