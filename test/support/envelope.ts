// A message as the SMTP listener hands it to the spool: a bounce (null sender) to one of our
// return paths, over plain SMTP, for tests and benchmarks that store messages directly.
import type { IncomingMessage } from '../../src/ingest/message.ts';

export function bounceTo(rcpt: string, raw: Buffer, receivedAt = new Date()): IncomingMessage {
  return {
    envelope: {
      mailFrom: '',
      rcptTo: [rcpt],
      remoteIp: null,
      helo: null,
      tlsProtocol: null,
      sessionId: null,
      receivedAt,
      source: 'smtp',
    },
    raw,
  };
}
