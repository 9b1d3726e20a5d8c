// Decoding runs in a worker thread, never on the thread that answers SMTP: a hostile or
// merely huge message cannot hold the listener, and a decode past its time budget is
// stopped (the thread is terminated and started again) and its message parked as failed
// with the reason, not retried forever. Messages are decoded one at a time, in order.
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { RuleSpec } from '../classify/rule-file.ts';
import type { Report } from '../parse/report.ts';
import type { DecoderRequest, DecoderResponse } from './decoder-worker.ts';

export class DecodeBudgetExceeded extends Error {
  override name = 'DecodeBudgetExceeded';
}

/**
 * The thread went away while decoding, without an error of its own (it was terminated from
 * outside): no verdict on the message, which goes back to the queue (`transient`).
 */
export class DecoderThreadLost extends Error {
  override name = 'DecoderThreadLost';
  readonly transient = true;
}

/** A worker running decoder-worker, through tsx when we run from the TypeScript sources. */
function startWorker(): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const script = new URL(fromSources ? './decoder-worker.ts' : './decoder-worker.js', import.meta.url);
  if (!fromSources) return new Worker(script);
  // Loader flags do not reach workers: the worker registers tsx itself, as bin/bounced.js does.
  return new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(script.href)}); })`, { eval: true });
}

export class DecoderThread {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private specs: RuleSpec[] = [];
  private tail: Promise<unknown> = Promise.resolve();
  private seq = 0;
  private closed = false;

  /** `onRestart` hears why the thread was started again (a budget overrun, a crash). */
  constructor(
    private readonly budgetMs: number,
    private readonly onRestart: (why: string) => void = () => undefined,
  ) {}

  /** Starts the thread now, so that the first message does not wait for it. */
  async start(): Promise<void> {
    await this.running();
  }

  /** The operators' rules (already checked) for every decode from now on. */
  setRules(specs: RuleSpec[]): void {
    this.specs = specs;
    this.worker?.postMessage({ type: 'rules', specs } satisfies DecoderRequest);
  }

  decode(raw: Buffer): Promise<Report> {
    const turn = this.tail.then(() => this.run(raw));
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.tail;
    await this.worker?.terminate();
    this.worker = undefined;
    this.ready = undefined;
  }

  private running(): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error('the decoder thread is closed'));
    this.ready ??= (async () => {
      const worker = startWorker();
      worker.unref();
      const [first] = (await Promise.race([once(worker, 'message'), once(worker, 'error').then(([err]) => Promise.reject(err))])) as [DecoderResponse];
      if (first.type !== 'ready') throw new Error('the decoder thread did not start');
      worker.postMessage({ type: 'rules', specs: this.specs } satisfies DecoderRequest);
      worker.on('exit', () => {
        if (this.worker === worker) this.forget();
      });
      this.worker = worker;
      return worker;
    })().catch((err: Error) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  private forget(): void {
    this.worker = undefined;
    this.ready = undefined;
  }

  private async run(raw: Buffer): Promise<Report> {
    const worker = await this.running();
    const id = ++this.seq;
    return new Promise<Report>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      const restart = (why: string) => {
        this.forget();
        void worker.terminate();
        this.onRestart(why);
      };
      const timer = setTimeout(() => {
        done();
        restart('budget');
        reject(new DecodeBudgetExceeded(`decoding took longer than its budget of ${this.budgetMs} ms (DECODE_BUDGET_MS): parked; \`bounced reprocess\` decodes it again`));
      }, this.budgetMs);
      const onMessage = (response: DecoderResponse) => {
        if (response.type === 'ready' || response.id !== id) return;
        done();
        if (response.type === 'decoded') resolve(response.report);
        else reject(new Error(response.error));
      };
      const onError = (err: Error) => {
        done();
        restart('crash');
        reject(err);
      };
      const onExit = (code: number) => {
        done();
        this.forget();
        this.onRestart('exit');
        reject(new DecoderThreadLost(`the decoder thread exited (code ${code}) while decoding; the message goes back to the queue`));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.on('exit', onExit);
      const bytes = new Uint8Array(raw);
      worker.postMessage({ type: 'decode', id, raw: bytes } satisfies DecoderRequest, [bytes.buffer]);
    });
  }
}
