// The decoder's own thread: bytes in, a Report out, with the operators' rules it was last
// given. Nothing here touches the network or the database; a decode that runs past its
// budget is stopped by terminating this thread (see decoder-thread.ts).
import { parentPort } from 'node:worker_threads';
import type { RuleSet } from '../classify/index.ts';
import { parseRules, type RuleSpec } from '../classify/rule-file.ts';
import { decode } from '../parse/index.ts';

export type DecoderRequest = { type: 'rules'; specs: RuleSpec[] } | { type: 'decode'; id: number; raw: Uint8Array };
export type DecoderResponse = { type: 'ready' } | { type: 'decoded'; id: number; report: ReturnType<typeof decode> } | { type: 'error'; id: number; error: string };

const port = parentPort;
if (port) {
  let rules: RuleSet = { extra: [] };
  port.on('message', (request: DecoderRequest) => {
    if (request.type === 'rules') {
      // The main thread checked these patterns before sending them.
      rules = { extra: parseRules(request.specs, 'classification_rules') };
      return;
    }
    try {
      const report = decode(Buffer.from(request.raw.buffer, request.raw.byteOffset, request.raw.byteLength), rules);
      port.postMessage({ type: 'decoded', id: request.id, report } satisfies DecoderResponse);
    } catch (err) {
      port.postMessage({ type: 'error', id: request.id, error: String((err as Error).stack ?? err) } satisfies DecoderResponse);
    }
  });
  port.postMessage({ type: 'ready' } satisfies DecoderResponse);
}
