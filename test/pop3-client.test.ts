// The POP3 client against servers that misbehave on purpose (small servers on loopback
// written here, each doing one wrong thing): STARTTLS injection, an answer that never
// ends, a LIST that lies about sizes. Each ends the session with a clear error.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { Pop3Client } from '../src/mailbox/pop3.ts';

const servers: Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A POP3 server on loopback whose answers `script` writes, one call per command line. */
async function fakeServer(script: (line: string, socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    socket.write('+OK ready\r\n');
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString('latin1');
      for (let at = buffer.indexOf('\r\n'); at >= 0; at = buffer.indexOf('\r\n')) {
        const line = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        script(line, socket);
      }
    });
    socket.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

test('bytes sent after +OK to STLS, before the handshake, end the session (STARTTLS injection)', async () => {
  const port = await fakeServer((line, socket) => {
    // One write: the answer and an injected one that would be read as if it came over TLS.
    if (line === 'STLS') socket.write('+OK Begin TLS\r\n+OK injected\r\n');
  });
  await assert.rejects(
    Pop3Client.connect({ host: '127.0.0.1', port, security: 'starttls', timeoutMs: 5000 }),
    /STARTTLS injection/,
  );
});

test('the password is not sent over plain text unless allowed', async () => {
  const seen: string[] = [];
  const port = await fakeServer((line, socket) => {
    seen.push(line);
    socket.write('+OK\r\n');
  });
  const client = await Pop3Client.connect({ host: '127.0.0.1', port, security: 'none', timeoutMs: 5000 });
  await assert.rejects(client.login('bounces', 'secret'), /refusing to send the password without TLS/);
  assert.deepEqual(seen, []);
});

test('a message longer than the cap ends the session, whatever LIST said', async () => {
  const port = await fakeServer((line, socket) => {
    if (line.startsWith('RETR')) {
      socket.write('+OK 100 octets\r\n');
      // Never the terminating dot: 2 MB of one line, and more if it were read.
      socket.write(Buffer.alloc(2 * 1024 * 1024, 'a'));
    } else socket.write('+OK\r\n');
  });
  const client = await Pop3Client.connect({
    host: '127.0.0.1',
    port,
    security: 'none',
    allowPlaintextLogin: true,
    maxAnswerBytes: 64 * 1024,
    timeoutMs: 5000,
  });
  await client.login('bounces', 'secret');
  await assert.rejects(client.retrieve(1), /over 65536 bytes/);
});

test('a multi-line answer split into many small pieces is read whole, dot-unstuffed', async () => {
  const body = Array.from({ length: 2000 }, (_, i) => (i % 7 === 0 ? `..dotted ${i}` : `line ${i}`)).join('\r\n');
  const port = await fakeServer(async (line, socket) => {
    if (!line.startsWith('RETR')) return void socket.write('+OK\r\n');
    const answer = Buffer.from(`+OK\r\n${body}\r\n.\r\n`);
    // Pieces of 7 bytes: terminators and stuffed dots fall across piece boundaries.
    for (let i = 0; i < answer.length; i += 7) socket.write(answer.subarray(i, i + 7));
  });
  const client = await Pop3Client.connect({
    host: '127.0.0.1',
    port,
    security: 'none',
    allowPlaintextLogin: true,
    timeoutMs: 5000,
  });
  await client.login('bounces', 'secret');
  const message = await client.retrieve(1);
  assert.equal(message.toString('latin1'), `${body.replace(/(^|\r\n)\.\./g, '$1.')}\r\n`);
  client.destroy();
});
