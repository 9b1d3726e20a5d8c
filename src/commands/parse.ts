// `bounced parse [--json] [--rules FILE] [--jobs N] PATH…`: decodes files without a
// database. Folders are walked, sorted; one line per file (an mbox file: the recipients of
// all its messages), in that order whatever the number of jobs. Many files are decoded on
// every core (parse-worker.ts), in chunks handed out as workers ask for them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { RuleSet } from '../classify/index.ts';
import { loadRuleFile } from '../classify/rule-file.ts';
import { decodeFile } from '../parse/mbox.ts';
import { messageIdOf } from '../parse/original.ts';
import type { Report } from '../parse/report.ts';
import { startModuleWorker } from '../pipeline/module-worker.ts';

export function filesUnder(path: string): string[] {
  return statSync(path).isDirectory() ? filesIn(path) : [path];
}

/** A folder's files, walked in name order; its entries' types come with the listing (no stat per file). */
function filesIn(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.'))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((entry) => {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) return filesIn(path);
      // A link may lead to a folder: only it needs a stat.
      return entry.isSymbolicLink() ? filesUnder(path) : [path];
    });
}

export interface ParseOptions {
  json: boolean;
  /** An operators' rule file, read by each job (compiled patterns do not cross threads). */
  rulesFile?: string;
  /** Threads decoding at once; by default one per thousand files, up to one per core. */
  jobs?: number;
}

/** Files per chunk a job takes: small enough to share the work evenly, cheap enough to hand out. */
const CHUNK = 48;
/**
 * Files per job at least: each thread warms up on its own (the first thousand files or so
 * decode at half speed while V8 compiles the patterns and the readers), so fewer files are
 * done sooner by fewer threads.
 */
const FILES_PER_JOB = 1000;

/** The rules a job decodes with: ours, after the operators' from the file. */
export function rulesOf(options: ParseOptions): RuleSet {
  return { extra: options.rulesFile ? loadRuleFile(options.rulesFile) : [] };
}

/** The lines of some files, and how many could not be read. */
export function parseFiles(
  files: string[],
  options: ParseOptions,
  rules: RuleSet,
): { lines: string[]; failures: number } {
  let failures = 0;
  const lines = files.map((file) => {
    let raw: Buffer;
    try {
      raw = readFileSync(file);
    } catch (err) {
      failures++;
      const why = (err as Error).message;
      return options.json ? jsonLine(file, null, why) : `${file}: cannot read: ${why}`;
    }
    const report = decodeFile(raw, rules);
    const error = report.problems.find((p) => p.startsWith('could not be read')) ?? null;
    return options.json ? jsonLine(file, report, error) : humanLine(file, report);
  });
  return { lines, failures };
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
      // Where the address came from (a DSN field, the notice's words, a mere mention…).
      role: r.role,
    })),
    // A failure the notice does not say whose (the send it is proven to be about does).
    ...(report?.unnamed ? { unnamed: report.unnamed } : {}),
    feedback: report?.feedback ?? null,
    error,
  });
}

function humanLine(file: string, report: Report): string {
  const facts = [...report.recipients, ...(report.unnamed ? [{ ...report.unnamed, address: '(unnamed)' }] : [])];
  const who = facts.map((r) => `${r.address} ${r.reason}/${r.type}${r.status ? ` ${r.status}` : ''}`).join(', ');
  return `${file}: ${report.kind}${who ? `: ${who}` : ''}`;
}

export async function runParse(paths: string[], options: ParseOptions, out: (text: string) => void): Promise<number> {
  const files = paths.flatMap(filesUnder);
  const jobs = Math.min(
    options.jobs ?? Math.min(availableParallelism(), Math.floor(files.length / FILES_PER_JOB)),
    Math.ceil(files.length / CHUNK),
  );
  if (jobs <= 1) {
    // Line by line, so that a long run shows its progress.
    const rules = rulesOf(options);
    let failures = 0;
    for (const file of files) {
      const done = parseFiles([file], options, rules);
      failures += done.failures;
      out(`${done.lines[0]}\n`);
    }
    return failures ? 1 : 0;
  }
  return (await parseInJobs(files, options, jobs, out)) ? 1 : 0;
}

/** Decodes the files on `jobs` threads; writes each chunk's lines in file order. Returns the failures. */
async function parseInJobs(
  files: string[],
  options: ParseOptions,
  jobs: number,
  out: (text: string) => void,
): Promise<number> {
  const chunks: string[][] = [];
  for (let at = 0; at < files.length; at += CHUNK) chunks.push(files.slice(at, at + CHUNK));
  const done = new Map<number, string[]>();
  let handedOut = 0;
  let written = 0;
  let failures = 0;
  const writeReady = () => {
    for (let lines = done.get(written); lines; lines = done.get(written)) {
      out(`${lines.join('\n')}\n`);
      done.delete(written++);
    }
  };
  const workers: Array<{ terminate(): Promise<number> }> = [];
  const job = () =>
    new Promise<void>((resolve, reject) => {
      const worker = startModuleWorker(import.meta.url, 'parse-worker', {
        workerData: { json: options.json, rulesFile: options.rulesFile },
      });
      workers.push(worker);
      let stopping = false;
      const next = () => {
        if (handedOut >= chunks.length) {
          stopping = true;
          void worker.terminate();
          resolve();
          return;
        }
        const index = handedOut++;
        worker.postMessage({ index, files: chunks[index] });
      };
      worker.on('message', (m: { index?: number; lines: string[]; failures: number } | 'ready') => {
        if (m !== 'ready') {
          done.set(m.index!, m.lines);
          failures += m.failures;
          writeReady();
        }
        next();
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (!stopping) reject(new Error(`a parse job stopped (exit ${code})`));
      });
    });
  try {
    await Promise.all(Array.from({ length: jobs }, job));
  } catch (err) {
    // One job failed: the others stop too, rather than decode what will not be written.
    handedOut = chunks.length;
    await Promise.all(workers.map((w) => w.terminate()));
    throw err;
  }
  writeReady();
  if (written !== chunks.length) throw new Error(`${chunks.length - written} chunks of files were not decoded`);
  return failures;
}
