// Lines of code, SQL, scripts and configuration stay within 120 characters, so that a
// change reads side by side in any review tool. Data and prose are exempt: fixtures and
// dashboards (.eml, .json), Markdown, and the migrations applied before this rule (an
// applied migration is never edited: its checksum is checked, see store/migrate.ts).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const LIMIT = 120;
const LAST_MIGRATION_BEFORE_THE_RULE = 13;

function exempt(path: string): boolean {
  if (/\.(md|json|eml)$/.test(path) || path.startsWith('test/fixtures/')) return true;
  const migration = /^src\/store\/migrations\/(\d{4})_/.exec(path);
  return migration !== null && Number(migration[1]) <= LAST_MIGRATION_BEFORE_THE_RULE;
}

test(`lines of code, SQL, scripts and configuration are at most ${LIMIT} characters`, () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  assert.ok(files.length > 100, `${files.length} files listed`);
  const long: string[] = [];
  for (const path of files.filter((f) => !exempt(f))) {
    const lines = readFileSync(ROOT + path, 'utf8').split('\n');
    lines.forEach((line, i) => {
      // Characters as a reader counts them: a non-ASCII letter is one, not two UTF-16 units.
      if ([...line].length > LIMIT) long.push(`${path}:${i + 1} (${[...line].length})`);
    });
  }
  assert.deepEqual(long, []);
});
