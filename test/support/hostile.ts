// Runs the hostile-input checks of hostile-worker.ts in a worker thread and stops it at a
// deadline: a hung regular expression cannot be interrupted in the test's own thread.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

export async function runHostile(what: 'rules' | 'decode', deadlineMs = 30_000): Promise<string> {
  // The worker registers tsx itself, as bin/bounced.js does: loader flags do not reach workers.
  const script = new URL('./hostile-worker.ts', import.meta.url).href;
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script)}); })`,
    {
      eval: true,
      workerData: what,
    },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      once(worker, 'message').then(([m]) => String(m)),
      once(worker, 'error').then(([e]) => `error: ${(e as Error).message}`),
      new Promise<string>(
        (resolve) =>
          (timer = setTimeout(
            () => resolve(`still running after ${deadlineMs / 1000} s: a pattern backtracks`),
            deadlineMs,
          )),
      ),
    ]);
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}
