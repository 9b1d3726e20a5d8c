// Operators' rules kept in Postgres (classification_rules), so that a new provider's wording
// can be handled without a release. A rule whose pattern does not compile is skipped and
// reported, never allowed to stop decoding.
import type { Pool } from 'pg';
import { parseRules } from './rule-file.ts';
import type { Rule } from './rules.ts';

export interface LoadedRules {
  rules: Rule[];
  /** One line per rule that was skipped, and why. */
  skipped: string[];
}

export async function loadRulesFromDatabase(pool: Pool): Promise<LoadedRules> {
  const { rows } = await pool.query<{ id: string; reason: string; text_pattern: string | null; status_pattern: string | null; example: string }>(
    `select id, reason, text_pattern, status_pattern, example
       from classification_rules where enabled order by position, id`,
  );
  const rules: Rule[] = [];
  const skipped: string[] = [];
  for (const row of rows) {
    try {
      rules.push(...parseRules([{ id: row.id, reason: row.reason, text: row.text_pattern ?? undefined, status: row.status_pattern ?? undefined, example: row.example }], 'classification_rules'));
    } catch (err) {
      skipped.push((err as Error).message);
    }
  }
  return { rules, skipped };
}
