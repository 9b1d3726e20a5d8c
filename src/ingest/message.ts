// What the listener hands to the spool: the raw bytes and the envelope they came with.
// Nothing here knows about SMTP libraries; the mailbox fetcher will build the same record.
import { createHash } from 'node:crypto';

export interface Envelope {
  /** MAIL FROM address; '' for the null reverse-path `<>` that bounces carry. */
  mailFrom: string;
  /** RCPT TO addresses in the order given. */
  rcptTo: string[];
  remoteIp: string | null;
  /** The name the client gave in HELO/EHLO. */
  helo: string | null;
  /** TLS protocol version ('TLSv1.3'), or null for a plain-text session. */
  tlsProtocol: string | null;
  sessionId: string | null;
  receivedAt: Date;
  source: 'smtp' | 'pop3' | 'imap';
}

export interface IncomingMessage {
  envelope: Envelope;
  raw: Buffer;
}

export function sha256(raw: Buffer): Buffer {
  return createHash('sha256').update(raw).digest();
}

/**
 * Identity of a delivery: the same envelope and the same bytes. A client that lost our 250
 * and retries sends exactly this again, and must not be stored twice. Remote IP, time and
 * TLS are left out: a retry may come from another address of the same cluster, later.
 */
export function dedupeKey(msg: IncomingMessage): Buffer {
  const { mailFrom, rcptTo } = msg.envelope;
  return createHash('sha256')
    .update(`${mailFrom.toLowerCase()}\n${rcptTo.map((r) => r.toLowerCase()).join(',')}\n`)
    .update(msg.raw)
    .digest();
}
