// `npm run bench:parse-cli`: the whole `bounced parse` process over many files (the shared
// corpus ten times: 6,280 files), start-up included, from the compiled build (built first),
// with one job and with one per core; next to Sisimai's Perl library over the same folders
// when it is installed (Debian: apt-get install libsisimai-perl), in the same run. Medians of 3.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS_DIR, corpusFiles } from '../test/support/corpus.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COPIES = Number(process.env.COPIES ?? 10);
const RUNS = 3;

const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) throw new Error('npm run build failed');

const work = mkdtempSync(join(tmpdir(), 'bench-parse-cli-'));
const folders = Array.from({ length: COPIES }, (_, i) => join(work, String(i)));
for (const folder of folders) cpSync(CORPUS_DIR, folder, { recursive: true });
const files = corpusFiles().length * COPIES;

/** Median seconds of a command, and its output's line count (what it decoded). */
function time(command: string, args: string[]): { seconds: number; lines: number } | null {
  const runs: number[] = [];
  let lines = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    const r = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (r.status !== 0) return null;
    runs.push(Number(process.hrtime.bigint() - started) / 1e9);
    lines = r.stdout.trimEnd().split('\n').length;
  }
  return { seconds: runs.sort((a, b) => a - b)[1]!, lines };
}

const sisimaiScript = join(work, 'sisimai.pl');
writeFileSync(
  sisimaiScript,
  'use Sisimai; my $n = 0; for my $d (@ARGV) { my $v = Sisimai->make($d, delivered => 1); $n += @$v if $v } ' +
    'print "$_\\n" for 1 .. $n;\n',
);
try {
  const cores = availableParallelism();
  const one = time('node', ['bin/bounced.js', 'parse', '--jobs', '1', work])!;
  const all = time('node', ['bin/bounced.js', 'parse', '--jobs', String(cores), work])!;
  const version = spawnSync('perl', ['-MSisimai', '-e', 'print $Sisimai::VERSION'], { encoding: 'utf8' });
  const sisimai = version.status === 0 ? time('perl', [sisimaiScript, ...folders]) : null;
  console.log(`bench:parse-cli  ${files} files (the corpus × ${COPIES}), whole process, median of ${RUNS}`);
  console.log(
    `bounced parse, 1 job            ${one.seconds.toFixed(2)} s  ${(files / one.seconds).toFixed(0)} files/s`,
  );
  console.log(
    `bounced parse, ${cores} jobs (cores)   ${all.seconds.toFixed(2)} s  ${(files / all.seconds).toFixed(0)} files/s`,
  );
  if (sisimai) {
    const best = Math.min(one.seconds, all.seconds);
    console.log(
      `Sisimai ${version.stdout} (Perl)         ${sisimai.seconds.toFixed(2)} s  ` +
        `(${sisimai.lines} results); bounced is ${(sisimai.seconds / best).toFixed(1)}x faster`,
    );
  } else console.log('Sisimai (Perl) is not installed: apt-get install libsisimai-perl to compare');
} finally {
  rmSync(work, { recursive: true, force: true });
}
