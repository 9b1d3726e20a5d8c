import { readFileSync } from 'node:fs';
import { decodeCharset } from './src/parse/mime.ts';
const raw = readFileSync('../shared/corpus/sisimai/maildir/bsd/lhost-kddi-01.eml').toString('latin1');
const i = raw.indexOf('\n\n', raw.indexOf('ISO-2022-JP'));
console.log(JSON.stringify(raw.slice(i, i + 80)));
console.log(decodeCharset(raw.slice(i, i + 300), 'ISO-2022-JP'));
