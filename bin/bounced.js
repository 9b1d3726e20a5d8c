#!/usr/bin/env node
// Entry point of the `bounced` command. It runs the compiled JavaScript in dist/ (`npm run
// build`; what `npm start` and the Docker image run) when that build is complete and at
// least as new as every source file; otherwise the TypeScript sources through tsx, so that
// `npx bounced …` works in a checkout right after `npm install`, and an edited source is
// never shadowed by a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const path = (p) => fileURLToPath(new URL(p, import.meta.url));
const stamp = path('../dist/.built');
const sources = path('../src/');

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = `${dir}/${entry.name}`;
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

const built = existsSync(stamp) && (!existsSync(sources) || newest(sources) <= statSync(stamp).mtimeMs);
let cli;
if (built) {
  cli = await import('../dist/cli.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
