// A raw SMTP client for tests and benchmarks: it sends exactly the bytes it is given and
// returns every reply, so tests can assert exact codes (550 vs 452 vs 552) at each step.
import { connect, type Socket } from 'node:net';

export interface Reply {
  code: number;
  text: string;
}

export class RawSmtpClient {
  private buffer = '';
  private waiting: Array<(reply: Reply) => void> = [];
  private replies: Reply[] = [];
  private closedWith: Error | undefined;
  closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.onData(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.closedWith ??= new Error('connection closed');
      for (const w of this.waiting.splice(0)) w({ code: 0, text: 'connection closed' });
    });
    socket.on('error', (err) => (this.closedWith = err));
  }

  /** `localAddress` picks the client's own address (127.0.0.2 is another client on loopback). */
  static open(port: number, host = '127.0.0.1', localAddress?: string): Promise<RawSmtpClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ port, host, localAddress }, () => resolve(new RawSmtpClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Opens a connection and reads the greeting. */
  static async greet(
    port: number,
    host = '127.0.0.1',
    localAddress?: string,
  ): Promise<{ client: RawSmtpClient; greeting: Reply }> {
    const client = await RawSmtpClient.open(port, host, localAddress);
    return { client, greeting: await client.read() };
  }

  read(): Promise<Reply> {
    const ready = this.replies.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closed) return Promise.resolve({ code: 0, text: 'connection closed' });
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Raw bytes, e.g. part of a message body, with no reply expected. */
  write(bytes: string | Buffer): void {
    this.socket.write(bytes);
  }

  async command(line: string): Promise<Reply> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  /** Sends the message after the 354, dot-stuffed, and returns the reply to the final dot. */
  async data(message: Buffer): Promise<{ reply: Reply; endOfDataAt: bigint; repliedAt: bigint }> {
    const go = await this.command('DATA');
    if (go.code !== 354) return { reply: go, endOfDataAt: 0n, repliedAt: 0n };
    const stuffed = dotStuff(message);
    const ending = stuffed.length === 0 || stuffed.subarray(-2).toString() === '\r\n' ? '.\r\n' : '\r\n.\r\n';
    // One write: with two, Nagle's algorithm holds the short ending back for a delayed ACK.
    this.socket.write(Buffer.concat([stuffed, Buffer.from(ending)]));
    const endOfDataAt = process.hrtime.bigint();
    const reply = await this.read();
    return { reply, endOfDataAt, repliedAt: process.hrtime.bigint() };
  }

  /** One whole transaction; returns the first reply that is not positive, or the DATA reply. */
  async send(from: string, to: string[], message: Buffer): Promise<Reply> {
    const mail = await this.command(`MAIL FROM:<${from}>`);
    if (mail.code !== 250) return mail;
    for (const rcpt of to) {
      const r = await this.command(`RCPT TO:<${rcpt}>`);
      if (r.code !== 250) {
        await this.command('RSET');
        return r;
      }
    }
    return (await this.data(message)).reply;
  }

  async quit(): Promise<void> {
    if (!this.closed) await this.command('QUIT').catch(() => undefined);
    this.socket.destroy();
  }

  destroy(): void {
    this.socket.destroy();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let lines: string[] = [];
    for (let at = this.buffer.indexOf('\r\n'); at >= 0; at = this.buffer.indexOf('\r\n')) {
      const line = this.buffer.slice(0, at);
      this.buffer = this.buffer.slice(at + 2);
      lines.push(line);
      if (/^\d{3} /.test(line) || /^\d{3}$/.test(line)) {
        const reply = { code: Number(line.slice(0, 3)), text: lines.map((l) => l.slice(4)).join('\n') };
        lines = [];
        const waiter = this.waiting.shift();
        if (waiter) waiter(reply);
        else this.replies.push(reply);
      }
    }
    if (lines.length) this.buffer = lines.map((l) => `${l}\r\n`).join('') + this.buffer;
  }
}

/** RFC 5321 4.5.2: a line that starts with "." gets one more. */
function dotStuff(message: Buffer): Buffer {
  const text = message.toString('latin1');
  return Buffer.from(text.replace(/(^|\r\n)\./g, '$1..'), 'latin1');
}

/** SMTP carries lines ending in CRLF; corpus files end lines in LF. */
export function toCrlf(message: Buffer): Buffer {
  return Buffer.from(message.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
}
