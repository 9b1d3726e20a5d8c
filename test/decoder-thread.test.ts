// The decoder thread: messages asked for together go to the thread in one message, and each
// still has its own time budget. A message past it is the one failed; those asked with it
// are decoded by the thread started in its place, each exactly once, in order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DecodeBudgetExceeded, DecoderThread } from '../src/pipeline/decoder-thread.ts';
import { failureNotice, manyAddresses } from './support/notices.ts';

const one = (i: number) => Buffer.from(failureNotice([`user${i}@small.example`]).replace(/\n/g, '\r\n'));
// Decoding 20,000 addresses takes far longer than a 150 ms budget (half a second and more).
const huge = Buffer.from(failureNotice(manyAddresses(20_000, 100)).replace(/\n/g, '\r\n'));

test('a batch with a message past its budget: that one fails, the others are decoded by the next thread', async () => {
  const restarts: string[] = [];
  const thread = new DecoderThread(150, (why) => restarts.push(why));
  await thread.start();
  try {
    const asked = [one(1), one(2), huge, one(3), one(4)].map((raw) => thread.decode(raw));
    const outcomes = await Promise.allSettled(asked);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled'],
    );
    assert.ok((outcomes[2] as PromiseRejectedResult).reason instanceof DecodeBudgetExceeded);
    const addresses = outcomes.map((o) => (o.status === 'fulfilled' ? o.value.recipients.map((r) => r.address) : null));
    assert.deepEqual(addresses, [
      ['user1@small.example'],
      ['user2@small.example'],
      null,
      ['user3@small.example'],
      ['user4@small.example'],
    ]);
    assert.deepEqual(restarts, ['budget']);
    // The new thread goes on with the next batch.
    const later = await thread.decode(one(5));
    assert.equal(later.recipients[0]!.address, 'user5@small.example');
  } finally {
    await thread.close();
  }
});

test('many messages at once are all answered, each with its own report', async () => {
  const thread = new DecoderThread(60_000);
  try {
    const reports = await Promise.all(Array.from({ length: 300 }, (_, i) => thread.decode(one(i))));
    assert.deepEqual(
      reports.map((r) => r.recipients[0]!.address),
      Array.from({ length: 300 }, (_, i) => `user${i}@small.example`),
    );
  } finally {
    await thread.close();
  }
});
