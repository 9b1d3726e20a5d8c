// The decoder's own thread: bytes in, a Report out, with the operators' rules it was last
// given. Nothing here touches the network or the database; a decode that runs past its
// budget is stopped by terminating this thread (see decoder-thread.ts).
import { parentPort } from 'node:worker_threads';
import type { RuleSet } from '../classify/index.ts';
import { parseRules, type RuleSpec } from '../classify/rule-file.ts';
import { decode } from '../parse/index.ts';

export type DecoderRequest =
  | { type: 'rules'; specs: RuleSpec[] }
  | { type: 'decode'; items: Array<{ id: number; raw: Uint8Array }> };
export type DecoderResponse =
  | { type: 'ready' }
  | { type: 'decoded'; id: number; report: ReturnType<typeof decode> }
  | { type: 'error'; id: number; error: string };

// Decoded once before the thread says it is ready: the first real message, and the first
// after a restart, then does not pay for compiling the rule tables and warming the JIT
// against its time budget.
const WARM_UP = Buffer.from(
  [
    'From: MAILER-DAEMON@mx.example.net',
    'Subject: Undelivered Mail Returned to Sender',
    'Content-Type: multipart/report; report-type=delivery-status; boundary="w"',
    '',
    '--w',
    'Content-Type: text/plain',
    '',
    '<warm@example.org>: host mx.example.org said: 550 5.1.1 <warm@example.org>: Recipient address rejected:',
    '    User unknown',
    '--w',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.net',
    '',
    'Final-Recipient: rfc822; warm@example.org',
    'Action: failed',
    'Status: 5.1.1',
    'Diagnostic-Code: smtp; 550 5.1.1 <warm@example.org>: Recipient address rejected: User unknown',
    '--w--',
    '',
  ].join('\r\n'),
);

const port = parentPort;
if (port) {
  let rules: RuleSet = { extra: [] };
  port.on('message', (request: DecoderRequest) => {
    if (request.type === 'rules') {
      // The main thread checked these patterns before sending them.
      rules = { extra: parseRules(request.specs, 'classification_rules') };
      return;
    }
    // In order, each answered as soon as it is done: the main thread times each on its own.
    for (const { id, raw } of request.items) {
      try {
        const report = decode(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), rules);
        port.postMessage({ type: 'decoded', id, report } satisfies DecoderResponse);
      } catch (err) {
        port.postMessage({ type: 'error', id, error: String((err as Error).stack ?? err) } satisfies DecoderResponse);
      }
    }
  });
  decode(WARM_UP);
  port.postMessage({ type: 'ready' } satisfies DecoderResponse);
}
