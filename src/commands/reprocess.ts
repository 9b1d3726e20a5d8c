// `bounced reprocess [--since 30d] [--failed] [--dry-run]`: decode stored messages again
// with the current rules (built-in and classification_rules), show the difference, then
// apply it. With --failed, exactly the messages that could not be decoded (any age unless
// --since says otherwise).
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { loadRulesFromDatabase } from '../classify/rule-store.ts';
import type { EventsOptions } from '../pipeline/facts.ts';
import { reprocess } from '../pipeline/reprocess.ts';
import { parseSince, UsageError } from './duration.ts';

export async function runReprocess(
  args: string[],
  pool: Pool,
  events: EventsOptions,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      since: { type: 'string' },
      failed: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  if (positionals.length)
    throw new UsageError('usage: bounced reprocess [--since 30d|2026-11-01T00:00:00Z] [--failed] [--dry-run]');
  const since = values.since ? parseSince(values.since) : values.failed ? new Date(0) : parseSince('30d');
  const loaded = await loadRulesFromDatabase(pool);
  const summary = await reprocess(pool, {
    since,
    onlyFailed: values.failed ?? false,
    dryRun: values['dry-run'] ?? false,
    rules: { extra: loaded.rules },
    events,
  });
  for (const c of summary.changed) out(JSON.stringify(c));
  out(
    `${values['dry-run'] ? 'dry run: ' : ''}${summary.messages} message(s) decoded again, ` +
      `${summary.changed.length} recipient fact(s) ${values['dry-run'] ? 'would change' : 'changed'}`,
  );
  return 0;
}
