// `bounced apply --event ID… | --message ID… [--actor NAME] [--note TEXT] [--dry-run]`:
// apply by hand facts that were recorded and not applied (see the unapplied_facts view).
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Pool } from 'pg';
import { applyUnapplied } from '../pipeline/apply.ts';
import type { EventsOptions } from '../pipeline/facts.ts';
import { UsageError } from './duration.ts';

const USAGE =
  'usage: bounced apply --event ID [--event ID…] | --message RAW_ID [--actor NAME] [--note TEXT] [--dry-run]';

function ids(values: string[] | undefined, option: string): string[] {
  return (values ?? []).map((v) => {
    if (!/^\d{1,18}$/.test(v.trim()))
      throw new UsageError(`${option}: expected a numeric id, got ${JSON.stringify(v)}`);
    return v.trim();
  });
}

/** Who is at the keyboard, for the history: the login name unless --actor says otherwise. */
export function operatorName(given: string | undefined): string {
  if (given?.trim()) return `cli:${given.trim()}`;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli:operator';
  }
}

export async function runApply(
  args: string[],
  pool: Pool,
  events: EventsOptions,
  out: (line: string) => void,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      event: { type: 'string', multiple: true },
      message: { type: 'string', multiple: true },
      actor: { type: 'string' },
      note: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const selection = { eventIds: ids(values.event, '--event'), rawMessageIds: ids(values.message, '--message') };
  if (positionals.length || (selection.eventIds.length === 0 && selection.rawMessageIds.length === 0))
    throw new UsageError(USAGE);
  const dryRun = values['dry-run'] ?? false;
  const operator = { actor: operatorName(values.actor), note: values.note ?? null };
  const applied = await applyUnapplied(pool, selection, { operator, dryRun, events });
  for (const a of applied) out(JSON.stringify(a));
  const none = applied.length === 0 ? ' (none of these is an unapplied fact: see the unapplied_facts view)' : '';
  out(`${dryRun ? 'would apply' : 'applied'} ${applied.length} fact(s)${none}`);
  return applied.length === 0 ? 1 : 0;
}
