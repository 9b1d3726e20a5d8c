// The compiled build (npm run build) is what npm start and the image run: it is built here
// into a folder of its own, decodes like the sources do, and serves: a bounce sent to it is
// stored and decoded by the compiled decoder thread, and SIGTERM stops it with exit code 0.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { spawnServer } from './support/child-server.ts';
import { CORPUS_DIR, corpusMessage } from './support/corpus.ts';
import { createTestDatabase, type TestDatabase } from './support/db.ts';
import { deliver, waitForDecode } from './support/deliver.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside the checkout, so that the compiled modules find node_modules.
const OUT = `${ROOT}dist-test-${process.pid}`;
const RUN = `${OUT}/run.mjs`;
const RUN_SOURCES = `${OUT}/run-sources.mjs`;
let db: TestDatabase;
let pool: pg.Pool;

before(async () => {
  const built = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/build.ts', '--out', `${OUT}/dist`, '--force'],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  assert.equal(built.status, 0, built.stderr + built.stdout);
  writeFileSync(RUN, `import { main } from './dist/cli.js';\nprocess.exitCode = await main(process.argv.slice(2));\n`);
  writeFileSync(
    RUN_SOURCES,
    `import { main } from '../src/cli.ts';\nprocess.exitCode = await main(process.argv.slice(2));\n`,
  );
  db = await createTestDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
});
after(async () => {
  rmSync(OUT, { recursive: true, force: true });
  await pool?.end();
  await db?.drop();
});

test('the compiled parse prints what the sources print', () => {
  const files = ['lhost-postfix-01.eml', 'arf-01.eml', 'lhost-exim-01.eml'].map((f) => `${CORPUS_DIR}${f}`);
  const compiled = spawnSync(process.execPath, [RUN, 'parse', '--json', ...files], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  const sources = spawnSync(process.execPath, ['--import', 'tsx', RUN_SOURCES, 'parse', '--json', ...files], {
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(sources.status, 0, sources.stderr);
  assert.equal(compiled.status, 0, compiled.stderr);
  assert.equal(compiled.stdout.trim().split('\n').length, 3);
  assert.equal(compiled.stdout, sources.stdout);
});

test('the compiled server migrates, stores, decodes in its decoder thread, and stops on SIGTERM', async () => {
  const server = await spawnServer({ DATABASE_URL: db.url, BOUNCE_DOMAINS: 'bounces.example.com' }, 60_000, RUN);
  try {
    const id = await deliver(
      server.smtpPort,
      corpusMessage('lhost-postfix-01.eml').toString('latin1').replace(/\r?\n/g, '\r\n'),
      'b@bounces.example.com',
    );
    assert.equal(await waitForDecode(pool, id), 'decoded');
    const { rows } = await pool.query(`select report_kind from raw_messages where id = $1`, [id]);
    assert.equal(rows[0].report_kind, 'bounce');
  } finally {
    server.proc.kill('SIGTERM');
    assert.equal((await server.exited).code, 0);
  }
});
