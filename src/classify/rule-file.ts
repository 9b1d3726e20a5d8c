// Operators' own rules, from a JSON file: [{"id": "…", "reason": "…", "text": "regex" |
// "status": "regex", "example": "the real reply"}]. They are tried before the built-in ones.
// A pattern is compiled, checked for catastrophic backtracking (pattern-safety.ts), and
// reads at most OPERATOR_TEXT_MAX characters of a text.
import { readFileSync } from 'node:fs';
import { checkPatternSync, type PatternVerdict } from './pattern-safety.ts';
import { isReason } from './reasons.ts';
import type { Rule } from './rule.ts';

export class RuleFileError extends Error {
  override name = 'RuleFileError';
}

/** One operator rule as written: in a JSON file, or a row of classification_rules. */
export interface RuleSpec {
  id: string;
  reason: string;
  text?: string;
  status?: string;
  example?: string;
}

/**
 * A reply or a notice's words around a recipient fit in this many characters; past them,
 * even a quadratic pattern would cost more than it could tell us.
 */
const OPERATOR_TEXT_MAX = 4096;

/** An operator's pattern: it never reads more than OPERATOR_TEXT_MAX characters. */
class BoundedPattern extends RegExp {
  override test(text: string): boolean {
    return super.test(text.length > OPERATOR_TEXT_MAX ? text.slice(0, OPERATOR_TEXT_MAX) : text);
  }
}

export function parseRules(json: unknown, origin: string, verdict?: (source: string) => PatternVerdict): Rule[] {
  if (!Array.isArray(json)) throw new RuleFileError(`${origin}: expected a JSON array of rules`);
  return json.map((r: Record<string, unknown>, i) => {
    const where = `${origin}: rule ${i + 1}`;
    if (typeof r?.id !== 'string' || !r.id) throw new RuleFileError(`${where}: needs an "id"`);
    if (typeof r.reason !== 'string' || !isReason(r.reason))
      throw new RuleFileError(`${where} (${r.id}): "reason" must be one of the 34 reasons`);
    if (typeof r.text !== 'string' && typeof r.status !== 'string')
      throw new RuleFileError(`${where} (${r.id}): needs "text" or "status"`);
    const regex = (source: unknown) => {
      if (typeof source !== 'string') return undefined;
      let compiled: RegExp;
      try {
        compiled = new BoundedPattern(source, 'i');
      } catch (err) {
        throw new RuleFileError(`${where} (${r.id}): bad pattern: ${(err as Error).message}`);
      }
      const judged = verdict?.(source);
      if (judged && !judged.safe) throw new RuleFileError(`${where} (${r.id}): refused: ${judged.why}`);
      return compiled;
    };
    return {
      id: `custom.${r.id}`,
      reason: r.reason,
      text: regex(r.text),
      status: regex(r.status),
      example: String(r.example ?? ''),
    };
  });
}

export function loadRuleFile(path: string): Rule[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RuleFileError(`${path}: ${(err as Error).message}`);
  }
  return parseRules(json, path, checkPatternSync);
}
