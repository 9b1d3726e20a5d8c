// pino JSON logs on stdout. One root logger is made at start and passed in.
import { type Logger, pino } from 'pino';

export function createLogger(level: string, name = 'bounced'): Logger {
  return pino({ name, level, base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime });
}

/**
 * smtp-server's own protocol log, at its own level (warn by default: the protocol chatter
 * of every session is only wanted while debugging).
 */
export function protocolLogger(root: Logger, level: string): Logger {
  // smtp-server adds its own `component: 'smtp-server'` field to each line.
  return root.child({}, { level });
}
