// Operators' rules kept in Postgres (classification_rules), so that a new provider's wording
// can be handled without a release. A rule whose pattern does not compile, or could
// backtrack catastrophically, is skipped, and why is written beside it (`problem`): it is
// never allowed to stop decoding.
import type { Pool } from 'pg';
import { checkPattern, type PatternVerdict } from './pattern-safety.ts';
import type { Rule } from './rule.ts';
import { parseRules, type RuleSpec } from './rule-file.ts';

export interface LoadedRules {
  rules: Rule[];
  /** The accepted rules as written, for a decoder in another thread to compile. */
  specs: RuleSpec[];
  /** One line per rule that was skipped, and why. */
  skipped: string[];
}

interface RuleRow {
  id: string;
  reason: string;
  text_pattern: string | null;
  status_pattern: string | null;
  example: string;
  problem: string | null;
}

export async function loadRulesFromDatabase(pool: Pool): Promise<LoadedRules> {
  const { rows } = await pool.query<RuleRow>(
    `select id, reason, text_pattern, status_pattern, example, problem
       from classification_rules where enabled order by position, id`,
  );
  const loaded: LoadedRules = { rules: [], specs: [], skipped: [] };
  for (const row of rows) {
    const spec: RuleSpec = {
      id: row.id,
      reason: row.reason,
      text: row.text_pattern ?? undefined,
      status: row.status_pattern ?? undefined,
      example: row.example,
    };
    // The checks run off the event loop; parseRules then only looks their verdicts up.
    const verdicts = new Map<string, PatternVerdict>();
    for (const source of [spec.text, spec.status])
      if (source !== undefined) verdicts.set(source, await checkPattern(source));
    let problem: string | null = null;
    try {
      loaded.rules.push(
        ...parseRules([spec], 'classification_rules', (source) => verdicts.get(source) ?? { safe: true }),
      );
      loaded.specs.push(spec);
    } catch (err) {
      problem = (err as Error).message;
      loaded.skipped.push(problem);
    }
    if (problem !== row.problem)
      await pool.query('update classification_rules set problem = $2 where id = $1', [row.id, problem]);
  }
  return loaded;
}
