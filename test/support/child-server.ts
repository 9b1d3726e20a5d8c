// Runs `bounced serve` as a separate process, the way an operator does, so that tests can
// send it signals (SIGTERM for shutdown, SIGKILL for crash safety).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/bounced.js', import.meta.url));

export interface ChildServer {
  proc: ChildProcess;
  smtpPort: number;
  httpPort: number;
  /** Every JSON log line so far. */
  logs: Array<Record<string, unknown>>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `script` is the command's entry point: bin/bounced.js, or a compiled build's. */
export async function spawnServer(env: Record<string, string>, timeoutMs = 30_000, script = BIN): Promise<ChildServer> {
  const proc = spawn(process.execPath, [script, 'serve'], {
    env: {
      ...process.env,
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  proc.stderr!.on('data', (c) => (stderr += c));
  const exited = once(proc, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const ports = new Promise<{ smtp: number; http: number }>((resolve, reject) => {
    let smtp = 0;
    const timer = setTimeout(
      () => reject(new Error(`server did not start in ${timeoutMs} ms; stderr: ${stderr}`)),
      timeoutMs,
    );
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        return;
      }
      logs.push(entry);
      if (entry.msg === 'SMTP listening') smtp = entry.port as number;
      if (entry.msg === 'HTTP listening (/metrics /healthz /readyz)') {
        clearTimeout(timer);
        resolve({ smtp, http: entry.port as number });
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before it was ready; stderr: ${stderr}`));
    });
  });
  // A server that never got ready must not outlive the test (it would keep the runner waiting).
  const { smtp, http } = await ports.catch((err: Error) => {
    proc.kill('SIGKILL');
    throw err;
  });
  return { proc, smtpPort: smtp, httpPort: http, logs, exited };
}
