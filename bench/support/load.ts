// The load of `npm run bench`: `count` messages over `connections` concurrent loopback SMTP
// sessions, each session sending one message after another, every reply read. Measures
// acknowledged messages/s and the time from the end of DATA to the 250.
import { RawSmtpClient } from '../../test/support/smtp-client.ts';

export interface LoadResult {
  perSecond: number;
  p50ms: number;
  p99ms: number;
  /** Each 250's time from the end of DATA, in ms, sorted. */
  latencies: number[];
  failures: number;
  /** When the last 250 arrived (process.hrtime, ns). */
  lastAckAt: bigint;
  seconds: number;
}

export interface Mail {
  rcpt: string;
  raw: Buffer;
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export async function load(
  port: number,
  count: number,
  connections: number,
  mail: (n: number) => Mail,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  let lastAckAt = 0n;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const { client } = await RawSmtpClient.greet(port);
      await client.command('EHLO bench.example.net');
      while (next < count) {
        const { rcpt, raw } = mail(next++);
        if (
          (await client.command('MAIL FROM:<>')).code !== 250 ||
          (await client.command(`RCPT TO:<${rcpt}>`)).code !== 250
        ) {
          failures++;
          continue;
        }
        const { reply, endOfDataAt, repliedAt } = await client.data(raw);
        if (reply.code === 250) {
          latencies.push(Number(repliedAt - endOfDataAt) / 1e6);
          if (repliedAt > lastAckAt) lastAckAt = repliedAt;
        } else failures++;
      }
      await client.quit();
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  return {
    perSecond: latencies.length / seconds,
    p50ms: percentile(latencies, 50),
    p99ms: percentile(latencies, 99),
    latencies,
    failures,
    lastAckAt,
    seconds,
  };
}
