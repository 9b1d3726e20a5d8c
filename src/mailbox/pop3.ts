// A small POP3 client (RFC 1939, STLS from RFC 2595): enough to list, fetch and delete.
// The npm POP3 clients are unmaintained; the protocol is small enough to own.
import { type Socket, connect as tcpConnect } from 'node:net';
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from 'node:tls';

class Pop3Error extends Error {
  override name = 'Pop3Error';
}

export interface Pop3Options {
  host: string;
  port: number;
  /** 'tls': TLS from the start (pop3s); 'starttls': upgrade with STLS; 'none': plain text. */
  security: 'tls' | 'starttls' | 'none';
  tls?: ConnectionOptions;
  timeoutMs?: number;
  /** USER/PASS over a connection without TLS; refused unless the operator allowed it. */
  allowPlaintextLogin?: boolean;
  /** A single answer (a message, a listing) longer than this ends the session. */
  maxAnswerBytes?: number;
}

/**
 * Received bytes, appended in amortized constant time (the capacity doubles) and searched
 * from where the last search stopped: a 10 MB message read in 64 KB chunks costs linear
 * time, not a concatenation and a scan from the start per chunk.
 */
class ReceivedBytes {
  private data = Buffer.alloc(64 * 1024);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Buffer): void {
    if (this.end + chunk.length > this.data.length) {
      const needed = this.length + chunk.length;
      const next = needed > this.data.length / 2 ? Buffer.alloc(Math.max(this.data.length * 2, needed)) : this.data;
      this.data.copy(next, 0, this.start, this.end);
      this.data = next;
      this.end -= this.start;
      this.start = 0;
    }
    chunk.copy(this.data, this.end);
    this.end += chunk.length;
  }

  /** Position (from the start of what is unread) of `sequence`, searching from `from`; -1 if absent. */
  indexOf(sequence: string, from: number): number {
    const at = this.data.subarray(this.start, this.end).indexOf(sequence, Math.max(0, from), 'latin1');
    return at;
  }

  startsWith(sequence: string): boolean {
    return (
      this.length >= sequence.length &&
      this.data.toString('latin1', this.start, this.start + sequence.length) === sequence
    );
  }

  /** The first `n` unread bytes, copied out, and consumed. */
  take(n: number): Buffer {
    const out = Buffer.from(this.data.subarray(this.start, this.start + n));
    this.start += n;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }
}

export class Pop3Client {
  private received = new ReceivedBytes();
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;
  private secure: boolean;

  private constructor(
    private socket: Socket | TLSSocket,
    private readonly timeoutMs: number,
    private readonly opts: Pop3Options,
  ) {
    this.secure = opts.security === 'tls';
    this.attach(socket);
  }

  static async connect(opts: Pop3Options): Promise<Pop3Client> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    const socket = await new Promise<Socket | TLSSocket>((resolve, reject) => {
      const s =
        opts.security === 'tls'
          ? tlsConnect({ host: opts.host, port: opts.port, servername: opts.host, ...opts.tls }, () => resolve(s))
          : tcpConnect({ host: opts.host, port: opts.port }, () => resolve(s));
      s.once('error', reject);
      s.setTimeout(timeoutMs, () =>
        s.destroy(new Pop3Error(`no answer from ${opts.host}:${opts.port} in ${timeoutMs} ms`)),
      );
    });
    const client = new Pop3Client(socket, timeoutMs, opts);
    await client.expectOk('greeting');
    if (opts.security === 'starttls') {
      await client.command('STLS');
      // STARTTLS injection (RFC 2595 and CVE-2011-0411's kind): anything the server, or a man
      // in the middle, sent after "+OK" and before the handshake would be read later as if it
      // came over TLS. There should be nothing: refuse rather than discard and go on.
      if (client.received.length > 0) {
        client.destroy();
        throw new Pop3Error(
          'the server sent data after +OK to STLS, before the TLS handshake (STARTTLS injection?): not continuing',
        );
      }
      await client.upgrade({ host: opts.host, ...opts.tls });
    }
    return client;
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.received.append(chunk);
      this.waiter?.();
    });
    socket.on('error', (err) => {
      this.failure = err;
      this.waiter?.();
    });
    socket.on('close', () => {
      this.failure ??= new Pop3Error('the server closed the connection');
      this.waiter?.();
    });
  }

  private async upgrade(tls: ConnectionOptions & { host: string }): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    this.socket = await new Promise<TLSSocket>((resolve, reject) => {
      const s = tlsConnect({ socket: plain, servername: tls.host, ...tls }, () => resolve(s));
      s.once('error', reject);
    });
    this.socket.setTimeout(this.timeoutMs, () => this.socket.destroy(new Pop3Error('no answer in time')));
    this.secure = true;
    this.attach(this.socket);
  }

  /**
   * Reads until `find` locates the end of an answer. `find` gets where the previous look
   * stopped, so each byte is searched about once. Past maxAnswerBytes the session ends: a
   * server that never ends its answer cannot fill our memory.
   */
  private async readUntil(find: (scannedUpTo: number) => number): Promise<Buffer> {
    const limit = this.opts.maxAnswerBytes ?? Number.POSITIVE_INFINITY;
    let scanned = 0;
    for (;;) {
      const end = find(scanned);
      if (end >= 0) return this.received.take(end);
      scanned = this.received.length;
      if (scanned > limit) {
        this.destroy();
        throw new Pop3Error(`an answer of the server is over ${limit} bytes: not reading it`);
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  private async line(): Promise<string> {
    const raw = await this.readUntil((from) => {
      const i = this.received.indexOf('\r\n', from - 1);
      return i < 0 ? -1 : i + 2;
    });
    return raw.toString('latin1').slice(0, -2);
  }

  private async expectOk(what: string): Promise<string> {
    const reply = await this.line();
    if (!reply.startsWith('+OK')) throw new Pop3Error(`${what}: ${reply.replace(/^-ERR\s*/, '') || 'refused'}`);
    return reply;
  }

  async command(line: string, what = line.split(' ')[0]!): Promise<string> {
    this.socket.write(`${line}\r\n`);
    return this.expectOk(what);
  }

  /** A multi-line answer, dot-unstuffed, as bytes (RFC 1939 section 3). */
  private async multiline(): Promise<Buffer> {
    const body = await this.readUntil((from) => {
      if (this.received.startsWith('.\r\n')) return 3;
      const i = this.received.indexOf('\r\n.\r\n', from - 4);
      return i < 0 ? -1 : i + 5;
    });
    const text = body.toString('latin1');
    const content = text === '.\r\n' ? '' : text.slice(0, -3);
    return Buffer.from(content.replace(/(^|\r\n)\.\./g, '$1.'), 'latin1');
  }

  async login(user: string, password: string): Promise<void> {
    if (!this.secure && !this.opts.allowPlaintextLogin) {
      this.destroy();
      throw new Pop3Error(
        'refusing to send the password without TLS: use pop3s:// or ?starttls=1 (or allow plain-text login explicitly)',
      );
    }
    if (/[\r\n]/.test(user) || /[\r\n]/.test(password))
      throw new Pop3Error('a user name or password with a line break cannot be sent');
    await this.command(`USER ${user}`, 'login');
    await this.command(`PASS ${password}`, 'login');
  }

  /** Message numbers and their unique ids (UIDL). */
  async uidl(): Promise<Array<{ number: number; uid: string }>> {
    await this.command('UIDL');
    return (await this.multiline())
      .toString('latin1')
      .split('\r\n')
      .filter(Boolean)
      .map((l) => {
        const [n, uid] = l.split(' ');
        return { number: Number(n), uid: uid! };
      });
  }

  /** Message numbers and sizes in bytes (LIST). */
  async list(): Promise<Map<number, number>> {
    await this.command('LIST');
    const sizes = new Map<number, number>();
    for (const l of (await this.multiline()).toString('latin1').split('\r\n').filter(Boolean)) {
      const [n, size] = l.split(' ');
      sizes.set(Number(n), Number(size));
    }
    return sizes;
  }

  /** The message; one over maxAnswerBytes (whatever LIST claimed) ends the session with an error. */
  async retrieve(number: number): Promise<Buffer> {
    await this.command(`RETR ${number}`);
    return this.multiline();
  }

  async delete(number: number): Promise<void> {
    await this.command(`DELE ${number}`);
  }

  /** QUIT commits the deletions (the UPDATE state); without it the server forgets them. */
  async quit(): Promise<void> {
    try {
      await this.command('QUIT');
    } finally {
      this.socket.end();
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}
