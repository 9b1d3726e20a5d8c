// bounce_events and address_standing_history are partitioned by month. Partitions are
// created ahead of time (the previous month, the current one and the next two), so inserts
// never wait on DDL, and months past the retention are dropped whole. A default partition
// catches anything outside (an old report replayed).
import type { Pool } from 'pg';

const DUPLICATE_TABLE = '42P07';

/** The tables partitioned by month. */
export type MonthlyTable = 'bounce_events' | 'address_standing_history';

function monthStart(date: Date, offset: number): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
}

export function partitionName(month: Date, table: MonthlyTable = 'bounce_events'): string {
  return `${table}_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

export async function ensureMonthlyPartitions(
  pool: Pool,
  now: Date,
  monthsAhead = 2,
  table: MonthlyTable = 'bounce_events',
): Promise<string[]> {
  const created: string[] = [];
  for (let offset = -1; offset <= monthsAhead; offset++) {
    const from = monthStart(now, offset);
    const to = monthStart(now, offset + 1);
    const name = partitionName(from, table);
    try {
      const { rows } = await pool.query('select to_regclass($1) is not null as present', [name]);
      if (rows[0].present) continue;
      await pool.query(
        `create table ${name} partition of ${table}
           for values from ('${from.toISOString()}') to ('${to.toISOString()}')`,
      );
      created.push(name);
    } catch (err) {
      // Another instance made it first.
      if ((err as { code?: string }).code !== DUPLICATE_TABLE) throw err;
    }
  }
  return created;
}

/** Drops the monthly partitions of `table` whose month ended by `cutOff`; returns their names. */
export async function dropPartitionsEndedBy(pool: Pool, table: MonthlyTable, cutOff: Date): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i
       join pg_class c on c.oid = i.inhrelid
       join pg_class p on p.oid = i.inhparent
      where p.relname = $1 and c.relname ~ ('^' || $1 || '_y[0-9]{4}m[0-9]{2}$')
      order by 1`,
    [table],
  );
  const dropped = rows
    .map((r) => r.name)
    .filter((name) => {
      const [, year, month] = name.match(/_y(\d{4})m(\d{2})$/)!;
      return monthStart(new Date(Date.UTC(Number(year), Number(month) - 1, 1)), 1) <= cutOff;
    });
  for (const name of dropped) await pool.query(`drop table if exists ${name}`);
  return dropped;
}

/** Drops bounce_events months that end before the retention window; 0 months keeps all. */
export async function dropExpiredPartitions(pool: Pool, now: Date, retentionMonths: number): Promise<string[]> {
  if (retentionMonths <= 0) return [];
  return dropPartitionsEndedBy(pool, 'bounce_events', monthStart(now, -retentionMonths));
}
