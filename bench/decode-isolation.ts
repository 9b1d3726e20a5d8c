// `npm run bench:isolation`: how long decoding holds the thread that answers SMTP. Text
// notices naming 1, 2,000 and 20,000 failed addresses are decoded on the main thread (the
// baseline: what serve did before the decoder thread) and through the DecoderThread, while
// an event-loop delay monitor runs; prints the decode time and the longest stall of the
// main thread for each, median of RUNS (default 5).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { decode } from '../src/parse/index.ts';
import { DecoderThread } from '../src/pipeline/decoder-thread.ts';
import { failureNotice, manyAddresses } from '../test/support/notices.ts';

const RUNS = Number(process.env.RUNS ?? 5);

const notice = (count: number) => Buffer.from(failureNotice(manyAddresses(count, 500)));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(run: () => Promise<unknown>): Promise<{ ms: number; stallMs: number }> {
  const monitor = monitorEventLoopDelay({ resolution: 1 });
  monitor.enable();
  // Let the monitor's timer run before and after, so a stall at either end is seen.
  await new Promise((r) => setTimeout(r, 5));
  const started = process.hrtime.bigint();
  await run();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  await new Promise((r) => setTimeout(r, 5));
  monitor.disable();
  return { ms, stallMs: monitor.max / 1e6 };
}

const thread = new DecoderThread(600_000);
await thread.start();
console.log('recipients  main thread: decode ms / longest stall ms   decoder thread: decode ms / longest stall ms');
for (const count of [1, 2000, 20_000]) {
  const raw = notice(count);
  const here: Array<{ ms: number; stallMs: number }> = [];
  const there: Array<{ ms: number; stallMs: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    here.push(await measure(async () => decode(raw)));
    there.push(await measure(() => thread.decode(raw)));
  }
  const row = (xs: typeof here) =>
    `${median(xs.map((x) => x.ms)).toFixed(1)} / ${median(xs.map((x) => x.stallMs)).toFixed(1)}`;
  console.log(`${String(count).padStart(10)}  ${row(here).padStart(40)}   ${row(there).padStart(44)}`);
}
await thread.close();
