// bounce_events is partitioned by month. Partitions are created ahead of time (the current
// month and the next two), so inserts never wait on DDL, and months past the retention are
// dropped whole. A default partition catches anything outside (an old report replayed).
import type { Pool } from 'pg';

const DUPLICATE_TABLE = '42P07';

function monthStart(date: Date, offset: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
}

export function partitionName(month: Date): string {
  return `bounce_events_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

export async function ensureMonthlyPartitions(pool: Pool, now: Date, monthsAhead = 2): Promise<string[]> {
  const created: string[] = [];
  for (let offset = -1; offset <= monthsAhead; offset++) {
    const from = monthStart(now, offset);
    const to = monthStart(now, offset + 1);
    const name = partitionName(from);
    try {
      const { rows } = await pool.query('select to_regclass($1) is not null as present', [name]);
      if (rows[0].present) continue;
      await pool.query(
        `create table ${name} partition of bounce_events for values from ('${from.toISOString()}') to ('${to.toISOString()}')`,
      );
      created.push(name);
    } catch (err) {
      // Another instance made it first.
      if ((err as { code?: string }).code !== DUPLICATE_TABLE) throw err;
    }
  }
  return created;
}

/** Drops monthly partitions that end before the retention window; 0 months keeps all. */
export async function dropExpiredPartitions(pool: Pool, now: Date, retentionMonths: number): Promise<string[]> {
  if (retentionMonths <= 0) return [];
  const oldestKept = partitionName(monthStart(now, -retentionMonths));
  const { rows } = await pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i
       join pg_class c on c.oid = i.inhrelid
       join pg_class p on p.oid = i.inhparent
      where p.relname = 'bounce_events' and c.relname ~ '^bounce_events_y[0-9]{4}m[0-9]{2}$'
      order by 1`,
  );
  const dropped = rows.map((r) => r.name).filter((name) => name < oldestKept);
  for (const name of dropped) await pool.query(`drop table if exists ${name}`);
  return dropped;
}
