// The embedded Postgres: clear messages for the three ways its start goes wrong.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { EmbeddedPostgresError, startEmbeddedPostgres } from '../src/store/embedded.ts';

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

test('a data folder the postgres user cannot reach is named, with its mode', { skip: process.getuid?.() !== 0 && 'only as root does Postgres run as another user' }, async () => {
  const closed = mkdtempSync(join(tmpdir(), 'bounced-closed-')); // mkdtemp makes it 0700, owned by root
  try {
    await assert.rejects(
      startEmbeddedPostgres({ dataDir: join(closed, 'data'), port: 1, log }),
      (err: Error) => err instanceof EmbeddedPostgresError && err.message.includes(`${closed} has mode 0700`) && /DATABASE_URL/.test(err.message),
    );
  } finally {
    rmSync(closed, { recursive: true, force: true });
  }
});

test('a port taken by another program is named, with the variable to change', async () => {
  const { server, port } = await listen();
  const folder = reachableFolder();
  try {
    await assert.rejects(
      startEmbeddedPostgres({ dataDir: folder, port, log }),
      (err: Error) => err instanceof EmbeddedPostgresError && err.message.includes(`port ${port} on 127.0.0.1 is taken`) && err.message.includes('EMBEDDED_PG_PORT'),
    );
  } finally {
    server.close();
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a server still running on the data folder is named by pid, and the cluster is reused after it stops', async () => {
  const folder = reachableFolder();
  const ports = await Promise.all([listen(), listen()]);
  const [p1, p2] = ports.map((p) => p.port);
  await Promise.all(ports.map(({ server }) => new Promise((r) => server.close(r))));
  const first = await startEmbeddedPostgres({ dataDir: folder, port: p1!, log });
  try {
    await assert.rejects(
      startEmbeddedPostgres({ dataDir: folder, port: p2!, log }),
      (err: Error) => err instanceof EmbeddedPostgresError && /a Postgres server \(pid \d+\) is still running on the data folder/.test(err.message),
    );
  } finally {
    await first.stop();
  }
  const again = await startEmbeddedPostgres({ dataDir: folder, port: p2!, log });
  await again.stop();
  rmSync(folder, { recursive: true, force: true });
});
