// Operators' patterns are checked before they run: a regular expression that backtracks
// catastrophically ("(x+x+)+y" on a line of x's) would hold a decode for seconds or hours.
// recheck (static analysis, then fuzzing) decides; we refuse what it finds exponential or
// polynomial of degree 3 and more, and what it cannot prove safe in time. A quadratic
// pattern ("mailbox.*full") is common and cheap on the short texts a rule sees: it is kept,
// and operator rules read at most OPERATOR_TEXT_MAX characters (see rule-file.ts).
import { createRequire } from 'node:module';
import type { Diagnostics } from 'recheck';

// Loaded on first use: it takes a fifth of a second, which every other command would pay.
type Recheck = typeof import('recheck');
let recheck: Recheck | undefined;
const lib = (): Recheck => (recheck ??= createRequire(import.meta.url)('recheck') as Recheck);

export type PatternVerdict = { safe: true } | { safe: false; why: string };

const CHECK_TIMEOUT_MS = 10_000;
const verdicts = new Map<string, PatternVerdict>();
const MAX_REMEMBERED = 1000;

function judge(result: Diagnostics): PatternVerdict {
  if (result.status === 'safe') return { safe: true };
  if (result.status === 'vulnerable') {
    const c = result.complexity;
    if (c.type === 'polynomial' && c.degree <= 2) return { safe: true };
    const growth = c.type === 'exponential' ? 'exponentially' : `as the input length to the power ${c.degree}`;
    const attack = result.attack.pattern ? ` (an input such as ${result.attack.pattern.slice(0, 60)} shows it)` : '';
    return {
      safe: false,
      why: `the pattern backtracks ${growth}${attack}: rewrite it without nested or overlapping repetition`,
    };
  }
  const error =
    result.error.kind === 'timeout'
      ? `could not be proved safe within ${CHECK_TIMEOUT_MS / 1000} s`
      : `could not be checked (${result.error.kind})`;
  return { safe: false, why: `the pattern ${error}: simplify it` };
}

function remember(source: string, verdict: PatternVerdict): PatternVerdict {
  if (verdicts.size >= MAX_REMEMBERED) verdicts.clear();
  verdicts.set(source, verdict);
  return verdict;
}

/** For the server: the check runs off the event loop (recheck's agent or worker). */
export async function checkPattern(source: string): Promise<PatternVerdict> {
  const known = verdicts.get(source);
  if (known) return known;
  return remember(source, judge(await lib().check(source, 'i', { timeout: CHECK_TIMEOUT_MS })));
}

/** For the command line, where blocking is fine. */
export function checkPatternSync(source: string): PatternVerdict {
  const known = verdicts.get(source);
  if (known) return known;
  return remember(source, judge(lib().checkSync(source, 'i', { timeout: CHECK_TIMEOUT_MS })));
}
