// Decoding runs in a worker thread, never on the thread that answers SMTP: a hostile or
// merely huge message cannot hold the listener, and a decode past its time budget is
// stopped (the thread is terminated and started again) and its message parked as failed
// with the reason, not retried forever.
//
// Messages asked for together (a batch's reads, in one turn of the event loop) go to the
// thread in one message: handing a message to a thread has a cost of its own, a tenth of
// the SMTP thread's time when paid once per message. The thread decodes them in order and
// answers each as it is done, so that each still has its own time budget: the watchdog
// restarts with every answer, and when it fires, the oldest unanswered message is the one
// being decoded. The others are sent again to the new thread.
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import type { RuleSpec } from '../classify/rule-file.ts';
import type { Report } from '../parse/report.ts';
import type { DecoderRequest, DecoderResponse } from './decoder-worker.ts';
import { startModuleWorker } from './module-worker.ts';

export class DecodeBudgetExceeded extends Error {
  override name = 'DecodeBudgetExceeded';
}

/**
 * The thread went away while decoding, without an error of its own (it was terminated from
 * outside): no verdict on the message, which goes back to the queue (`transient`).
 */
class DecoderThreadLost extends Error {
  override name = 'DecoderThreadLost';
  readonly transient = true;
}

interface Pending {
  id: number;
  /** The message's bytes, in memory of their own (a view would send its whole backing buffer). */
  raw: Uint8Array;
  /** Sent to the current thread. */
  sent: boolean;
  resolve(report: Report): void;
  reject(err: Error): void;
}

export class DecoderThread {
  private worker: Worker | undefined;
  private ready: Promise<Worker> | undefined;
  private specs: RuleSpec[] = [];
  /** Asked for and not answered, oldest first. */
  private pending: Pending[] = [];
  private flushing = false;
  private watchdog: NodeJS.Timeout | undefined;
  private seq = 0;
  private closed = false;
  private idle: Array<() => void> = [];

  /** `onRestart` hears why the thread was started again (a budget overrun, a crash, an exit). */
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
    if (this.closed) return Promise.reject(new Error('the decoder thread is closed'));
    const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : new Uint8Array(raw);
    return new Promise<Report>((resolve, reject) => {
      this.pending.push({ id: ++this.seq, raw: own, sent: false, resolve, reject });
      if (!this.flushing) {
        this.flushing = true;
        queueMicrotask(() => void this.flush());
      }
    });
  }

  /** Waits for what was asked, then stops the thread. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.pending.length) await new Promise<void>((resolve) => this.idle.push(resolve));
    clearTimeout(this.watchdog);
    const worker = this.worker;
    this.forget(); // before it exits: this exit is no loss
    await worker?.terminate();
  }

  /** Sends what is not yet sent, in one message. */
  private async flush(): Promise<void> {
    this.flushing = false;
    let worker: Worker;
    try {
      worker = await this.running();
    } catch (err) {
      for (const p of this.pending.splice(0)) p.reject(err as Error);
      this.settled();
      return;
    }
    const unsent = this.pending.filter((p) => !p.sent);
    if (unsent.length === 0) return;
    for (const p of unsent) p.sent = true;
    worker.postMessage({
      type: 'decode',
      items: unsent.map((p) => ({ id: p.id, raw: p.raw })),
    } satisfies DecoderRequest);
    if (!this.watchdog) this.arm(worker);
  }

  /** The budget of the oldest unanswered message, counted from now. */
  private arm(worker: Worker): void {
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    if (!this.pending.some((p) => p.sent)) return;
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      this.lose(
        worker,
        'budget',
        new DecodeBudgetExceeded(
          `decoding took longer than its budget of ${this.budgetMs} ms (DECODE_BUDGET_MS): parked; ` +
            '`bounced reprocess` decodes it again',
        ),
      );
    }, this.budgetMs);
  }

  private answered(worker: Worker, response: DecoderResponse): void {
    if (response.type === 'ready') return;
    const at = this.pending.findIndex((p) => p.id === response.id);
    if (at < 0) return;
    const [p] = this.pending.splice(at, 1);
    if (response.type === 'decoded') p!.resolve(response.report);
    else p!.reject(new Error(response.error));
    this.arm(worker);
    this.settled();
  }

  /**
   * The thread is gone, or must go: the message it was decoding (the oldest sent) gets
   * `err`; the others are sent again to a new thread.
   */
  private lose(worker: Worker, why: string, err: Error): void {
    if (this.worker !== worker) return;
    clearTimeout(this.watchdog);
    this.watchdog = undefined;
    this.forget();
    void worker.terminate();
    this.onRestart(why);
    const at = this.pending.findIndex((p) => p.sent);
    if (at >= 0) this.pending.splice(at, 1)[0]!.reject(err);
    for (const p of this.pending) p.sent = false;
    this.settled();
    if (this.pending.length && !this.flushing) {
      this.flushing = true;
      queueMicrotask(() => void this.flush());
    }
  }

  private settled(): void {
    if (this.pending.length === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private running(): Promise<Worker> {
    if (this.worker && this.ready) return this.ready;
    this.ready ??= (async () => {
      const worker = startModuleWorker(import.meta.url, 'decoder-worker');
      worker.unref();
      const [first] = (await Promise.race([
        once(worker, 'message'),
        once(worker, 'error').then(([err]) => Promise.reject(err)),
      ])) as [DecoderResponse];
      if (first.type !== 'ready') throw new Error('the decoder thread did not start');
      worker.postMessage({ type: 'rules', specs: this.specs } satisfies DecoderRequest);
      worker.on('message', (response: DecoderResponse) => this.answered(worker, response));
      // A crash while decoding is that message's: it is failed with the error.
      worker.on('error', (err) => this.lose(worker, 'crash', err));
      worker.on('exit', (code) =>
        this.lose(
          worker,
          'exit',
          new DecoderThreadLost(
            `the decoder thread exited (code ${code}) while decoding; the message goes back to the queue`,
          ),
        ),
      );
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
}
