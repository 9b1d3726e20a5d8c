// Configuration: read once at start from environment variables, validated, then passed
// in. Nothing else in the code reads process.env.
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { isPlaceholderSecret, type Keyring, KeyringError, parseKeyring } from './keys.ts';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** Where an address stands after soft bounces and full mailboxes (see standing/policy.ts). */
export interface StandingConfig {
  softCountIntervalMs: number;
  softQuarantineAt: number;
  softResetMs: number;
  mailboxFullReleaseMs: number;
}

export interface Config {
  /** Postgres URL; undefined means: start the embedded Postgres in dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  /** Domains whose recipients we accept mail for (lower case). A leading dot matches subdomains. */
  bounceDomains: string[];
  smtp: SmtpConfig;
  tokens: TokenConfig;
  standing: StandingConfig;
  breaker: BreakerConfig;
  correlation: CorrelationConfig;
  evidence: EvidenceConfig;
  /** Months of bounce_events to keep; 0 keeps all. */
  eventsRetentionMonths: number;
  /** Days each kind of row is kept (0: for ever); see store/retention.ts. */
  retention: {
    rawBodyDays: number;
    rawMessageDays: number;
    sentMessageDays: number;
    historyDays: number;
    mailboxSeenDays: number;
  };
  fetch: FetchConfig;
  /** Receiving domains that get their own metric label (the rest are "other"). */
  metricsDomains: string[] | undefined;
  /** Bearer token of POST /v1/sent-messages; undefined disables the endpoint. */
  sentApiToken: string | undefined;
  http: { host: string; port: number };
  ingest: IngestConfig;
  shutdownDrainMs: number;
  /** DECODE_BUDGET_MS: a message whose decoding takes longer is parked as failed, with the reason. */
  decodeBudgetMs: number;
  /**
   * DECODE_WORKERS: decoding batches in flight at once (the decode side opens two
   * connections for each, and one more).
   */
  decodeWorkers: number;
  /** Messages a decode worker claims and writes at a time. */
  decodeBatchSize: number;
  /** DECODE_SHARE_WHILE_RECEIVING: percent of the decoders' time while messages arrive (100: never step aside). */
  decodeShareWhileReceiving: number;
  logLevel: string;
  smtpLogLevel: string;
  pgPoolSize: number;
  instanceName: string;
}

export interface SmtpConfig {
  host: string;
  port: number;
  /** Name in the greeting and EHLO reply. */
  hostname: string;
  maxMessageBytes: number;
  /** MAX_DATA_BYTES_IN_FLIGHT: DATA bytes held across all sessions until committed; past it 452 4.3.1. */
  maxDataBytesInFlight: number;
  maxRecipients: number;
  maxConnections: number;
  /** Concurrent sessions from one client address; past it 421 4.7.0 (rate_limited). */
  maxConnectionsPerIp: number;
  idleTimeoutMs: number;
  /** SMTP_SESSION_MAX_MS: a session is closed with 421 after this long, busy or not. */
  sessionMaxMs: number;
  /** SMTP_DATA_MAX_MS: DATA must end within this (slow senders are cut off with 421). */
  dataMaxMs: number;
  /** SMTP_MAX_ERRORS: refused commands in one session before 421 and close. */
  maxErrors: number;
  tls: { certFile: string; keyFile: string } | undefined;
}

export interface TokenConfig {
  /** TOKEN_KEYS; undefined when tokens are not used. */
  keyring: Keyring | undefined;
  /** REQUIRE_TOKEN: refuse at RCPT a recipient without a valid token. */
  require: boolean;
  /** Local parts accepted without a token (postmaster, abuse, the feedback-loop address). */
  freeLocalParts: string[];
}

export interface FetchConfig {
  /** FETCH_URL: a mailbox serve polls alongside SMTP (pop3://, pop3s://, imap://, imaps://). */
  url: string | undefined;
  /** MAILBOX_PASSWORD: never on the command line. */
  password: string | undefined;
  intervalSeconds: number;
  maxMessages: number;
  maxBytes: number;
  nonBounce: 'keep' | 'move';
  caFile: string | undefined;
  insecureTls: boolean;
  /** FETCH_ALLOW_PLAINTEXT_LOGIN: send the mailbox password without TLS (refused by default). */
  allowPlaintextLogin: boolean;
}

export interface BreakerConfig {
  windowMs: number;
  minHard: number;
  minRatio: number;
}

export interface CorrelationConfig {
  /** X- headers of the original message that carry our message id or send id. */
  headers: string[];
  /** The last resort: a send to the same recipient within this window before the bounce. */
  recentSendWindowMs: number;
}

export interface EvidenceConfig {
  /**
   * EVIDENCE_REQUIRED: what a fact must carry to change a standing. `authenticated` (our
   * token, a registered Message-ID or ENVID) by default; `weak` also trusts a recent send to
   * the same address or an unsigned X- header, which anyone who knows we mail an address
   * can forge.
   */
  required: 'authenticated' | 'weak';
  /** MAX_ADDRESSES_PER_MESSAGE: standings one message may change. */
  maxAddressesPerMessage: number;
}

export interface IngestConfig {
  /** How long the first message of a group waits for others before the commit. */
  groupCommitWindowMs: number;
  groupCommitMaxMessages: number;
  /** GROUP_COMMIT_MAX_BYTES: a group is closed past this many bytes (a large message commits alone). */
  groupCommitMaxBytes: number;
  /** Past this, the client gets 451 and retries later. */
  commitDeadlineMs: number;
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `expected a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function logLevel(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback).toLowerCase();
  if (!LOG_LEVELS.includes(value)) throw new ConfigError(name, `expected one of ${LOG_LEVELS.join(', ')}`);
  return value;
}

const DOMAIN = /^\.?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function domains(env: Env, name: string, fallback: string): string[] {
  const list = text(env, name, fallback)
    .split(',')
    .map((d) => d.trim().toLowerCase())
    .filter((d) => d !== '');
  if (list.length === 0) throw new ConfigError(name, 'needs at least one domain');
  for (const d of list) {
    if (!DOMAIN.test(d)) throw new ConfigError(name, `${JSON.stringify(d)} is not a domain name`);
  }
  return list;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['true', '1', 'yes', 'on'].includes(raw)) return true;
  if (['false', '0', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `expected true or false, got ${JSON.stringify(raw)}`);
}

function tokens(env: Env): TokenConfig {
  let keyring: Keyring | undefined;
  const keys = env.TOKEN_KEYS?.trim();
  if (keys) {
    try {
      keyring = parseKeyring(keys);
    } catch (err) {
      if (err instanceof KeyringError) throw new ConfigError('TOKEN_KEYS', err.message);
      throw err;
    }
  }
  const require = bool(env, 'REQUIRE_TOKEN', false);
  if (require && !keyring) throw new ConfigError('REQUIRE_TOKEN', 'needs TOKEN_KEYS to check tokens with');
  const freeLocalParts = text(env, 'TOKEN_FREE_LOCAL_PARTS', 'postmaster,abuse,fbl')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  return { keyring, require, freeLocalParts };
}

function evidence(env: Env): EvidenceConfig {
  const required = text(env, 'EVIDENCE_REQUIRED', 'authenticated').toLowerCase();
  if (required !== 'authenticated' && required !== 'weak')
    throw new ConfigError('EVIDENCE_REQUIRED', `expected authenticated or weak, got ${JSON.stringify(required)}`);
  return { required, maxAddressesPerMessage: integer(env, 'MAX_ADDRESSES_PER_MESSAGE', 5, 1, 1000) };
}

/** A bearer token anyone could guess would let a stranger fill the registry that proves bounces. */
function sentApiToken(env: Env): string | undefined {
  const value = env.SENT_API_TOKEN?.trim();
  if (!value) return undefined;
  if (value.length < 32)
    throw new ConfigError(
      'SENT_API_TOKEN',
      `must be at least 32 characters, got ${value.length} (openssl rand -base64 32)`,
    );
  if (isPlaceholderSecret(value))
    throw new ConfigError('SENT_API_TOKEN', 'is a placeholder; generate one (openssl rand -base64 32)');
  return value;
}

function nonBounce(env: Env): 'keep' | 'move' {
  const v = text(env, 'FETCH_NON_BOUNCE', 'keep');
  if (v !== 'keep' && v !== 'move') throw new ConfigError('FETCH_NON_BOUNCE', 'expected keep or move');
  return v;
}

function databaseUrl(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  if (value === undefined || value === '') return undefined;
  if (!/^postgres(ql)?:\/\//.test(value)) throw new ConfigError(name, 'expected a postgres:// or postgresql:// URL');
  return value;
}

function tls(env: Env): SmtpConfig['tls'] {
  const certFile = env.TLS_CERT_FILE?.trim();
  const keyFile = env.TLS_KEY_FILE?.trim();
  if (!certFile && !keyFile) return undefined;
  if (!certFile) throw new ConfigError('TLS_CERT_FILE', 'is needed when TLS_KEY_FILE is set');
  if (!keyFile) throw new ConfigError('TLS_KEY_FILE', 'is needed when TLS_CERT_FILE is set');
  return { certFile, keyFile };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The default recipient domain lets a first `npm start` accept mail sent to it locally. */
const DEFAULT_BOUNCE_DOMAIN = 'bounces.localhost';

export function loadConfig(env: Env = process.env): Config {
  const config: Config = {
    databaseUrl: databaseUrl(env, 'DATABASE_URL'),
    dataDir: resolve(text(env, 'DATA_DIR', './data')),
    embeddedPgPort: integer(env, 'EMBEDDED_PG_PORT', 54329, 1, 65535),
    bounceDomains: domains(env, 'BOUNCE_DOMAINS', DEFAULT_BOUNCE_DOMAIN),
    smtp: {
      host: text(env, 'SMTP_HOST', '::'),
      port: integer(env, 'SMTP_PORT', 2525, 0, 65535),
      hostname: text(env, 'SMTP_HOSTNAME', hostname()),
      maxMessageBytes: integer(env, 'MAX_MESSAGE_BYTES', 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      maxDataBytesInFlight: integer(env, 'MAX_DATA_BYTES_IN_FLIGHT', 128 * 1024 * 1024, 1024, 16 * 1024 * 1024 * 1024),
      maxRecipients: integer(env, 'MAX_RECIPIENTS', 50, 1, 10_000),
      maxConnections: integer(env, 'MAX_CONNECTIONS', 500, 1, 100_000),
      maxConnectionsPerIp: integer(env, 'MAX_CONNECTIONS_PER_IP', 50, 1, 100_000),
      idleTimeoutMs: integer(env, 'SMTP_IDLE_TIMEOUT_MS', 120_000, 1000, 3_600_000),
      sessionMaxMs: integer(env, 'SMTP_SESSION_MAX_MS', 600_000, 1000, 86_400_000),
      dataMaxMs: integer(env, 'SMTP_DATA_MAX_MS', 300_000, 1000, 3_600_000),
      maxErrors: integer(env, 'SMTP_MAX_ERRORS', 20, 1, 10_000),
      tls: tls(env),
    },
    tokens: tokens(env),
    standing: {
      softCountIntervalMs: integer(env, 'SOFT_COUNT_INTERVAL_HOURS', 24, 0, 8760) * HOUR,
      softQuarantineAt: integer(env, 'SOFT_QUARANTINE_AT', 5, 1, 1000),
      softResetMs: integer(env, 'SOFT_RESET_DAYS', 10, 1, 3650) * DAY,
      mailboxFullReleaseMs: integer(env, 'MAILBOXFULL_RELEASE_DAYS', 30, 1, 3650) * DAY,
    },
    breaker: {
      windowMs: integer(env, 'BREAKER_WINDOW_MINUTES', 10, 1, 1440) * 60_000,
      minHard: integer(env, 'BREAKER_MIN_HARD', 50, 1, 1_000_000),
      minRatio: integer(env, 'BREAKER_MIN_PERCENT', 20, 0, 100) / 100,
    },
    correlation: {
      headers: text(env, 'CORRELATION_HEADERS', 'x-bounced-send-id,x-message-id')
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
      recentSendWindowMs: integer(env, 'CORRELATION_WINDOW_DAYS', 7, 0, 365) * DAY,
    },
    evidence: evidence(env),
    eventsRetentionMonths: integer(env, 'BOUNCE_EVENTS_RETENTION_MONTHS', 0, 0, 1200),
    retention: {
      rawBodyDays: integer(env, 'RAW_BODY_RETENTION_DAYS', 30, 0, 36_500),
      rawMessageDays: integer(env, 'RAW_MESSAGE_RETENTION_DAYS', 400, 0, 36_500),
      sentMessageDays: integer(env, 'SENT_MESSAGE_RETENTION_DAYS', 180, 0, 36_500),
      historyDays: integer(env, 'HISTORY_RETENTION_DAYS', 730, 0, 36_500),
      mailboxSeenDays: integer(env, 'MAILBOX_SEEN_RETENTION_DAYS', 90, 0, 36_500),
    },
    sentApiToken: sentApiToken(env),
    metricsDomains: env.METRICS_DOMAINS?.trim() ? domains(env, 'METRICS_DOMAINS', '') : undefined,
    fetch: {
      url: env.FETCH_URL?.trim() || undefined,
      password: env.MAILBOX_PASSWORD ?? undefined,
      intervalSeconds: integer(env, 'FETCH_INTERVAL_SECONDS', 300, 5, 86_400),
      maxMessages: integer(env, 'FETCH_MAX_MESSAGES', 200, 1, 100_000),
      maxBytes: integer(env, 'FETCH_MAX_BYTES', 100 * 1024 * 1024, 1024, 10 * 1024 * 1024 * 1024),
      nonBounce: nonBounce(env),
      caFile: env.FETCH_CA_FILE?.trim() || undefined,
      insecureTls: bool(env, 'FETCH_INSECURE_TLS', false),
      allowPlaintextLogin: bool(env, 'FETCH_ALLOW_PLAINTEXT_LOGIN', false),
    },
    http: {
      // Loopback unless configured: the registry and the metrics are not for the world.
      host: text(env, 'HTTP_HOST', '127.0.0.1'),
      port: integer(env, 'HTTP_PORT', 9325, 0, 65535),
    },
    ingest: {
      groupCommitWindowMs: integer(env, 'GROUP_COMMIT_WINDOW_MS', 2, 0, 1000),
      groupCommitMaxMessages: integer(env, 'GROUP_COMMIT_MAX_MESSAGES', 200, 1, 10_000),
      groupCommitMaxBytes: integer(env, 'GROUP_COMMIT_MAX_BYTES', 8 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
      commitDeadlineMs: integer(env, 'COMMIT_DEADLINE_MS', 15_000, 100, 600_000),
    },
    shutdownDrainMs: integer(env, 'SHUTDOWN_DRAIN_MS', 30_000, 0, 3_600_000),
    decodeBudgetMs: integer(env, 'DECODE_BUDGET_MS', 5000, 10, 600_000),
    decodeWorkers: integer(env, 'DECODE_WORKERS', 2, 1, 64),
    decodeBatchSize: integer(env, 'DECODE_BATCH_SIZE', 200, 1, 10_000),
    decodeShareWhileReceiving: integer(env, 'DECODE_SHARE_WHILE_RECEIVING', 50, 5, 100),
    logLevel: logLevel(env, 'LOG_LEVEL', 'info'),
    smtpLogLevel: logLevel(env, 'SMTP_LOG_LEVEL', 'warn'),
    pgPoolSize: integer(env, 'PG_POOL_SIZE', 10, 2, 1000),
    instanceName: text(env, 'INSTANCE_NAME', hostname()),
  };
  return config;
}
