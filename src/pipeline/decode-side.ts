// The main thread's handle on the decode side (decode-side-thread.ts): starts it, tells it
// when something was stored, takes its metrics into the server's registry, starts it again
// if it dies (nothing is lost: the queue is raw_messages), and stops it on shutdown.
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/index.ts';
import type { DecodeSideMessage, DecodeSideRequest, DecodeSideSettings } from './decode-side-thread.ts';
import { startModuleWorker } from './module-worker.ts';

/** A decode side that died is started again after this long. */
const RESTART_AFTER_MS = 1000;
/** Shutdown waits this long for the batches in hand; then the thread is stopped, and they stay pending. */
const STOP_DEADLINE_MS = 30_000;

export class DecodeSide {
  private worker: Worker | undefined;
  /** Each thread started is a new source of metrics, counting from zero. */
  private generation = 0;
  private notifying = false;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly settings: DecodeSideSettings,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {}

  /** Resolves when the thread is ready to decode; rejects if it could not start. */
  async start(): Promise<void> {
    const worker = startModuleWorker(import.meta.url, 'decode-side-thread', { workerData: this.settings });
    const source = `decode-${++this.generation}`;
    this.worker = worker;
    const ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (message: DecodeSideMessage) => {
        if (message.type === 'ready') resolve();
        if (message.type === 'metrics') this.metrics.absorb(source, message.snapshot);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the decode side exited (code ${code}) while starting`)));
    });
    try {
      await ready;
    } catch (err) {
      this.worker = undefined;
      await worker.terminate();
      throw err;
    }
    worker.on('error', (err) => this.log.error({ err: err.message }, 'the decode side failed; starting it again'));
    worker.once('exit', () => {
      if (this.worker !== worker || this.stopping) return;
      this.worker = undefined;
      this.restartTimer = setTimeout(() => void this.restart(), RESTART_AFTER_MS);
    });
  }

  /** Something was stored: told once per turn of the event loop, however many were. */
  notify(): void {
    if (this.notifying || !this.worker) return;
    this.notifying = true;
    setImmediate(() => {
      this.notifying = false;
      this.worker?.postMessage({ type: 'stored' } satisfies DecodeSideRequest);
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = once(worker, 'exit');
    // Done once it says so: whatever handles it still holds do not keep shutdown waiting.
    worker.on('message', (message: DecodeSideMessage) => message.type === 'stopped' && void worker.terminate());
    worker.postMessage({ type: 'stop' } satisfies DecodeSideRequest);
    const deadline = setTimeout(() => void worker.terminate(), STOP_DEADLINE_MS);
    await exited.catch(() => undefined);
    clearTimeout(deadline);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.start();
      this.log.warn('decode side started again');
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'the decode side could not start; trying again');
      this.restartTimer = setTimeout(() => void this.restart(), RESTART_AFTER_MS);
    }
  }
}
