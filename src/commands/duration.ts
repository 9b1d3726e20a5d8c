// Durations and moments on the command line: "14d", "12h", "90m", "3600s", or an ISO date.
export class UsageError extends Error {
  override name = 'UsageError';
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** Seconds in "14d", "12h", "90m", "3600s" or plain seconds. */
export function parseDuration(text: string, option: string): number {
  const m = /^(\d+)([smhdw]?)$/.exec(text.trim());
  if (!m || Number(m[1]) === 0)
    throw new UsageError(`${option}: expected a duration such as 14d, 12h or 3600s, got ${JSON.stringify(text)}`);
  return Number(m[1]) * UNITS[m[2] || 's']!;
}

/** "--since 2h" (that long ago) or "--since 2026-11-28T10:00:00Z". */
export function parseSince(text: string, now: Date = new Date()): Date {
  if (/^\d+[smhdw]?$/.test(text.trim())) return new Date(now.getTime() - parseDuration(text, '--since') * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at))
    throw new UsageError(
      `--since: expected a date (2026-11-28T10:00:00Z) or a duration ago (2h), got ${JSON.stringify(text)}`,
    );
  return new Date(at);
}
