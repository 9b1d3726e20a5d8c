// Where addresses stand, in Postgres: the row of each address (locked while a fact is
// applied, so that workers and instances change a standing one at a time), its history,
// and the outage breakers of receiving domains. What to change is decided elsewhere
// (src/standing/); this module only reads and writes it.
import type { Pool, PoolClient } from 'pg';
import type { BreakerConfig } from '../config/index.ts';
import type { Change, Standing, StandingState } from '../standing/policy.ts';

interface StandingRow {
  state: StandingState;
  soft_count: number;
  last_counted_at: Date | null;
  last_event_at: Date | null;
  last_reason: string | null;
  quarantined_at: Date | null;
  release_at: Date | null;
}

/** The address's standing, its row created if new and locked until the transaction ends. */
export async function lockStanding(tx: PoolClient, address: string, domain: string): Promise<Standing> {
  // One statement: a new address gets its row, a known one is locked (ON CONFLICT DO UPDATE
  // takes the row lock as FOR UPDATE would) and read.
  const { rows } = await tx.query<StandingRow>(
    `insert into address_standing as s (address, domain, state) values ($1, $2, 'fine')
     on conflict (address) do update set domain = s.domain
     returning state, soft_count, last_counted_at, last_event_at, last_reason, quarantined_at, release_at`,
    [address, domain],
  );
  const row = rows[0]!;
  return {
    state: row.state,
    softCount: row.soft_count,
    lastCountedAt: row.last_counted_at,
    lastEventAt: row.last_event_at,
    lastReason: row.last_reason,
    quarantinedAt: row.quarantined_at,
    releaseAt: row.release_at,
  };
}

/** Writes a new standing; updated_at is the time of the write, not of the transaction's start. */
export async function saveStanding(tx: PoolClient, address: string, n: Standing): Promise<void> {
  await tx.query(
    `update address_standing
        set state = $2, soft_count = $3, last_counted_at = $4, last_event_at = $5, last_reason = $6,
            quarantined_at = $7, release_at = $8, updated_at = clock_timestamp()
      where address = $1`,
    [address, n.state, n.softCount, n.lastCountedAt, n.lastEventAt, n.lastReason, n.quarantinedAt, n.releaseAt],
  );
}

export interface HistoryEntry {
  at: Date;
  change: Change;
  /** 'operator' for a change an operator made by hand, else the change's own cause. */
  cause: string;
  rawMessageId: string;
  actor: string;
  note: string | null;
}

export async function appendHistory(tx: PoolClient, address: string, entry: HistoryEntry): Promise<void> {
  await tx.query(
    `insert into address_standing_history (address, at, from_state, to_state, reason, cause, raw_message_id, actor, note)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [address, entry.at, entry.change.from, entry.change.to, entry.change.reason, entry.cause, entry.rawMessageId, entry.actor, entry.note],
  );
}

/**
 * Counts a message's bounces by receiving domain in their minute, in this session's own
 * slot: no two sessions ever wait on the same counter row. Called as the events are recorded.
 */
export async function countDomainBounces(tx: PoolClient, at: Date, counts: ReadonlyMap<string, { hard: number; total: number }>): Promise<void> {
  if (counts.size === 0) return;
  const domains = [...counts.keys()];
  await tx.query(
    `insert into domain_bounce_minutes (domain, minute, slot, hard, total)
     select d, date_trunc('minute', $1::timestamptz), pg_backend_pid(), h, t from unnest($2::text[], $3::int[], $4::int[]) as c(d, h, t)
     on conflict (domain, minute, slot) do update
       set hard = domain_bounce_minutes.hard + excluded.hard, total = domain_bounce_minutes.total + excluded.total`,
    [at, domains, domains.map((d) => counts.get(d)!.hard), domains.map((d) => counts.get(d)!.total)],
  );
}

/** Counters older than any breaker window are of no use: dropped daily. */
export async function dropOldBounceMinutes(pool: Pick<PoolClient, 'query'>, now: Date): Promise<number> {
  const { rowCount } = await pool.query(`delete from domain_bounce_minutes where minute < $1::timestamptz - interval '2 days'`, [now]);
  return rowCount ?? 0;
}

/**
 * The outage breaker of a receiving domain: an abnormal burst of hard bounces (at least
 * minHard in the window, and at least minRatio of its bounces) trips it, and quarantine
 * decisions for the domain are held until the burst is over, or an operator releases it.
 * `evaluate` (a hard bounce) looks at the window again; otherwise only the state is read.
 */
export async function breakerHolds(tx: PoolClient, switchboard: Pool, domain: string, at: Date, cfg: BreakerConfig, evaluate: boolean): Promise<boolean> {
  // The breaker's row is read here, in the batch, and written only when it trips or closes,
  // on a connection of its own (`switchboard`) in a transaction of a single statement: a
  // write inside the batch would lock the row until the batch commits, and workers (or
  // instances) tripping two domains at once would wait on each other in a cycle. Once
  // tripped, every worker sees it at once.
  // One statement: whether it is open, and (for a hard bounce) the window's counts, in whole
  // minutes: the minute of `at` and the ones before it.
  const { rows } = await tx.query<{ tripped_at: Date | null; hard: string | null; total: string | null }>(
    `select (select tripped_at from domain_breakers where domain = $1 and released_at is null) as tripped_at,
            sum(hard) as hard, sum(total) as total
       from domain_bounce_minutes
      where domain = $1 and $4
        and minute > date_trunc('minute', $2::timestamptz) - make_interval(secs => $3) and minute <= $2`,
    [domain, at, cfg.windowMs / 1000, evaluate],
  );
  const trippedAt = rows[0]?.tripped_at ?? undefined;
  if (!evaluate) return trippedAt !== undefined;
  const hard = Number(rows[0]?.hard ?? 0);
  const ratio = hard / Math.max(1, Number(rows[0]?.total ?? 0));
  const burst = hard >= cfg.minHard && ratio >= cfg.minRatio;
  if (burst && trippedAt === undefined) {
    await switchboard.query(
      `insert into domain_breakers (domain, tripped_at, hard_count, ratio) values ($1, $2, $3, $4)
       on conflict (domain) do update set tripped_at = excluded.tripped_at, hard_count = excluded.hard_count,
                                          ratio = excluded.ratio, released_at = null
        where domain_breakers.released_at is not null`,
      [domain, at, hard, ratio],
    );
    return true;
  }
  // The burst is over once a whole window has passed below the thresholds.
  if (!burst && trippedAt !== undefined && trippedAt.getTime() < at.getTime() - cfg.windowMs) {
    await switchboard.query('update domain_breakers set released_at = $2 where domain = $1 and released_at is null', [domain, at]);
    return false;
  }
  return trippedAt !== undefined;
}
