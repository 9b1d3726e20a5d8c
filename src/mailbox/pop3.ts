// A small POP3 client (RFC 1939, STLS from RFC 2595): enough to list, fetch and delete.
// The npm POP3 clients are unmaintained; the protocol is small enough to own.
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export class Pop3Error extends Error {
  override name = 'Pop3Error';
}

export interface Pop3Options {
  host: string;
  port: number;
  /** 'tls': TLS from the start (pop3s); 'starttls': upgrade with STLS; 'none': plain text. */
  security: 'tls' | 'starttls' | 'none';
  tls?: ConnectionOptions;
  timeoutMs?: number;
}

export class Pop3Client {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private failure: Error | undefined;

  private constructor(private socket: Socket | TLSSocket, private readonly timeoutMs: number) {
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
      s.setTimeout(timeoutMs, () => s.destroy(new Pop3Error(`no answer from ${opts.host}:${opts.port} in ${timeoutMs} ms`)));
    });
    const client = new Pop3Client(socket, timeoutMs);
    await client.expectOk('greeting');
    if (opts.security === 'starttls') {
      await client.command('STLS');
      await client.upgrade({ host: opts.host, ...opts.tls });
    }
    return client;
  }

  private attach(socket: Socket | TLSSocket): void {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
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
    this.attach(this.socket);
  }

  private async readUntil(find: (buf: Buffer) => number): Promise<Buffer> {
    for (;;) {
      const end = find(this.buffer);
      if (end >= 0) {
        const out = this.buffer.subarray(0, end);
        this.buffer = this.buffer.subarray(end);
        return out;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = undefined;
    }
  }

  private async line(): Promise<string> {
    const raw = await this.readUntil((b) => {
      const i = b.indexOf('\r\n');
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
    const body = await this.readUntil((b) => {
      if (b.subarray(0, 3).toString() === '.\r\n') return 3;
      const i = b.indexOf('\r\n.\r\n');
      return i < 0 ? -1 : i + 5;
    });
    const text = body.toString('latin1');
    const content = text === '.\r\n' ? '' : text.slice(0, -3);
    return Buffer.from(content.replace(/(^|\r\n)\.\./g, '$1.'), 'latin1');
  }

  async login(user: string, password: string): Promise<void> {
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
