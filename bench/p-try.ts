import { corpusFiles, corpusMessage } from '../test/support/corpus.ts';
import { load } from './support/load.ts';
const corpus = corpusFiles().map(corpusMessage);
const t0 = process.cpuUsage();
const r = await load(2700, 10000, 20, (n) => ({ rcpt: `b+${n}@bounces.example.com`, raw: Buffer.concat([Buffer.from(`X-Bench: h4-${n}\r\n`), corpus[n % corpus.length]!]) }));
const u = process.cpuUsage(t0);
console.log(r.perSecond.toFixed(0), r.p50ms.toFixed(2), r.p99ms.toFixed(2), 'seconds', r.seconds.toFixed(2), 'client cpu', ((u.user + u.system) / 1e6).toFixed(2));
