// Starting a worker thread on one of our modules, whether we run from the compiled build
// or from the TypeScript sources (tests, tools), where the worker must load tsx itself.
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** A worker running the module `name` (no extension) beside the module at `base` (its import.meta.url). */
export function startModuleWorker(base: string, name: string, options: WorkerOptions = {}): Worker {
  const fromSources = base.endsWith('.ts');
  const script = new URL(`./${name}${fromSources ? '.ts' : '.js'}`, base);
  if (!fromSources) return new Worker(script, options);
  // Loader flags do not reach workers: the worker registers tsx itself, as bin/bounced.js does.
  const entry = JSON.stringify(script.href);
  const loader = `import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`;
  return new Worker(loader, { ...options, eval: true });
}
