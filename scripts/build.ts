// `npm run build`: compiles src/ to JavaScript in dist/ (what npm start, the Docker image and
// bin/bounced.js run), copies the SQL migrations beside it, and writes dist/.built last: a
// build is complete, and newer than the sources, only when that stamp says so. A fresh
// build is not redone. `--out DIR` builds elsewhere (the tests do).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string' }, force: { type: 'boolean', default: false } } });
const out = resolve(values.out ?? join(ROOT, 'dist'));
const stamp = join(out, '.built');

function newest(dir: string): number {
  return readdirSync(dir).reduce((latest, name) => {
    const path = join(dir, name);
    const stat = statSync(path);
    return Math.max(latest, stat.isDirectory() ? newest(path) : stat.mtimeMs);
  }, 0);
}

const inputs = Math.max(
  newest(join(ROOT, 'src')),
  statSync(join(ROOT, 'tsconfig.json')).mtimeMs,
  statSync(join(ROOT, 'tsconfig.build.json')).mtimeMs,
);
if (!values.force && existsSync(stamp) && statSync(stamp).mtimeMs >= inputs) {
  console.log(`build: ${out} is up to date`);
  process.exit(0);
}
rmSync(out, { recursive: true, force: true });
const tsc = spawnSync(
  process.execPath,
  [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', out],
  { stdio: 'inherit' },
);
if (tsc.status !== 0) {
  console.error('build: tsc failed');
  process.exit(1);
}
cpSync(join(ROOT, 'src/store/migrations'), join(out, 'store/migrations'), { recursive: true });
writeFileSync(stamp, `${new Date().toISOString()}\n`);
console.log(`build: compiled src/ into ${out}`);
