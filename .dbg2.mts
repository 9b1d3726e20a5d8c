import { readFileSync } from 'node:fs';
import { parseMessage, toText, walk, partText } from './src/parse/mime.ts';
import { cutOriginal } from './src/parse/text-bounce.ts';
const root = parseMessage(toText(readFileSync(process.argv[2]!)));
for (const p of walk(root)) console.log(p.type, p.parts.length, p.body.length, JSON.stringify(p.params));
const t = [...walk(root)].find(p => p.type === 'text/plain');
if (t) { const c = cutOriginal(partText(t)); console.log(JSON.stringify(c.notice.slice(0, 600))); }
