// A mailbox as the fetcher sees it, whatever the protocol: list, fetch, remove, set aside.
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Pop3Client } from './pop3.ts';

export interface MailboxMessageRef {
  uid: string;
  size: number;
}

export interface MailboxSession {
  /** Identity of the mailbox for mailbox_seen (no password). */
  name: string;
  uidValidity: string;
  protocol: 'pop3' | 'imap';
  /** The address the mailbox receives for (the envelope recipient of what it holds). */
  address: string;
  list(): Promise<MailboxMessageRef[]>;
  fetch(uid: string): Promise<Buffer>;
  /** Deletes for good (POP3: at QUIT, IMAP: \Deleted + EXPUNGE). */
  remove(uid: string): Promise<void>;
  /** Moves a message aside (IMAP only); POP3 can only keep it. */
  setAside?(uid: string): Promise<void>;
  close(): Promise<void>;
  /** Drops the connection without logging out (tests: a session that breaks). */
  abort(): void;
}

class MailboxError extends Error {
  override name = 'MailboxError';
}

export class MailboxUrlError extends Error {
  override name = 'MailboxUrlError';
}

export interface MailboxTarget {
  protocol: 'pop3' | 'imap';
  security: 'tls' | 'starttls' | 'none';
  host: string;
  port: number;
  user: string;
  folder: string;
}

const DEFAULT_PORTS = { pop3: 110, pop3s: 995, imap: 143, imaps: 993 } as const;

/** pop3://user@host[:port], pop3s://…, imap://user@host[:port]/FOLDER, imaps://…; ?starttls=1 upgrades plain ones. */
export function parseMailboxUrl(text: string): MailboxTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MailboxUrlError(`not a URL: ${JSON.stringify(text)}`);
  }
  const scheme = url.protocol.replace(/:$/, '') as keyof typeof DEFAULT_PORTS;
  if (!(scheme in DEFAULT_PORTS))
    throw new MailboxUrlError(`expected pop3://, pop3s://, imap:// or imaps://, got ${url.protocol}//`);
  if (url.password)
    throw new MailboxUrlError('put the password in MAILBOX_PASSWORD, never in the URL (it would show in ps and logs)');
  if (!url.username) throw new MailboxUrlError('the URL needs a user: pop3://USER@host');
  const tls = scheme.endsWith('s');
  const starttls = ['1', 'true', 'yes', 'required'].includes(url.searchParams.get('starttls') ?? '');
  return {
    protocol: scheme.startsWith('pop3') ? 'pop3' : 'imap',
    security: tls ? 'tls' : starttls ? 'starttls' : 'none',
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : DEFAULT_PORTS[scheme],
    user: decodeURIComponent(url.username),
    folder: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX',
  };
}

export interface TlsTrust {
  /** A CA certificate file to trust (a self-signed server certificate, for instance). */
  caFile?: string;
  /** Accept any certificate: only for tests and trusted networks. */
  insecure?: boolean;
  /** Send the password over a connection without TLS: only for a mailbox on this host or a trusted network. */
  allowPlaintextLogin?: boolean;
  /** The largest answer (a message) read from the server; past it the session ends. */
  maxMessageBytes?: number;
}

function tlsOptions(trust: TlsTrust): ConnectionOptions {
  return {
    minVersion: 'TLSv1.2',
    ...(trust.caFile ? { ca: readFileSync(trust.caFile) } : {}),
    ...(trust.insecure ? { rejectUnauthorized: false } : {}),
  };
}

function addressOf(target: MailboxTarget): string {
  return target.user.includes('@') ? target.user : `${target.user}@${target.host}`;
}

export async function openMailbox(
  target: MailboxTarget,
  password: string,
  trust: TlsTrust = {},
): Promise<MailboxSession> {
  const base = `${target.protocol}://${target.user}@${target.host}:${target.port}/`;
  if (target.protocol === 'pop3') {
    const pop = await Pop3Client.connect({
      host: target.host,
      port: target.port,
      security: target.security,
      tls: tlsOptions(trust),
      allowPlaintextLogin: trust.allowPlaintextLogin,
      // Room for the dot-stuffing of a message at the cap (at most one byte a line).
      maxAnswerBytes: trust.maxMessageBytes === undefined ? undefined : Math.ceil(trust.maxMessageBytes * 1.1) + 1024,
    });
    try {
      await pop.login(target.user, password);
    } catch (err) {
      pop.destroy();
      const said = (err as Error).message;
      // "login: <server's words>" reads "login refused (<server's words>)".
      throw new MailboxError(`${base}: ${said.startsWith('login: ') ? `login refused (${said.slice(7)})` : said}`);
    }
    let numbers = new Map<string, number>();
    return {
      name: base,
      uidValidity: '',
      protocol: 'pop3',
      address: addressOf(target),
      async list() {
        const [uids, sizes] = [await pop.uidl(), await pop.list()];
        numbers = new Map(uids.map((u) => [u.uid, u.number]));
        return uids.map((u) => ({ uid: u.uid, size: sizes.get(u.number) ?? 0 }));
      },
      fetch: (uid) => pop.retrieve(numbers.get(uid)!),
      remove: (uid) => pop.delete(numbers.get(uid)!),
      close: () => pop.quit(),
      abort: () => pop.destroy(),
    };
  }
  if (target.security === 'none' && !trust.allowPlaintextLogin) {
    throw new MailboxError(
      `${base}: refusing to send the password without TLS: ` +
        'use imaps:// or ?starttls=1 (or allow plain-text login explicitly)',
    );
  }
  // Loaded when an IMAP mailbox is opened: a sixth of a second every other command would pay.
  const { ImapFlow } = await import('imapflow');
  const imap = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: target.security === 'tls',
    doSTARTTLS: target.security === 'starttls' ? true : target.security === 'none' ? false : undefined,
    auth: { user: target.user, pass: password },
    tls: tlsOptions(trust),
    logger: false,
  });
  try {
    await imap.connect();
  } catch (err) {
    const e = err as Error & { authenticationFailed?: boolean; responseText?: string };
    throw new MailboxError(
      `${base}: ${e.authenticationFailed ? `login refused (${e.responseText ?? 'authentication failed'})` : e.message}`,
    );
  }
  const lock = await imap.getMailboxLock(target.folder);
  const mailbox = imap.mailbox;
  const uidValidity = mailbox && typeof mailbox === 'object' ? String(mailbox.uidValidity) : '';
  return {
    name: `${base}${target.folder}`,
    uidValidity,
    protocol: 'imap',
    address: addressOf(target),
    async list() {
      const refs: MailboxMessageRef[] = [];
      if (mailbox && typeof mailbox === 'object' && mailbox.exists === 0) return refs;
      for await (const m of imap.fetch('1:*', { uid: true, size: true }))
        refs.push({ uid: String(m.uid), size: m.size ?? 0 });
      return refs;
    },
    async fetch(uid) {
      const m = await imap.fetchOne(uid, { source: true }, { uid: true });
      if (m === false || !m.source) throw new Error(`message ${uid} is gone from ${target.folder}`);
      return m.source;
    },
    async remove(uid) {
      await imap.messageDelete(uid, { uid: true });
    },
    async setAside(uid) {
      const folder = `${target.folder}.bounced-kept`;
      await imap.mailboxCreate(folder).catch(() => undefined); // exists already
      await imap.messageMove(uid, folder, { uid: true });
    },
    async close() {
      lock.release();
      await imap.logout();
    },
    abort() {
      imap.close();
    },
  };
}
