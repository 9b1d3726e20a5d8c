// The SMTP servers a benchmark measures, each a process of its own: started, waited for,
// measured (peak resident memory) and stopped. Their logs are read until they say they are
// ready, then drained unread, so that reading them costs the load generator nothing.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface Child {
  proc: ChildProcess;
  port: number;
  httpPort: number | undefined;
}

/** Starts a Node process that logs JSON lines and waits for the line `ready` (the last it prints when ready). */
export async function startChild(args: string[], env: Record<string, string>, ready: RegExp): Promise<Child> {
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const child: Child = { proc, port: 0, httpPort: undefined };
  const lines = createInterface({ input: proc.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.on('line', (line) => {
      let entry: { msg?: string; port?: number };
      try {
        entry = JSON.parse(line);
      } catch {
        return; // not a log line
      }
      if (entry.msg === 'SMTP listening') child.port = entry.port!;
      if (entry.msg?.startsWith('HTTP listening')) child.httpPort = entry.port;
      if (entry.msg && ready.test(entry.msg)) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
  lines.close();
  proc.stdout!.resume();
  return child;
}

export async function stopChild(proc: ChildProcess): Promise<void> {
  // A child stopped by a signal has no exit code, only a signal code: waiting for its exit
  // again would wait for ever (the intake benchmark hung after its report).
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill('SIGTERM');
  await once(proc, 'exit');
}

/** The process's peak resident memory so far, in MiB (Linux: VmHWM). */
export function peakRssMiB(pid: number | undefined): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** CPU seconds the process has used so far, user and system (Linux: /proc/PID/stat). */
export function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat(5); the split above starts at field 3.
    return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: 100 a second on Linux
  } catch {
    return NaN;
  }
}

async function waitForPort(port: number, proc: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on ${port} within ${timeoutMs} ms`);
}

export const HARAKA_VERSION = '3.3.4';

/**
 * Haraka, installed once from npm into a cache folder of the benchmark's own (not among
 * the project's dependencies), set to accept mail for `domain` and discard it: the
 * reference intake of a Node SMTP server that does not keep what it accepts.
 */
export async function startHaraka(port: number, domain: string): Promise<Child> {
  const home = join(
    process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'),
    'bounced-bench',
    `haraka-${HARAKA_VERSION}`,
  );
  const bin = join(home, 'node_modules', 'Haraka', 'bin', 'haraka');
  if (!existsSync(bin)) {
    mkdirSync(home, { recursive: true });
    const npm = spawnSync(
      'npm',
      ['install', '--prefix', home, '--no-audit', '--no-fund', '--ignore-scripts', `Haraka@${HARAKA_VERSION}`],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
    if (npm.status !== 0)
      throw new Error(`npm install Haraka@${HARAKA_VERSION} failed: ${npm.stderr.trim().split('\n').pop()}`);
  }
  const server = join(home, 'server');
  const config = join(server, 'config');
  if (!existsSync(join(config, 'connection.ini'))) {
    // Haraka's own installer writes the default configuration; ours goes over it.
    const install = spawnSync(process.execPath, [bin, '-i', server], {
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (install.status !== 0) throw new Error(`haraka -i failed: ${install.stderr.trim().split('\n').pop()}`);
  }
  // One process (no cluster), as bounced runs; accept the bounce domain, discard at queue time.
  writeFileSync(join(config, 'smtp.ini'), `[main]\nlisten=127.0.0.1:${port}\nnodes=\n`);
  writeFileSync(join(config, 'plugins'), 'rcpt_to.in_host_list\nqueue/discard\n');
  writeFileSync(join(config, 'host_list'), `${domain}\n`);
  writeFileSync(join(config, 'log.ini'), '[main]\nlevel=info\n');
  const proc = spawn(process.execPath, [bin, '-c', server], {
    env: { ...process.env, YES_REALLY_DO_DISCARD: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout!.resume();
  proc.stderr!.resume();
  await waitForPort(port, proc, 30_000);
  return { proc, port, httpPort: undefined };
}
