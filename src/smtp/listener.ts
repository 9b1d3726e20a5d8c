// The SMTP listener: policy at each stage of the session, and the 250 only after the
// commit. This is the only module that imports smtp-server; past onData the rest of the
// code sees an IncomingMessage (envelope + bytes).
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import type { SmtpConfig, TokenConfig } from '../config/index.ts';
import { tokenInLocalPart, verifyToken } from '../correlate/token.ts';
import type { IncomingMessage } from '../ingest/message.ts';
import type { StoredMessage } from '../ingest/spool.ts';
import type { Metrics, TransactionResult } from '../metrics/index.ts';
import { DataBudget, readLimited } from './read-limited.ts';
import { acceptsDomain, recipientDomain } from './recipient-policy.ts';
import { accepted, Replies, type SmtpReply } from './reply.ts';
import { clientKey, isBarePostmaster, recipientSpellingProblem } from './session-limits.ts';

export interface MessageSink {
  store(msg: IncomingMessage): Promise<StoredMessage>;
}

export interface SmtpListenerOptions {
  config: SmtpConfig;
  bounceDomains: readonly string[];
  tokens: TokenConfig;
  sink: MessageSink;
  metrics: Metrics;
  log: Logger;
  /** Gets smtp-server's own protocol log (bunyan-style calls; pino understands them). */
  protocolLog: Logger;
  /** Called after each new message is committed, e.g. to wake the decoder. */
  onStored?(stored: StoredMessage): void;
}

export class SmtpListener {
  private readonly server: SMTPServer;
  private readonly sessions = new Set<string>();
  /** Open sessions by client (an IPv4 address or an IPv6 /64). */
  private readonly perClient = new Map<string, number>();
  /** Per open session: its time-limit timer and how many of its commands we refused. */
  private readonly guards = new Map<string, { timer: NodeJS.Timeout; errors: number }>();
  private draining = false;
  private dataInFlight = 0;
  private readonly budget: DataBudget;
  private dataDone: Array<() => void> = [];

  constructor(private readonly opts: SmtpListenerOptions) {
    const { config } = opts;
    this.budget = new DataBudget(config.maxDataBytesInFlight);
    const tls: Partial<SMTPServerOptions> = config.tls
      ? { key: readFileSync(config.tls.keyFile), cert: readFileSync(config.tls.certFile), minVersion: 'TLSv1.2' }
      : { hideSTARTTLS: true };
    this.server = new SMTPServer({
      name: config.hostname,
      banner: 'bounced',
      size: config.maxMessageBytes, // announced in EHLO; MAIL FROM SIZE= above it is refused
      authOptional: true,
      disabledCommands: config.tls ? ['AUTH'] : ['AUTH', 'STARTTLS'],
      disableReverseLookup: true, // we keep the IP; PTR lookups would only slow bursts down
      socketTimeout: config.idleTimeoutMs,
      closeTimeout: 1000, // our own drain runs before server.close()
      logger: opts.protocolLog as unknown as SMTPServerOptions['logger'],
      ...tls,
      onConnect: (session, cb) => this.onConnect(session, cb),
      onClose: (session) => this.onClose(session),
      onMailFrom: (_address, _session, cb) => cb(this.draining ? Replies.shuttingDown() : undefined),
      onRcptTo: (address, session, cb) => cb(this.counted(session, this.checkRecipient(address.address, session))),
      onData: (stream, session, cb) => void this.onData(stream, session, cb),
    });
    this.server.on('error', (err) => opts.log.error({ err }, 'SMTP server error'));
  }

  async listen(host: string, port: number): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.server.address() as AddressInfo).port;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Stops taking new work: new connections and new transactions get 421 4.3.2; a message
   * in DATA goes on. Resolves when no message is in DATA, or at the deadline (false).
   */
  async drain(deadlineMs: number): Promise<boolean> {
    this.draining = true;
    if (this.dataInFlight === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const done = await Promise.race([
      new Promise<boolean>((resolve) => this.dataDone.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs))),
    ]);
    clearTimeout(timer);
    return done;
  }

  /** Closes the listening socket and every connection left. */
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private onConnect(session: SMTPServerSession, cb: (err?: Error) => void): void {
    if (this.draining) {
      this.opts.metrics.smtpConnections.inc({ result: 'refused_shutdown' });
      cb(Replies.shuttingDown());
      return;
    }
    if (this.sessions.size >= this.opts.config.maxConnections) {
      this.opts.metrics.smtpConnections.inc({ result: 'refused_busy' });
      this.opts.log.warn(
        { session: session.id, remoteIp: session.remoteAddress, open: this.sessions.size },
        'connection refused: too many connections',
      );
      cb(Replies.tooManyConnections());
      return;
    }
    const client = clientKey(session.remoteAddress);
    const fromThere = this.perClient.get(client) ?? 0;
    if (fromThere >= this.opts.config.maxConnectionsPerIp) {
      // One sender opening more sessions than any MTA needs: let it come back later.
      this.opts.metrics.smtpConnections.inc({ result: 'rate_limited' });
      this.opts.metrics.smtpTransactions.inc({ result: 'rate_limited' });
      this.opts.log.warn(
        { session: session.id, remoteIp: session.remoteAddress, client, open: fromThere },
        'connection refused: too many from one client',
      );
      cb(Replies.tooManyConnections());
      return;
    }
    this.perClient.set(client, fromThere + 1);
    this.sessions.add(session.id);
    // Whatever the session is doing, it ends at the session time limit: an idle timeout
    // alone lets a client that sends a byte now and then hold it forever.
    const timer = setTimeout(
      () => this.cutOff(session, Replies.sessionTooLong(), 'session time limit'),
      this.opts.config.sessionMaxMs,
    );
    timer.unref();
    this.guards.set(session.id, { timer, errors: 0 });
    this.opts.metrics.smtpConnections.inc({ result: 'accepted' });
    this.opts.metrics.smtpActiveSessions.set(this.sessions.size);
    cb();
  }

  private onClose(session: SMTPServerSession): void {
    const guard = this.guards.get(session.id);
    if (guard) clearTimeout(guard.timer);
    this.guards.delete(session.id);
    if (!this.sessions.delete(session.id)) return;
    this.opts.metrics.smtpActiveSessions.set(this.sessions.size);
    const client = clientKey(session.remoteAddress);
    const left = (this.perClient.get(client) ?? 1) - 1;
    if (left > 0) this.perClient.set(client, left);
    else this.perClient.delete(client);
  }

  /** Sends a 421 and closes the session's connection (smtp-server closes after any 421). */
  private cutOff(session: SMTPServerSession, reply: SmtpReply, why: string): void {
    const connection = [...this.server.connections].find(
      (c) => (c as { session?: SMTPServerSession }).session === session,
    ) as { send(code: number, text: string): void } | undefined;
    this.opts.metrics.smtpConnections.inc({ result: 'cut_off' });
    this.opts.log.warn({ session: session.id, remoteIp: session.remoteAddress, why }, 'session cut off');
    connection?.send(reply.responseCode, reply.message);
  }

  /**
   * Counts a refused command (a 5xx: a 452 for one recipient too many is no fault of the
   * client's); past the limit the answer becomes 421 and the session ends.
   */
  private counted(session: SMTPServerSession, reply: SmtpReply | undefined): SmtpReply | undefined {
    if (!reply || reply.responseCode < 500) return reply;
    const guard = this.guards.get(session.id);
    if (!guard) return reply;
    guard.errors++;
    if (guard.errors < this.opts.config.maxErrors) return reply;
    this.opts.log.warn(
      { session: session.id, remoteIp: session.remoteAddress, errors: guard.errors },
      'session closed: too many errors',
    );
    return Replies.tooManyErrors();
  }

  private checkRecipient(address: string, session: SMTPServerSession): SmtpReply | undefined {
    if (this.draining) return Replies.shuttingDown();
    if (session.envelope.rcptTo.length >= this.opts.config.maxRecipients) {
      this.opts.metrics.smtpTransactions.inc({ result: 'too_many_recipients' });
      return Replies.tooManyRecipients(this.opts.config.maxRecipients);
    }
    // Mail to the postmaster is always taken (RFC 5321 4.5.1); stored and decoded like the
    // rest, and it changes a standing only on the same evidence as any other message.
    if (isBarePostmaster(address)) return undefined;
    const mailFrom = session.envelope.mailFrom as { args?: Record<string, unknown> } | false;
    const smtpUtf8 = mailFrom !== false && Boolean(mailFrom.args?.SMTPUTF8);
    const spelling = recipientSpellingProblem(address, smtpUtf8);
    if (spelling) {
      if (spelling.enhancedStatus === '5.7.1') this.opts.metrics.smtpTransactions.inc({ result: 'relay_refused' });
      this.opts.log.info(
        { session: session.id, remoteIp: session.remoteAddress, reply: spelling.message },
        'recipient refused',
      );
      return spelling;
    }
    const domain = recipientDomain(address);
    if (!domain) return Replies.badRecipient();
    if (!acceptsDomain(domain, this.opts.bounceDomains)) {
      this.opts.metrics.smtpTransactions.inc({ result: 'relay_refused' });
      this.opts.log.info({ session: session.id, remoteIp: session.remoteAddress, domain }, 'relay refused');
      return Replies.relayDenied(domain);
    }
    const tokenProblem = this.tokenProblem(address);
    if (tokenProblem) {
      this.opts.metrics.smtpTransactions.inc({ result: 'token_refused' });
      this.opts.log.info(
        { session: session.id, remoteIp: session.remoteAddress, problem: tokenProblem },
        'recipient refused: return-path token',
      );
      return Replies.badToken(tokenProblem);
    }
    return undefined;
  }

  /** With REQUIRE_TOKEN, a recipient must carry a valid token, unless it is a fixed local part. */
  private tokenProblem(address: string): string | undefined {
    const { require, keyring, freeLocalParts } = this.opts.tokens;
    if (!require || !keyring) return undefined;
    const local = address.slice(0, address.lastIndexOf('@')).toLowerCase();
    if (freeLocalParts.includes(local)) return undefined;
    const token = tokenInLocalPart(local);
    if (!token) return 'missing';
    const check = verifyToken(token, keyring.all);
    return check.ok ? undefined : check.problem;
  }

  private async onData(
    stream: NodeJS.ReadableStream & import('node:stream').Readable,
    session: SMTPServerSession,
    cb: (err?: Error | null, message?: string) => void,
  ): Promise<void> {
    this.dataInFlight++;
    const started = Date.now();
    // DATA ends by the DATA time limit: a sender trickling bytes is cut off with 421, and
    // nothing of its message is stored.
    const dataTimer = setTimeout(
      () => this.cutOff(session, Replies.dataTooSlow(), 'DATA time limit'),
      this.opts.config.dataMaxMs,
    );
    dataTimer.unref();
    let endOfData = process.hrtime.bigint();
    let result: TransactionResult = 'aborted';
    // Nothing stored unless the commit says so; the error reply is made only when needed
    // (an Error captures a stack trace: too dear to make for every message).
    let reply: string | SmtpReply | undefined;
    let bytes = 0;
    let held = 0;
    let id: string | undefined;
    try {
      const read = await readLimited(stream, this.opts.config.maxMessageBytes, this.budget);
      // The DATA time limit is for the sender; the commit that follows has its own deadline.
      clearTimeout(dataTimer);
      endOfData = process.hrtime.bigint();
      bytes = read.bytes;
      held = read.held;
      if (read.overBudget) {
        result = 'memory_busy';
        reply = Replies.memoryBusy();
        this.opts.log.warn(
          { session: session.id, size: bytes, budget: this.budget.limit },
          'DATA budget spent: replying 452',
        );
      } else if (!read.raw) {
        result = 'too_big';
        reply = Replies.messageTooBig(this.opts.config.maxMessageBytes);
      } else {
        try {
          const stored = await this.opts.sink.store({ envelope: envelopeOf(session), raw: read.raw });
          id = stored.id;
          result = stored.duplicate ? 'duplicate' : 'accepted';
          reply = accepted(stored.id);
          if (!stored.duplicate) {
            this.opts.metrics.ingestStored.inc();
            this.opts.onStored?.(stored);
          }
        } catch (err) {
          result = 'temp_failed';
          reply = Replies.storageUnavailable();
          this.opts.log.error({ session: session.id, err: (err as Error).message }, 'message not stored: replying 451');
        }
      }
    } catch (err) {
      // The client went away in the middle of DATA: there is nobody to answer.
      this.opts.log.info({ session: session.id, err: (err as Error).message }, 'DATA interrupted');
    } finally {
      // Committed or refused: its bytes are no longer ours to hold.
      this.budget.give(held);
      clearTimeout(dataTimer);
      reply ??= Replies.storageUnavailable();
      const seconds = Number(process.hrtime.bigint() - endOfData) / 1e9;
      this.opts.metrics.smtpTransactions.inc({ result });
      if (result !== 'aborted') this.opts.metrics.smtpDataReplySeconds.observe({ result }, seconds);
      this.opts.log.info(
        {
          session: session.id,
          remoteIp: session.remoteAddress,
          helo: session.hostNameAppearsAs,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : undefined,
          rcptCount: session.envelope.rcptTo.length,
          size: bytes,
          result,
          id,
          code: typeof reply === 'string' ? 250 : reply.responseCode,
          durationMs: Date.now() - started,
        },
        'smtp transaction',
      );
      if (typeof reply === 'string') cb(null, reply);
      else cb(reply);
      this.dataInFlight--;
      if (this.dataInFlight === 0) for (const done of this.dataDone.splice(0)) done();
    }
  }
}

function envelopeOf(session: SMTPServerSession): IncomingMessage['envelope'] {
  const tlsVersion = session.secure && session.tlsOptions ? session.tlsOptions.version : undefined;
  return {
    mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
    rcptTo: session.envelope.rcptTo.map((r) => r.address),
    remoteIp: session.remoteAddress || null,
    helo: session.hostNameAppearsAs || null,
    tlsProtocol: tlsVersion || null,
    sessionId: session.id,
    receivedAt: new Date(),
    source: 'smtp',
  };
}
