// `bounced release --domain D --since T [--dry-run]`: undo the quarantines an outage of D caused.
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { releaseDomain } from '../store/release.ts';
import { operatorName } from './apply.ts';
import { parseSince, UsageError } from './duration.ts';

export async function runRelease(args: string[], pool: Pool, out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { domain: { type: 'string' }, since: { type: 'string' }, 'dry-run': { type: 'boolean', default: false } },
  });
  if (!values.domain || !values.since || positionals.length)
    throw new UsageError('usage: bounced release --domain example.com --since 2h|2026-11-28T10:00:00Z [--dry-run]');
  const since = parseSince(values.since);
  const released = await releaseDomain(pool, values.domain, since, {
    dryRun: values['dry-run'] ?? false,
    actor: operatorName(undefined),
  });
  for (const r of released) out(JSON.stringify(r));
  out(
    `${values['dry-run'] ? 'would release' : 'released'} ${released.length} address(es) of ${values.domain} ` +
      `quarantined since ${since.toISOString()}`,
  );
  return 0;
}
