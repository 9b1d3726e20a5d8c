// The operator's HTTP side: /metrics for Prometheus, /healthz (the process answers: for
// liveness) and /readyz (Postgres answers and we are not shutting down: for readiness,
// so that a load balancer stops sending mail to an instance that could only say 451).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
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
}

export async function startHttp(opts: HttpOptions): Promise<HttpEndpoints> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const reply = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
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
