// Long patterns written in pieces that fit a line: a vocabulary of many words is a list
// of shorter alternations, and a long sequence is its parts in order. The pieces are
// regular expression literals (checked by the linter and read with their escapes as
// written); the result is the same pattern as one literal would have been.

/** A pattern too long for one line, in consecutive pieces (groups do not cross pieces). */
export function seq(...pieces: RegExp[]): RegExp {
  return new RegExp(pieces.map((p) => p.source).join(''), flagsOf(pieces));
}

/** One group of many words, in several pieces: `(a|b|c|d)` from /a|b/ and /c|d/. */
export function oneOf(...pieces: RegExp[]): RegExp {
  return new RegExp(`(${pieces.map((p) => p.source).join('|')})`, flagsOf(pieces));
}

/** Alternatives at the top of a pattern, in several pieces: `a|b|c|d` from /a|b/ and /c|d/. */
export function anyOf(...pieces: RegExp[]): RegExp {
  return new RegExp(pieces.map((p) => p.source).join('|'), flagsOf(pieces));
}

/** The pieces' flags, which must agree: a piece read with flags it was not written for is misread. */
function flagsOf(pieces: RegExp[]): string {
  const flags = pieces[0]?.flags ?? '';
  const other = pieces.find((p) => p.flags !== flags);
  if (other)
    throw new Error(`/${other.source}/${other.flags}: the pieces of one pattern need the same flags ('${flags}')`);
  return flags;
}
