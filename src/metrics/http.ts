// The operator's HTTP side: /metrics for Prometheus, /healthz (the process answers: for
// liveness) and /readyz (Postgres answers and we are not shutting down: for readiness,
// so that a load balancer stops sending mail to an instance that could only say 451).
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { registerSent, SentMessageError, validateBatch } from '../correlate/sent-registry.ts';
import { readLimited } from '../smtp/read-limited.ts';
import type { Metrics } from './index.ts';

export interface HttpEndpoints {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export interface HttpOptions {
  host: string;
  port: number;
  pool: Pool;
  metrics: Metrics;
  log: Logger;
  isDraining(): boolean;
  /** Bearer token of POST /v1/sent-messages; undefined leaves the endpoint off. */
  sentApiToken?: string;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  const { raw } = await readLimited(req, MAX_BODY_BYTES);
  if (!raw) throw new SentMessageError(`body over ${MAX_BODY_BYTES} bytes`);
  return raw.toString('utf8');
}

function authorized(req: IncomingMessage, token: string): boolean {
  const given = Buffer.from(req.headers.authorization ?? '');
  const wanted = Buffer.from(`Bearer ${token}`);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

export async function startHttp(opts: HttpOptions): Promise<HttpEndpoints> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (path === '/v1/sent-messages') {
      if (!opts.sentApiToken) return reply(404, 'the sent-message endpoint is off: set SENT_API_TOKEN\n');
      if (req.method !== 'POST') return reply(405, 'POST a JSON array\n');
      if (!authorized(req, opts.sentApiToken)) return reply(401, 'a Bearer token (SENT_API_TOKEN) is required\n');
      return void readBody(req)
        .then((body) => registerSent(opts.pool, validateBatch(JSON.parse(body))))
        .then((result) => {
          opts.metrics.sentRegistered.inc(result.inserted);
          reply(200, `${JSON.stringify(result)}\n`, 'application/json');
        })
        .catch((err: Error) => {
          const bad = err instanceof SentMessageError || err instanceof SyntaxError;
          if (!bad) opts.log.error({ err: err.message }, 'sent-message batch failed');
          reply(bad ? 400 : 503, `${err.message}\n`);
        });
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, 'method not allowed\n');
    switch (path) {
      case '/healthz':
        return reply(200, 'ok\n');
      case '/readyz':
        if (opts.isDraining()) return reply(503, 'shutting down\n');
        return void opts.pool
          .query('select 1')
          .then(() => {
            opts.metrics.databaseUp.set(1);
            reply(200, 'ready\n');
          })
          .catch((err: Error) => {
            opts.metrics.databaseUp.set(0);
            reply(503, `database unavailable: ${err.message}\n`);
          });
      case '/metrics':
        return void opts.metrics
          .refreshFromDatabase(opts.pool)
          .then(() => opts.metrics.exposition())
          .then(({ contentType, body }) => reply(200, body, contentType))
          .catch((err: Error) => reply(500, `metrics failed: ${err.message}\n`));
      default:
        return reply(404, 'not found: try /metrics, /healthz or /readyz\n');
    }
  });
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
