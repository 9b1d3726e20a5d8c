// The operator's HTTP side: /metrics for Prometheus, /healthz (the process answers: for
// liveness), /readyz (Postgres answers and we are not shutting down: for readiness, so that
// a load balancer stops sending mail to an instance that could only say 451), and the
// sent-message registry (POST /v1/sent-messages).
//
// It binds loopback unless HTTP_HOST says otherwise. /metrics and /readyz use their own
// small pool (`probePool`), so that they answer during an SMTP flood without taking the
// connections the spool needs, and a slow database makes them fail fast, not hang.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics/index.ts';
import { registerSent, SentMessageError, validateBatch } from './sent-messages.ts';

export interface HttpEndpoints {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export interface HttpOptions {
  host: string;
  port: number;
  /** Where the registry writes. */
  pool: Pool;
  /** Readiness and metrics queries: a pool of their own. */
  probePool: Pool;
  metrics: Metrics;
  log: Logger;
  isDraining(): boolean;
  /** Bearer token of POST /v1/sent-messages; undefined leaves the endpoint off. */
  sentApiToken?: string;
}

/** 10,000 registrations with their metadata fit within this. */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

class BodyTooLarge extends Error {}

/** Reads a request body up to the cap; past it, stops reading (the reply is 413). */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks, bytes).toString('utf8')));
    req.once('error', reject);
  });
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Compares digests, so that neither the token's bytes nor its length leak through timing. */
function authorized(req: IncomingMessage, token: string): boolean {
  return timingSafeEqual(digest(req.headers.authorization ?? ''), digest(`Bearer ${token}`));
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  type = 'text/plain; charset=utf-8',
  close = false,
): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(body);
}

function registry(req: IncomingMessage, res: ServerResponse, opts: HttpOptions): void {
  if (!opts.sentApiToken) {
    send(res, 404, 'the sent-message endpoint is off: set SENT_API_TOKEN\n');
    return;
  }
  if (req.method !== 'POST') {
    send(res, 405, 'POST a JSON array\n');
    return;
  }
  if (!authorized(req, opts.sentApiToken)) {
    send(res, 401, 'a Bearer token (SENT_API_TOKEN) is required\n');
    return;
  }
  void readBody(req, MAX_BODY_BYTES)
    .then((body) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch (err) {
        throw new SentMessageError(`the body is not JSON: ${(err as Error).message}`);
      }
      return registerSent(opts.pool, validateBatch(parsed));
    })
    .then((result) => {
      opts.metrics.sentRegistered.inc(result.inserted);
      send(res, 200, `${JSON.stringify(result)}\n`, 'application/json');
    })
    .catch((err: Error) => {
      if (err instanceof BodyTooLarge)
        return send(res, 413, `the body is over ${MAX_BODY_BYTES} bytes: send smaller batches\n`, undefined, true);
      if (err instanceof SentMessageError) return send(res, 400, `${err.message}\n`);
      // The database's words stay in our log: the client learns only that it may retry.
      opts.log.error({ err: err.message }, 'sent-message batch failed');
      send(res, 503, 'the registry is unavailable; retry later\n');
    });
}

export async function startHttp(opts: HttpOptions): Promise<HttpEndpoints> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/v1/sent-messages') return registry(req, res, opts);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n');
    switch (path) {
      case '/healthz':
        return send(res, 200, 'ok\n');
      case '/readyz':
        if (opts.isDraining()) return send(res, 503, 'shutting down\n');
        return void opts.probePool
          .query('select 1')
          .then(() => {
            opts.metrics.databaseUp.set(1);
            send(res, 200, 'ready\n');
          })
          .catch((err: Error) => {
            opts.metrics.databaseUp.set(0);
            opts.log.warn({ err: err.message }, 'readiness: database unavailable');
            send(res, 503, 'database unavailable\n');
          });
      case '/metrics':
        return void opts.metrics
          .refreshFromDatabase(opts.probePool)
          .then(() => opts.metrics.exposition())
          .then(({ contentType, body }) => send(res, 200, body, contentType))
          .catch((err: Error) => send(res, 500, `metrics failed: ${err.message}\n`));
      default:
        return send(res, 404, 'not found: try /metrics, /healthz or /readyz\n');
    }
  });
  // Slow clients do not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  opts.log.info({ host: opts.host, port }, 'HTTP listening (/metrics /healthz /readyz)');
  return {
    server,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
