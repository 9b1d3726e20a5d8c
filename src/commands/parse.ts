// `bounced parse [--json] [--rules FILE] PATH…`: decodes files without a database. Folders
// are walked, sorted; one line per file (an mbox file: the recipients of all its messages).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleSet } from '../classify/index.ts';
import { decodeFile } from '../parse/mbox.ts';
import { messageIdOf } from '../parse/original.ts';
import type { Report } from '../parse/report.ts';

export function filesUnder(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => filesUnder(join(path, name)));
}

/** The `parse --json` line of the design's contract. */
function jsonLine(file: string, report: Report | null, error: string | null): string {
  return JSON.stringify({
    file,
    kind: report?.kind ?? 'other',
    originalMessageId: messageIdOf(report?.original ?? null),
    recipients: (report?.recipients ?? []).map((r) => ({
      address: r.address,
      action: r.action,
      status: r.status,
      replyCode: r.replyCode,
      diagnosticCode: r.diagnosticCode,
      remoteMta: r.remoteMta,
      // Only for a DSN that says it (a delay): when the reporting MTA stops trying.
      ...(r.willRetryUntil ? { willRetryUntil: r.willRetryUntil } : {}),
      reason: r.reason,
      type: r.type,
      rule: r.rule,
    })),
    feedback: report?.feedback ?? null,
    error,
  });
}

function humanLine(file: string, report: Report): string {
  const who = report.recipients
    .map((r) => `${r.address} ${r.reason}/${r.type}${r.status ? ` ${r.status}` : ''}`)
    .join(', ');
  return `${file}: ${report.kind}${who ? `: ${who}` : ''}`;
}

export function runParse(paths: string[], json: boolean, rules: RuleSet, out: (line: string) => void): number {
  let failures = 0;
  for (const file of paths.flatMap(filesUnder)) {
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch (err) {
      failures++;
      out(json ? jsonLine(file, null, (err as Error).message) : `${file}: cannot read: ${(err as Error).message}`);
      continue;
    }
    const report = decodeFile(raw, rules);
    const error = report.problems.find((p) => p.startsWith('could not be read')) ?? null;
    out(json ? jsonLine(file, report, error) : humanLine(file, report));
  }
  return failures ? 1 : 0;
}
