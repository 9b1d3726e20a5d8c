// The shared corpus as a regression guard: the agreement with Sisimai's expectations must
// not fall below what the decoder reached. These floors are below the goals
// (0.99 / 0.95 / 0.99 / 0.99), which are not all met; raise them as the rules improve.
// Precision guards against reporting addresses that did not fail (help desks, senders,
// message ids): each would count against an address that never bounced. The Message-ID of
// the returned message is what links a bounce to the message we sent.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { measureAgreement } from '../scripts/corpus-agreement.ts';

const CORPUS = fileURLToPath(new URL('../../shared/corpus/sisimai/', import.meta.url));
const FLOORS = { recall: 0.986, precision: 0.99, reason: 0.935, hard: 0.963, status: 0.995, messageId: 0.985 };

test(`agreement with the shared corpus stays at or above ${JSON.stringify(FLOORS)}`, () => {
  const measured = measureAgreement(CORPUS);
  for (const key of Object.keys(FLOORS) as Array<keyof typeof FLOORS>) {
    assert.ok(measured[key] >= FLOORS[key], `${key} ${measured[key].toFixed(4)} fell below ${FLOORS[key]}`);
  }
});

// Over the expectations a decoder can derive (issue 16 states its goals so: recall and
// precision 0.995, reason 0.95, hard 0.98, status 0.995); recall, precision and status are met.
// One expectation is knowingly not followed: an answer from noreply@ that "this email inbox
// x@y is no longer in use" is about x@y, where Sisimai names noreply@ (reason and hard, too).
const DERIVABLE_FLOORS = { recall: 0.995, precision: 0.995, reason: 0.943, hard: 0.972, status: 0.995 };

test(`over derivable expectations, agreement stays at or above ${JSON.stringify(DERIVABLE_FLOORS)}`, () => {
  const { derivable } = measureAgreement(CORPUS);
  assert.ok(derivable.results > 600, `${derivable.results} derivable expectations`);
  for (const key of Object.keys(DERIVABLE_FLOORS) as Array<keyof typeof DERIVABLE_FLOORS>) {
    const floor = DERIVABLE_FLOORS[key];
    assert.ok(derivable[key] >= floor, `${key} ${derivable[key].toFixed(4)} fell below ${floor}`);
  }
});
