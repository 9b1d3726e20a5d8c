// The steps most server tests share: deliver one message over real SMTP and get its id
// from the 250, then wait until the decoding stage has taken it.
import assert from 'node:assert/strict';
import type pg from 'pg';
import { RawSmtpClient } from './smtp-client.ts';

/** Sends one message (null sender) and returns the id of its 250; fails the test on anything else. */
export async function deliver(port: number, raw: string | Buffer, rcpt: string): Promise<string> {
  const { client } = await RawSmtpClient.greet(port);
  await client.command('EHLO mx.example.net');
  const reply = await client.send('', [rcpt], Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'latin1'));
  await client.quit();
  assert.equal(reply.code, 250, reply.text);
  return /stored as (\d+)/.exec(reply.text)![1]!;
}

/** Waits (bounded) until the stored message is no longer pending; returns its decode_state. */
export async function waitForDecode(pool: pg.Pool, id: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ decode_state: string }>('select decode_state from raw_messages where id = $1', [
      id,
    ]);
    if (rows[0]?.decode_state !== 'pending' || Date.now() > deadline) return rows[0]?.decode_state ?? 'missing';
    await new Promise((r) => setTimeout(r, 50));
  }
}
