// Imports run one way (DESIGN.md): the pure core at the bottom (parse, classify, standing,
// the token logic), adapters above it that take only the core's types (store, smtp,
// mailbox, api, metrics, ingest, correlation against the registry), the pipeline that walks
// them, then commands and the composition (serve, cli). This test reads every import of
// src/ and fails on an arrow that runs back up.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

/** The module a file belongs to: its folder under src/, or the file itself at the top. */
function moduleOf(file: string): string {
  const rel = relative(SRC, file);
  if (rel === 'correlate/token.ts') return 'token';
  return rel.includes('/') ? rel.split('/')[0]! : rel;
}

const edges: Array<{ from: string; to: string; where: string }> = [];
for (const file of sources(SRC)) {
  const text = readFileSync(file, 'utf8');
  // Static imports and exports, and the modules a file loads when it needs them (import('./x.ts')).
  const imported = [
    ...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/gms),
    ...text.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g),
  ];
  for (const m of imported) {
    const target = resolve(dirname(file), m[1]!);
    edges.push({
      from: moduleOf(file),
      to: moduleOf(target),
      where: `${relative(SRC, file)} -> ${relative(SRC, target)}`,
    });
  }
}

const CORE = new Set(['parse', 'classify', 'standing', 'token', 'log.ts']);
// What each module may import besides itself.
const ALLOWED: Record<string, Set<string>> = {
  parse: new Set(['classify']),
  classify: new Set([]),
  standing: new Set(['classify']),
  token: new Set([]),
  'log.ts': new Set([]),
  config: new Set([]),
  metrics: new Set([]),
  store: new Set([...CORE, 'config']),
  correlate: new Set([...CORE]),
  ingest: new Set([...CORE, 'store']),
  api: new Set([...CORE, 'metrics']),
  smtp: new Set([...CORE, 'config', 'ingest', 'metrics']),
  mailbox: new Set([...CORE, 'ingest']),
  pipeline: new Set([...CORE, 'config', 'correlate', 'ingest', 'metrics', 'store']),
  commands: new Set([...CORE, 'config', 'correlate', 'ingest', 'mailbox', 'pipeline', 'store']),
  'serve.ts': new Set([...CORE, 'config', 'api', 'ingest', 'mailbox', 'metrics', 'pipeline', 'smtp', 'store']),
  'cli.ts': new Set([...CORE, 'commands', 'cli-configured.ts']),
  'cli-configured.ts': new Set([...CORE, 'config', 'commands', 'correlate', 'mailbox', 'serve.ts', 'store']),
};

test('every module of src/ has a place in the layering', () => {
  const unknown = [...new Set(edges.flatMap((e) => [e.from, e.to]))].filter((m) => !(m in ALLOWED));
  assert.deepEqual(unknown, []);
});

test('no import runs back up (store never imports ingest, metrics never smtp, the core no adapter)', () => {
  const upward = edges.filter((e) => e.from !== e.to && !ALLOWED[e.from]?.has(e.to)).map((e) => e.where);
  assert.deepEqual(upward, []);
});

test('the reader of imports sees them (a parser that found nothing would pass everything)', () => {
  assert.ok(edges.length > 150, `${edges.length} imports read`);
  assert.ok(edges.some((e) => e.where === 'pipeline/facts.ts -> store/events.ts'));
});
