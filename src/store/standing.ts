// Where addresses stand, in Postgres: the row of each address (locked while a fact is
// applied, so that workers and instances change a standing one at a time), its history,
// and the outage breakers of receiving domains. What to change is decided elsewhere
// (src/standing/); this module only reads and writes it.
import type { Pool, PoolClient } from 'pg';
import type { BreakerConfig } from '../config/index.ts';
import type { Change, Standing, StandingState } from '../standing/policy.ts';

interface StandingRow {
  address: string;
  state: StandingState;
  soft_count: number;
  last_counted_at: Date | null;
  last_event_at: Date | null;
  last_reason: string | null;
  quarantined_at: Date | null;
  release_at: Date | null;
}

export interface AddressOf {
  address: string;
  domain: string;
}

/**
 * The standing of each address, rows created for new ones, all locked until the
 * transaction ends. Locked in address order, so that two workers or instances locking
 * overlapping sets never wait on each other in a cycle.
 */
export async function lockStandings(tx: PoolClient, addresses: AddressOf[]): Promise<Map<string, Standing>> {
  if (addresses.length === 0) return new Map();
  const unique = [...new Map(addresses.map((a) => [a.address, a])).values()].sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
  );
  // One statement: a new address gets its row, a known one is locked (ON CONFLICT DO UPDATE
  // takes the row lock as FOR UPDATE would) and read; rows are taken in the order given.
  const { rows } = await tx.query<StandingRow>(
    `insert into address_standing as s (address, domain, state)
     select a, d, 'fine' from unnest($1::text[], $2::text[]) with ordinality as u(a, d, i) order by i
     on conflict (address) do update set domain = s.domain
     returning address, state, soft_count, last_counted_at, last_event_at, last_reason, quarantined_at, release_at`,
    [unique.map((a) => a.address), unique.map((a) => a.domain)],
  );
  return new Map(
    rows.map((row) => [
      row.address,
      {
        state: row.state,
        softCount: row.soft_count,
        lastCountedAt: row.last_counted_at,
        lastEventAt: row.last_event_at,
        lastReason: row.last_reason,
        quarantinedAt: row.quarantined_at,
        releaseAt: row.release_at,
      },
    ]),
  );
}

/** Writes new standings; updated_at is the time of the write, not of the transaction's start. */
export async function saveStandings(tx: PoolClient, standings: ReadonlyMap<string, Standing>): Promise<void> {
  if (standings.size === 0) return;
  const rows = [...standings];
  const column = <T>(pick: (s: Standing) => T) => rows.map(([, s]) => pick(s));
  await tx.query(
    `update address_standing s
        set state = n.state, soft_count = n.soft_count, last_counted_at = n.last_counted_at,
            last_event_at = n.last_event_at, last_reason = n.last_reason, quarantined_at = n.quarantined_at,
            release_at = n.release_at, updated_at = clock_timestamp()
       from unnest($1::text[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::text[],
                   $7::timestamptz[], $8::timestamptz[])
            as n(address, state, soft_count, last_counted_at, last_event_at, last_reason, quarantined_at, release_at)
      where s.address = n.address`,
    [
      rows.map(([address]) => address),
      column((s) => s.state),
      column((s) => s.softCount),
      column((s) => s.lastCountedAt),
      column((s) => s.lastEventAt),
      column((s) => s.lastReason),
      column((s) => s.quarantinedAt),
      column((s) => s.releaseAt),
    ],
  );
}

export interface HistoryEntry {
  address: string;
  at: Date;
  change: Change;
  /** 'operator' for a change an operator made by hand, else the change's own cause. */
  cause: string;
  rawMessageId: string;
  actor: string;
  note: string | null;
}

export async function appendHistory(tx: PoolClient, entries: HistoryEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const column = <T>(pick: (e: HistoryEntry) => T) => entries.map(pick);
  await tx.query(
    `insert into address_standing_history
            (address, at, from_state, to_state, reason, cause, raw_message_id, actor, note)
     select * from unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[],
                          $7::bigint[], $8::text[], $9::text[])`,
    [
      column((e) => e.address),
      column((e) => e.at),
      column((e) => e.change.from),
      column((e) => e.change.to),
      column((e) => e.change.reason),
      column((e) => e.cause),
      column((e) => e.rawMessageId),
      column((e) => e.actor),
      column((e) => e.note),
    ],
  );
}

/** Bounces of one receiving domain at one time, for the outage breaker's counters. */
export interface DomainBounces {
  domain: string;
  at: Date;
  hard: number;
  total: number;
}

/**
 * Counts bounces by receiving domain in their minute, in this session's own slot: no two
 * sessions ever wait on the same counter row. Called as the events are recorded.
 */
export async function countDomainBounces(tx: PoolClient, counts: DomainBounces[]): Promise<void> {
  if (counts.length === 0) return;
  // Summed per minute first: one statement may not update the same counter twice.
  await tx.query(
    `insert into domain_bounce_minutes (domain, minute, slot, hard, total)
     select d, date_trunc('minute', a), pg_backend_pid(), sum(h), sum(t)
       from unnest($1::text[], $2::timestamptz[], $3::int[], $4::int[]) as c(d, a, h, t)
      group by 1, 2
     on conflict (domain, minute, slot) do update
       set hard = domain_bounce_minutes.hard + excluded.hard, total = domain_bounce_minutes.total + excluded.total`,
    [counts.map((c) => c.domain), counts.map((c) => c.at), counts.map((c) => c.hard), counts.map((c) => c.total)],
  );
}

/** Counters older than any breaker window are of no use: dropped daily. */
export async function dropOldBounceMinutes(pool: Pick<PoolClient, 'query'>, now: Date): Promise<number> {
  const { rowCount } = await pool.query(
    `delete from domain_bounce_minutes where minute < $1::timestamptz - interval '2 days'`,
    [now],
  );
  return rowCount ?? 0;
}

/** A receiving domain whose breaker is asked about, at the time of its latest fact. */
export interface BreakerQuestion {
  domain: string;
  at: Date;
  /** A hard bounce: look at the window again (may trip or close it); otherwise only read its state. */
  evaluate: boolean;
}

/**
 * The outage breaker of receiving domains: an abnormal burst of hard bounces (at least
 * minHard in the window, and at least minRatio of its bounces) trips it, and quarantine
 * decisions for the domain are held until the burst is over, or an operator releases it.
 * Returns the domains whose breaker holds, for all the domains asked about in one statement.
 */
export async function breakersHolding(
  tx: PoolClient,
  switchboard: Pool,
  questions: BreakerQuestion[],
  cfg: BreakerConfig,
): Promise<Set<string>> {
  const held = new Set<string>();
  if (questions.length === 0) return held;
  // The breaker's row is read here, in the batch, and written only when it trips or closes,
  // on a connection of its own (`switchboard`) in a transaction of a single statement: a
  // write inside the batch would lock the row until the batch commits, and workers (or
  // instances) tripping two domains at once would wait on each other in a cycle. Once
  // tripped, every worker sees it at once.
  // One statement: whether each is open, and the window's counts, in whole minutes: the
  // minute of `at` and the ones before it.
  const { rows } = await tx.query<{
    domain: string;
    tripped_at: Date | null;
    hard: string | null;
    total: string | null;
  }>(
    `select q.domain, b.tripped_at, w.hard, w.total
       from unnest($1::text[], $2::timestamptz[], $3::boolean[]) as q(domain, at, evaluate)
       left join domain_breakers b on b.domain = q.domain and b.released_at is null
       left join lateral (
         select sum(hard) as hard, sum(total) as total from domain_bounce_minutes m
          where q.evaluate and m.domain = q.domain
            and m.minute > date_trunc('minute', q.at) - make_interval(secs => $4) and m.minute <= q.at) w on true`,
    [questions.map((q) => q.domain), questions.map((q) => q.at), questions.map((q) => q.evaluate), cfg.windowMs / 1000],
  );
  const byDomain = new Map(questions.map((q) => [q.domain, q]));
  for (const row of rows) {
    const { at, evaluate } = byDomain.get(row.domain)!;
    const trippedAt = row.tripped_at ?? undefined;
    const hard = Number(row.hard ?? 0);
    const ratio = hard / Math.max(1, Number(row.total ?? 0));
    const burst = evaluate && hard >= cfg.minHard && ratio >= cfg.minRatio;
    if (burst && trippedAt === undefined) {
      await switchboard.query(
        `insert into domain_breakers (domain, tripped_at, hard_count, ratio) values ($1, $2, $3, $4)
         on conflict (domain) do update set tripped_at = excluded.tripped_at, hard_count = excluded.hard_count,
                                            ratio = excluded.ratio, released_at = null
          where domain_breakers.released_at is not null`,
        [row.domain, at, hard, ratio],
      );
      held.add(row.domain);
    } else if (evaluate && !burst && trippedAt !== undefined && trippedAt.getTime() < at.getTime() - cfg.windowMs) {
      // The burst is over once a whole window has passed below the thresholds.
      await switchboard.query('update domain_breakers set released_at = $2 where domain = $1 and released_at is null', [
        row.domain,
        at,
      ]);
    } else if (trippedAt !== undefined) {
      held.add(row.domain);
    }
  }
  return held;
}
