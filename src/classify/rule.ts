// What a classification rule is, and how the table writes one: a rule is a reason and the
// ways receivers say it, each way a row that pairs one pattern with the real reply it was
// written for. A row without its reply cannot be written, and the tests read every row's
// reply back through the whole table: it must match its own pattern and be decided by its
// own rule (an earlier rule that takes it is an ordering bug, or the row is dead).
import type { Reason } from './reasons.ts';

/** One way of saying a reason: a reply seen from receivers, and the pattern written for it. */
export type RuleRow = readonly [example: string, pattern: RegExp];

export interface Rule {
  id: string;
  reason: Reason;
  /** Matched against the folded, lower-case diagnostic text. */
  text?: RegExp;
  /** Matched against the enhanced status code ("5.1.1"). */
  status?: RegExp;
  /** A real reply of the kind this rule was written for (the first row's, for a table rule). */
  example: string;
  /** The table's rows, for a text rule of ours: its pattern is their union. */
  rows?: readonly RuleRow[];
  /**
   * The words decide alone: neither the SMTP stage nor a vaguer status code changes them.
   * For replies that name the receiver's own directory lookup ("not listed in Domino
   * Directory", "This user doesn't have a yahoo.com account"), which filters do not borrow,
   * and for replies that name their reason outright ("rejected for policy reasons").
   */
  certain?: boolean;
}

/**
 * A text rule from its rows. Their union is the rule's pattern, as a reader sees it; the
 * classifier tests the rows themselves, only those whose words occur in the text.
 */
export function rule(id: string, reason: Reason, rows: readonly RuleRow[], options: { certain?: boolean } = {}): Rule {
  if (rows.length === 0) throw new Error(`rule ${id}: no rows`);
  for (const [, pattern] of rows) {
    // The rows are read as folded text, and joined: a flag would be silently dropped.
    if (pattern.flags) throw new Error(`rule ${id}: /${pattern.source}/ has flags; the text is already folded`);
  }
  const text = new RegExp(rows.map(([, pattern]) => pattern.source).join('|'));
  return { id, reason, text, example: rows[0]![0], rows, ...options };
}

/** A status rule: a pattern over the enhanced status code, and the code it was written for. */
export function statusRule(id: string, reason: Reason, status: RegExp, example: string): Rule {
  return { id, reason, status, example };
}
