// Operators' own rules, from a JSON file: [{"id": "…", "reason": "…", "text": "regex" |
// "status": "regex", "example": "the real reply"}]. They are tried before the built-in ones.
import { readFileSync } from 'node:fs';
import { isReason } from './reasons.ts';
import type { Rule } from './rules.ts';

export class RuleFileError extends Error {
  override name = 'RuleFileError';
}

export function parseRules(json: unknown, origin: string): Rule[] {
  if (!Array.isArray(json)) throw new RuleFileError(`${origin}: expected a JSON array of rules`);
  return json.map((r: Record<string, unknown>, i) => {
    const where = `${origin}: rule ${i + 1}`;
    if (typeof r?.id !== 'string' || !r.id) throw new RuleFileError(`${where}: needs an "id"`);
    if (typeof r.reason !== 'string' || !isReason(r.reason)) throw new RuleFileError(`${where} (${r.id}): "reason" must be one of the 34 reasons`);
    if (typeof r.text !== 'string' && typeof r.status !== 'string') throw new RuleFileError(`${where} (${r.id}): needs "text" or "status"`);
    const regex = (source: unknown) => {
      if (typeof source !== 'string') return undefined;
      try {
        return new RegExp(source, 'i');
      } catch (err) {
        throw new RuleFileError(`${where} (${r.id}): bad pattern: ${(err as Error).message}`);
      }
    };
    return { id: `custom.${r.id}`, reason: r.reason, text: regex(r.text), status: regex(r.status), example: String(r.example ?? '') };
  });
}

export function loadRuleFile(path: string): Rule[] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new RuleFileError(`${path}: ${(err as Error).message}`);
  }
  return parseRules(json, path);
}
