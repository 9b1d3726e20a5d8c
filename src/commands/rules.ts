// `bounced rules [ID…]`: the rule table as a reviewer reads it. Each rule with its reason,
// then each row: the type that row's own reply gets, the reply, and the pattern written
// for it. Operators' rules (--rules) come first, as they are tried first.
import { findReplyCode, findStatus, type RuleSet } from '../classify/index.ts';
import { bounceType } from '../classify/reasons.ts';
import type { Rule } from '../classify/rule.ts';
import { STATUS_RULES, TEXT_RULES } from '../classify/rules.ts';

/** Lists the rules whose id is one of `ids` or starts with one and a dot; all when none is given. */
export function runRules(ids: string[], rules: RuleSet, out: (line: string) => void): number {
  const chosen = [...rules.extra, ...TEXT_RULES, ...STATUS_RULES].filter(
    (r) => ids.length === 0 || ids.some((id) => r.id === id || r.id.startsWith(`${id}.`)),
  );
  const unknown = ids.filter((id) => !chosen.some((r) => r.id === id || r.id.startsWith(`${id}.`)));
  if (unknown.length > 0) throw new Error(`no rule named ${unknown.join(', ')}`);
  for (const rule of chosen) {
    out(`${rule.id}  ${rule.reason}${rule.certain ? '  (the words decide alone)' : ''}`);
    for (const [example, pattern] of rowsOf(rule)) {
      const type = bounceType(rule.reason, findStatus(example), findReplyCode(example));
      out(`  ${type.padEnd(7)} ${example}`);
      out(`  ${''.padEnd(7)} /${pattern.source}/`);
    }
  }
  return 0;
}

function rowsOf(rule: Rule): ReadonlyArray<readonly [string, RegExp]> {
  if (rule.rows) return rule.rows;
  const pattern = rule.text ?? rule.status;
  return pattern ? [[rule.example, pattern]] : [];
}
