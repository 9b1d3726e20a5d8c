// Decoding stored messages again with the current rules: after a decoder fix, or after an
// operator added a rule. Shows the difference per recipient, then (unless a dry run)
// writes the new reports and facts. Standing already changed by the old facts is left as
// it is; new facts change it as usual.
import type { Pool } from 'pg';
import type { RuleSet } from '../classify/index.ts';
import { decode } from '../parse/index.ts';
import type { Report } from '../parse/report.ts';
import { withTransaction } from '../store/database.ts';
import { lockDecodedSince, reclassifyEvent, reclassifyUnnamedEvents, writeReport } from '../store/stored-messages.ts';
import { type EventsOptions, recordFacts } from './facts.ts';

export interface ReprocessChange {
  rawMessageId: string;
  recipient: string;
  before: string | null;
  after: string | null;
}

export interface ReprocessSummary {
  messages: number;
  changed: ReprocessChange[];
}

/** Each recipient's reason and type; a failure that names nobody under "(unnamed)". */
const facts = (report: Report | null) =>
  new Map([
    ...(report?.recipients ?? []).map((r) => [r.address.toLowerCase(), `${r.reason}/${r.type}`] as const),
    ...(report?.unnamed ? [['(unnamed)', `${report.unnamed.reason}/${report.unnamed.type}`] as const] : []),
  ]);

export async function reprocess(
  pool: Pool,
  opts: {
    since: Date;
    onlyFailed?: boolean;
    dryRun: boolean;
    rules: RuleSet;
    events: EventsOptions;
    batchSize?: number;
  },
): Promise<ReprocessSummary> {
  const summary: ReprocessSummary = { messages: 0, changed: [] };
  let after = '0';
  for (;;) {
    const taken = await withTransaction(
      pool,
      async (tx) => {
        const rows = await lockDecodedSince(tx, after, opts.since, opts.batchSize ?? 200, opts.onlyFailed ?? false);
        for (const row of rows) {
          after = row.id;
          summary.messages++;
          const report = decode(row.raw, opts.rules);
          const before = facts(row.report);
          const now = facts(report);
          for (const recipient of new Set([...before.keys(), ...now.keys()])) {
            if (before.get(recipient) !== now.get(recipient)) {
              summary.changed.push({
                rawMessageId: row.id,
                recipient,
                before: before.get(recipient) ?? null,
                after: now.get(recipient) ?? null,
              });
            }
          }
          if (opts.dryRun) continue;
          await writeReport(tx, row.id, report);
          for (const r of report.recipients) await reclassifyEvent(tx, row.id, report.kind, r);
          if (report.unnamed && report.recipients.length === 0)
            await reclassifyUnnamedEvents(tx, row.id, report.kind, report.unnamed);
          await recordFacts(tx, [{ source: row, report }], opts.events); // facts that are new now
        }
        return rows.length;
      },
      { rollback: opts.dryRun },
    );
    if (taken === 0) return summary;
  }
}
