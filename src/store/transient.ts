// Which Postgres errors are worth trying again, decided in one place by SQLSTATE class
// (PostgreSQL Appendix A): the same statement can succeed a moment later.
const TRANSIENT_SQLSTATE_CLASSES = new Set([
  '08', // connection exception
  '40', // transaction rollback: serialization_failure 40001, deadlock_detected 40P01
  '53', // insufficient resources: too many connections, out of memory, disk full
  '57', // operator intervention: query_canceled (statement timeout) 57014, admin_shutdown 57P01
  '58', // system error: I/O error
]);
const LOCK_NOT_AVAILABLE = '55P03';

/** The driver's own words when the connection went away, with no SQLSTATE. */
const DRIVER_LOST_CONNECTION = [
  /Connection terminated|connection (?:is )?(?:closed|lost)|ECONNRESET|ECONNREFUSED|EPIPE/i,
  /timeout exceeded when trying to connect|Query read timeout/i,
];

/** A database fault to retry rather than a verdict on the message. */
export function isTransient(err: unknown): boolean {
  // An error may say so itself (the decoder thread lost while decoding).
  if ((err as { transient?: unknown })?.transient === true) return true;
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
    return TRANSIENT_SQLSTATE_CLASSES.has(code.slice(0, 2)) || code === LOCK_NOT_AVAILABLE;
  const message = String((err as Error)?.message ?? '');
  return DRIVER_LOST_CONNECTION.some((words) => words.test(message));
}
