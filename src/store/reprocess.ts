// Decoding stored messages again with the current rules: after a decoder fix, or after an
// operator added a rule. Shows the difference per recipient, then (unless a dry run)
// writes the new reports and facts. Standing already changed by the old facts is left as
// it is; new facts change it as usual.
import type { Pool } from 'pg';
import type { RuleSet } from '../classify/index.ts';
import { decode } from '../parse/index.ts';
import type { Report } from '../parse/report.ts';
import { recordFacts, type EventsOptions, type FactSource } from './events.ts';

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

const facts = (report: Report | null) => new Map((report?.recipients ?? []).map((r) => [r.address.toLowerCase(), `${r.reason}/${r.type}`]));

export async function reprocess(
  pool: Pool,
  opts: { since: Date; dryRun: boolean; rules: RuleSet; events: EventsOptions; batchSize?: number },
): Promise<ReprocessSummary> {
  const summary: ReprocessSummary = { messages: 0, changed: [] };
  let after = '0';
  for (;;) {
    const client = await pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<{ id: string; received_at: Date; mail_from: string; rcpt_to: string[]; raw: Buffer; report: Report | null }>(
        `select id, received_at, mail_from, rcpt_to, raw, report from raw_messages
          where id > $1 and received_at >= $2 and decode_state <> 'pending'
          order by id limit $3 for update skip locked`,
        [after, opts.since, opts.batchSize ?? 200],
      );
      if (rows.length === 0) {
        await client.query('rollback');
        return summary;
      }
      for (const row of rows) {
        after = String(row.id);
        summary.messages++;
        const report = decode(row.raw, opts.rules);
        const before = facts(row.report);
        const now = facts(report);
        for (const recipient of new Set([...before.keys(), ...now.keys()])) {
          if (before.get(recipient) !== now.get(recipient)) {
            summary.changed.push({ rawMessageId: String(row.id), recipient, before: before.get(recipient) ?? null, after: now.get(recipient) ?? null });
          }
        }
        if (opts.dryRun) continue;
        await client.query(`update raw_messages set report = $2, report_kind = $3, decode_state = 'decoded', decode_error = null, decoded_at = now() where id = $1`, [
          row.id, JSON.stringify(report), report.kind,
        ]);
        for (const r of report.recipients) {
          await client.query(
            `update bounce_events set reason = $3, type = $4, rule = $5, status = $6, reply_code = $7, kind = $8
              where raw_message_id = $1 and recipient = $2`,
            [row.id, r.address.toLowerCase(), r.reason, r.type, r.rule, r.status, r.replyCode, report.kind],
          );
        }
        const message: FactSource = { id: String(row.id), receivedAt: row.received_at, rcptTo: row.rcpt_to };
        await recordFacts(client, message, report, opts.events); // facts that are new now
      }
      await client.query(opts.dryRun ? 'rollback' : 'commit');
    } catch (err) {
      await client.query('rollback').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
