// Starts the real server in this process, on port 0, against a test database.
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config/index.ts';
import { startServer, type RunningServer } from '../../src/serve.ts';

export const BOUNCE_DOMAIN = 'bounces.example.com';

export function testConfig(databaseUrl: string, env: Record<string, string> = {}): Config {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    BOUNCE_DOMAINS: BOUNCE_DOMAIN,
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SMTP_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    INSTANCE_NAME: 'test',
    ...env,
  });
}

export async function startTestServer(databaseUrl: string, env: Record<string, string> = {}): Promise<RunningServer> {
  const config = testConfig(databaseUrl, env);
  return startServer(config, pino({ level: config.logLevel }));
}
