// Undoing what an outage did: `bounced release --domain D --since T` puts back the standing
// of every address of D that a hard bounce since T quarantined, and closes D's breaker.
import type { Pool } from 'pg';
import { withTransaction } from './database.ts';

export interface Released {
  address: string;
  restoredTo: string;
  quarantinedAt: Date;
}

export function releaseDomain(
  pool: Pool,
  domain: string,
  since: Date,
  opts: { dryRun: boolean; actor: string },
): Promise<Released[]> {
  return withTransaction(
    pool,
    async (client) => {
      // Lock the domain's quarantined addresses, then find for each the first quarantine since
      // T and the state it came from.
      await client.query(
        `select address from address_standing where domain = $1 and state = 'quarantined' for update`,
        [domain.toLowerCase()],
      );
      const { rows } = await client.query<{ address: string; from_state: string; at: Date }>(
        `select distinct on (h.address) h.address, h.from_state, h.at
           from address_standing_history h
           join address_standing s on s.address = h.address
          where s.domain = $1 and s.state = 'quarantined'
            and h.cause = 'event' and h.to_state = 'quarantined' and h.at >= $2
          order by h.address, h.at`,
        [domain.toLowerCase(), since],
      );
      const released = rows.map((r) => ({
        address: r.address,
        restoredTo: r.from_state ?? 'fine',
        quarantinedAt: r.at,
      }));
      if (opts.dryRun) return released;
      for (const r of released) {
        await client.query(
          `update address_standing set state = $2, quarantined_at = null, release_at = null,
                  soft_count = case when $2 = 'fine' then 0 else soft_count end, updated_at = clock_timestamp()
            where address = $1`,
          [r.address, r.restoredTo],
        );
        await client.query(
          `insert into address_standing_history (address, at, from_state, to_state, cause, actor, note)
           values ($1, clock_timestamp(), 'quarantined', $2, 'operator', $3, $4)`,
          [r.address, r.restoredTo, opts.actor, `released: ${domain} outage since ${since.toISOString()}`],
        );
      }
      await client.query(
        'update domain_breakers set released_at = clock_timestamp() where domain = $1 and released_at is null',
        [domain.toLowerCase()],
      );
      return released;
    },
    { rollback: opts.dryRun },
  );
}
