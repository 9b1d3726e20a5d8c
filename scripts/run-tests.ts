// `npm test`: builds the list of test files (a quoted glob would silently run nothing on
// Node 20), provides a real Postgres, and runs node's test runner over the files.
// With TEST_DATABASE_URL set, that server is used; otherwise an embedded Postgres is
// started in a temporary folder (reachable by the `postgres` user) and removed after.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pino } from 'pino';
import { startEmbeddedPostgres } from '../src/store/embedded.ts';
import { freePort } from '../test/support/net.ts';

function testFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.ts') ? [path] : [];
    });
}

const only = process.argv.slice(2);
const files = only.length ? only : testFiles('test').map((f) => relative('.', f));
if (files.length === 0) {
  console.error('run-tests: no test files found under test/');
  process.exit(1);
}

// Debian's openssl, Dovecot and Prometheus for the TLS, mailbox and observability tests.
const tools = spawnSync('bash', ['scripts/install-test-deps.sh'], { stdio: 'inherit' });
if (tools.status !== 0) {
  console.error('run-tests: could not install the test dependencies (scripts/install-test-deps.sh needs apt-get)');
  process.exit(1);
}

let stop: (() => Promise<void>) | undefined;
let folder: string | undefined;
const env = { ...process.env };
if (!env.TEST_DATABASE_URL) {
  folder = mkdtempSync(join(tmpdir(), 'bounced-test-pg-'));
  chmodSync(folder, 0o755); // mkdtemp makes it 0700: the postgres user must enter it
  const embedded = await startEmbeddedPostgres({
    dataDir: folder,
    port: await freePort(),
    database: 'postgres',
    log: pino({ level: 'warn' }),
  });
  env.TEST_DATABASE_URL = embedded.url;
  stop = embedded.stop;
  console.log(`run-tests: embedded Postgres for the tests in ${folder}`);
}

const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', ...files], {
  stdio: 'inherit',
  env,
});
await stop?.();
if (folder) rmSync(folder, { recursive: true, force: true });
process.exit(result.status ?? 1);
