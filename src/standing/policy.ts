// Where an address stands, decided from its current standing and one new fact. Pure: the
// clock is the time of the fact, so a test can walk through days and weeks.
//
// The defaults follow long-standing campaign-platform practice: a hard bounce quarantines
// at once; soft bounces count at most once a day, quarantine at the 5th, and the count
// resets after 10 quiet days; a quarantine for a full mailbox lifts after 30 days; a
// complaint suppresses for good; delays, auto-replies, deliveries and failures caused by the
// sender cost the address nothing.
import type { BounceType, Reason } from '../classify/reasons.ts';

export type StandingState = 'fine' | 'soft_bouncing' | 'quarantined' | 'complained';

export interface Standing {
  state: StandingState;
  softCount: number;
  lastCountedAt: Date | null;
  lastEventAt: Date | null;
  lastReason: string | null;
  quarantinedAt: Date | null;
  releaseAt: Date | null;
}

export interface StandingPolicy {
  softCountIntervalMs: number;
  softQuarantineAt: number;
  softResetMs: number;
  mailboxFullReleaseMs: number;
}

const DAY = 86_400_000;

export const DEFAULT_POLICY: StandingPolicy = {
  softCountIntervalMs: DAY,
  softQuarantineAt: 5,
  softResetMs: 10 * DAY,
  mailboxFullReleaseMs: 30 * DAY,
};

export interface StandingFact {
  at: Date;
  kind: string;
  action: string;
  type: BounceType;
  reason: Reason;
  /** The receiving domain's outage breaker is tripped: quarantine decisions are held. */
  held: boolean;
}

export type Effect = 'counted' | 'quarantined' | 'complained' | 'held' | 'none';

export interface Change {
  from: StandingState;
  to: StandingState;
  cause: 'event' | 'reset' | 'release' | 'breaker';
  reason: string | null;
}

export interface Decision {
  next: Standing;
  effect: Effect;
  /** State changes to record in the history, in order (a reset, then the event's own). */
  changes: Change[];
}

const FRESH: Standing = {
  state: 'fine',
  softCount: 0,
  lastCountedAt: null,
  lastEventAt: null,
  lastReason: null,
  quarantinedAt: null,
  releaseAt: null,
};

/** Quiet time and release dates, applied as of `at`. */
function settle(current: Standing, at: Date, policy: StandingPolicy): { standing: Standing; changes: Change[] } {
  if (current.state === 'quarantined' && current.releaseAt && current.releaseAt.getTime() <= at.getTime()) {
    return {
      standing: { ...current, state: 'fine', softCount: 0, releaseAt: null, quarantinedAt: null },
      changes: [{ from: 'quarantined', to: 'fine', cause: 'release', reason: current.lastReason }],
    };
  }
  if (
    current.state === 'soft_bouncing' &&
    current.lastCountedAt &&
    at.getTime() - current.lastCountedAt.getTime() >= policy.softResetMs
  ) {
    return {
      standing: { ...current, state: 'fine', softCount: 0 },
      changes: [{ from: 'soft_bouncing', to: 'fine', cause: 'reset', reason: null }],
    };
  }
  return { standing: current, changes: [] };
}

export function decide(
  current: Standing | null,
  fact: StandingFact,
  policy: StandingPolicy = DEFAULT_POLICY,
): Decision {
  const settled = settle(current ?? FRESH, fact.at, policy);
  const before = settled.standing;
  const changes = [...settled.changes];
  const newest = !before.lastEventAt || before.lastEventAt.getTime() <= fact.at.getTime();
  const seen = newest ? { ...before, lastEventAt: fact.at, lastReason: fact.reason } : before;
  const result = (next: Standing, effect: Effect, cause: Change['cause'] = 'event'): Decision => {
    if (next.state !== before.state) changes.push({ from: before.state, to: next.state, cause, reason: fact.reason });
    return { next, effect, changes };
  };

  if (before.state === 'complained') return result(seen, 'none');
  if (fact.kind === 'feedback') return result({ ...seen, state: 'complained', releaseAt: null }, 'complained');
  // Only a final failure can cost the address anything.
  if (fact.action !== 'failed' || fact.type === 'ignored') return { next: before, effect: 'none', changes };

  const quarantine = (s: Standing): Decision =>
    fact.held
      ? // Held: the address keeps its state; the history notes what the breaker stopped.
        {
          next: s,
          effect: 'held',
          changes: [...changes, { from: before.state, to: s.state, cause: 'breaker', reason: fact.reason }],
        }
      : result(
          {
            ...s,
            state: 'quarantined',
            quarantinedAt: fact.at,
            releaseAt: fact.reason === 'mailboxfull' ? new Date(fact.at.getTime() + policy.mailboxFullReleaseMs) : null,
          },
          'quarantined',
        );

  if (fact.type === 'hard') {
    if (before.state === 'quarantined' && before.releaseAt === null) return result(seen, 'none');
    return quarantine(seen);
  }

  // Soft: counted at most once per interval. Facts may be decoded out of order (several
  // workers): a fact within the interval of the last counted one, before or after it, is
  // the same day's bounce.
  if (before.state === 'quarantined') return result(seen, 'none');
  const last = before.lastCountedAt?.getTime();
  if (last !== undefined && Math.abs(fact.at.getTime() - last) < policy.softCountIntervalMs)
    return result(seen, 'none');
  const lastCountedAt = last !== undefined && last > fact.at.getTime() ? before.lastCountedAt : fact.at;
  const counted: Standing = { ...seen, softCount: before.softCount + 1, lastCountedAt, state: 'soft_bouncing' };
  if (counted.softCount >= policy.softQuarantineAt) return quarantine(counted);
  return result(counted, 'counted');
}
