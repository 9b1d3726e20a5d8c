// A `bounced parse` job: decodes the chunks of files it is handed, and answers with their
// lines. It says 'ready' first, so that the first chunk goes to a thread that is loaded.
import { parentPort, workerData } from 'node:worker_threads';
import { type ParseOptions, parseFiles, rulesOf } from './parse.ts';

const options = workerData as ParseOptions;
const rules = rulesOf(options);
const port = parentPort!;
port.on('message', ({ index, files }: { index: number; files: string[] }) => {
  port.postMessage({ index, ...parseFiles(files, options, rules) });
});
port.postMessage('ready');
