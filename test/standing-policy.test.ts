// The standing policy, walked day by day with the time of each fact as the clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BounceType, Reason } from '../src/classify/reasons.ts';
import { DEFAULT_POLICY, type Decision, decide, type Standing } from '../src/standing/policy.ts';

const T0 = new Date('2026-11-01T08:00:00Z');
const at = (days: number, hours = 0) => new Date(T0.getTime() + days * 86_400_000 + hours * 3_600_000);

function fact(
  when: Date,
  type: BounceType,
  reason: Reason,
  extra: Partial<{ kind: string; action: string; held: boolean }> = {},
) {
  return {
    at: when,
    type,
    reason,
    kind: extra.kind ?? 'bounce',
    action: extra.action ?? 'failed',
    held: extra.held ?? false,
  };
}

function walk(facts: ReturnType<typeof fact>[]): { standing: Standing | null; decisions: Decision[] } {
  let standing: Standing | null = null;
  const decisions: Decision[] = [];
  for (const f of facts) {
    const d = decide(standing, f, DEFAULT_POLICY);
    decisions.push(d);
    standing = d.next;
  }
  return { standing, decisions };
}

test('a hard bounce quarantines at once', () => {
  const { standing, decisions } = walk([fact(at(0), 'hard', 'userunknown')]);
  assert.equal(standing!.state, 'quarantined');
  assert.equal(standing!.releaseAt, null);
  assert.equal(decisions[0]!.effect, 'quarantined');
  assert.deepEqual(decisions[0]!.changes, [{ from: 'fine', to: 'quarantined', cause: 'event', reason: 'userunknown' }]);
});

test('soft bounces count once a day and quarantine at the fifth counted one', () => {
  const facts = [
    fact(at(0), 'soft', 'systemerror'),
    fact(at(0, 5), 'soft', 'systemerror'), // same day: not counted
    fact(at(1), 'soft', 'systemerror'),
    fact(at(2), 'soft', 'systemerror'),
    fact(at(3), 'soft', 'systemerror'),
  ];
  const { standing, decisions } = walk(facts);
  assert.deepEqual(
    decisions.map((d) => d.effect),
    ['counted', 'none', 'counted', 'counted', 'counted'],
  );
  assert.equal(standing!.state, 'soft_bouncing');
  assert.equal(standing!.softCount, 4);
  const fifth = decide(standing, fact(at(4), 'soft', 'systemerror'));
  assert.equal(fifth.effect, 'quarantined');
  assert.equal(fifth.next.state, 'quarantined');
  assert.equal(fifth.next.softCount, 5);
});

test('the soft count resets after 10 quiet days', () => {
  const { standing } = walk([
    fact(at(0), 'soft', 'systemerror'),
    fact(at(1), 'soft', 'systemerror'),
    fact(at(2), 'soft', 'systemerror'),
  ]);
  const nine = decide(standing, fact(at(11), 'soft', 'systemerror')); // 9 days after the last counted one
  assert.equal(nine.next.softCount, 4);
  const eleven = decide(standing, fact(at(13), 'soft', 'systemerror')); // 11 quiet days
  assert.equal(eleven.next.softCount, 1);
  assert.deepEqual(
    eleven.changes.map((c) => c.cause),
    ['reset', 'event'],
  );
});

test('a mailboxfull quarantine lifts after 30 days; another kind does not', () => {
  const full = walk([0, 1, 2, 3, 4].map((d) => fact(at(d), 'soft', 'mailboxfull'))).standing!;
  assert.equal(full.state, 'quarantined');
  assert.deepEqual(full.releaseAt, at(34));
  const later = decide(full, fact(at(35), 'soft', 'mailboxfull'));
  assert.equal(later.changes[0]!.cause, 'release');
  assert.equal(later.next.state, 'soft_bouncing');
  assert.equal(later.next.softCount, 1);
  const other = walk([0, 1, 2, 3, 4].map((d) => fact(at(d), 'soft', 'systemerror'))).standing!;
  assert.equal(other.releaseAt, null);
  assert.equal(decide(other, fact(at(60), 'soft', 'systemerror')).next.state, 'quarantined');
});

test('a complaint suppresses for good; nothing after it changes that', () => {
  const { standing } = walk([
    fact(at(0), 'ignored', 'feedback', { kind: 'feedback' }),
    fact(at(400), 'hard', 'userunknown'),
  ]);
  assert.equal(standing!.state, 'complained');
});

test('delays, auto-replies, deliveries and sender-caused failures cost nothing', () => {
  const { standing, decisions } = walk([
    fact(at(0), 'soft', 'expired', { kind: 'delay', action: 'delayed' }),
    fact(at(1), 'ignored', 'vacation', { kind: 'autoreply', action: 'delivered' }),
    fact(at(2), 'ignored', 'delivered', { kind: 'delivered', action: 'delivered' }),
    fact(at(3), 'ignored', 'blocked'),
    fact(at(4), 'ignored', 'badreputation'),
  ]);
  assert.ok(decisions.every((d) => d.effect === 'none'));
  assert.equal(standing!.state, 'fine');
  assert.equal(standing!.softCount, 0);
});

test('while the domain breaker is tripped, quarantines are held and noted', () => {
  const d = decide(null, fact(at(0), 'hard', 'userunknown', { held: true }));
  assert.equal(d.effect, 'held');
  assert.equal(d.next.state, 'fine');
  assert.deepEqual(d.changes, [{ from: 'fine', to: 'fine', cause: 'breaker', reason: 'userunknown' }]);
});
