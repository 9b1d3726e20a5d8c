// Which rules could match a text, found in one pass over it, so that only those run their
// regular expression (the rule table is a third of the decoder's time otherwise).
//
// Each rule's pattern is read for its required words: strings one of which every match must
// contain ("user unknown|no such user" needs "user unknown" or "no such user"). A rule whose
// pattern cannot be read that way (an alternative made only of classes, dots, optional
// parts) is always tried. The reading is conservative: a part it does not understand counts
// as optional, which can only make a rule tried more often, never skipped wrongly.

/** The shortest required word worth indexing (a key of the index is its first 3 characters). */
const MIN_NEEDLE = 3;

/** Words of two characters are indexed too where both are not ASCII (CJK: 容量, 満杯). */
function indexable(needle: string): boolean {
  return (
    needle.length >= MIN_NEEDLE || (needle.length === 2 && needle.charCodeAt(0) > 0x7f && needle.charCodeAt(1) > 0x7f)
  );
}

/** Strings one of which every match of `re` contains; null when there is no such set. */
export function requiredNeedles(re: RegExp): string[] | null {
  // Case-insensitive or sticky patterns would need other texts than the literal: always tried.
  if (re.flags.replace(/[gu]/g, '') !== '') return null;
  try {
    const needles = alternation(new Reader(re.source));
    return needles?.length ? [...new Set(needles)] : null;
  } catch {
    return null;
  }
}

class Reader {
  at = 0;
  constructor(readonly src: string) {}
  get done(): boolean {
    return this.at >= this.src.length;
  }
  peek(offset = 0): string {
    return this.src[this.at + offset] ?? '';
  }
}

/** `a|b|c` up to the end or an unmatched ")": the union of each alternative's needles. */
function alternation(r: Reader): string[] | null {
  const all: string[] = [];
  let ok = true;
  for (;;) {
    const needles = sequence(r);
    if (needles === null) ok = false;
    else all.push(...needles);
    if (r.peek() === '|') {
      r.at++;
      continue;
    }
    return ok ? all : null;
  }
}

/**
 * One alternative: the required literal runs and required groups it is made of. It answers
 * with the most selective of them (the one whose shortest needle is longest).
 */
function sequence(r: Reader): string[] | null {
  let best: string[] | null = null;
  let run = '';
  const offer = (candidate: string[] | null) => {
    if (!candidate?.every(indexable)) return;
    if (
      !best ||
      shortest(candidate) > shortest(best) ||
      (shortest(candidate) === shortest(best) && candidate.length < best.length)
    )
      best = candidate;
  };
  const endRun = () => {
    offer(run ? [run] : null);
    run = '';
  };
  while (!r.done && r.peek() !== '|' && r.peek() !== ')') {
    const c = r.peek();
    let literal: string | null = null;
    let inner: string[] | null = null;
    if (c === '\\') {
      const e = r.peek(1);
      r.at += 2;
      if (/[./\-()[\]?*+|\\$^{}'"#:;,!@%&=<>~`\s]/.test(e)) literal = e;
      else if (/[ux]/.test(e)) r.at += e === 'x' ? 2 : r.peek() === '{' ? r.src.indexOf('}', r.at) - r.at + 1 : 4;
      else if (e === 'c') r.at += 1;
      else if (/[pP]/.test(e) && r.peek() === '{') r.at = r.src.indexOf('}', r.at) + 1;
      else if (e === 'k' && r.peek() === '<') r.at = r.src.indexOf('>', r.at) + 1;
      // \b \B \d \w \s \1 \n …: not a literal character.
    } else if (c === '[') {
      skipClass(r);
    } else if (c === '(') {
      r.at++;
      const look = /^\?(?:[=!]|<[=!])/.exec(r.src.slice(r.at, r.at + 3));
      if (look) {
        // A lookaround matches no text: its words are not required.
        r.at += look[0].length;
        alternation(r);
      } else {
        if (r.peek() === '?') {
          // (?: …) or (?<name> …)
          r.at += r.peek(1) === '<' ? r.src.indexOf('>', r.at) - r.at + 1 : 2;
        }
        inner = alternation(r);
      }
      if (r.peek() !== ')') throw new Error('unbalanced group');
      r.at++;
    } else if (c === '.' || c === '^' || c === '$') {
      r.at++;
    } else {
      literal = c;
      r.at++;
    }
    const q = quantifier(r);
    if (literal !== null && q !== 'optional') {
      run += literal;
      if (q === 'repeated') endRun();
    } else {
      endRun();
      if (inner && q !== 'optional') offer(inner);
    }
  }
  endRun();
  return best;
}

function shortest(needles: string[]): number {
  return Math.min(...needles.map((n) => n.length));
}

function skipClass(r: Reader): void {
  r.at++;
  if (r.peek() === '^') r.at++;
  if (r.peek() === ']') r.at++;
  while (!r.done && r.peek() !== ']') r.at += r.peek() === '\\' ? 2 : 1;
  if (r.done) throw new Error('unbalanced class');
  r.at++;
}

/** The quantifier after an atom: none, one that may skip it, or one that repeats it. */
function quantifier(r: Reader): 'none' | 'optional' | 'repeated' {
  const c = r.peek();
  let kind: 'none' | 'optional' | 'repeated' = 'none';
  if (c === '?' || c === '*') {
    r.at++;
    kind = 'optional';
  } else if (c === '+') {
    r.at++;
    kind = 'repeated';
  } else if (c === '{') {
    const m = /^\{(\d*)(,?)(\d*)\}/.exec(r.src.slice(r.at));
    if (!m) return 'none'; // a literal "{"
    r.at += m[0].length;
    kind = Number(m[1] || 0) === 0 ? 'optional' : 'repeated';
  }
  if (kind !== 'none' && r.peek() === '?') r.at++; // lazy
  return kind;
}

/**
 * The needles of a list of patterns, indexed by their first three characters: one pass over
 * a text says which patterns could match it.
 */
export class Prefilter {
  /** Needles that start with three ASCII characters, by those characters as one number (asciiTriple). */
  private readonly byTriple = new Map<number, Array<{ needle: string; pattern: number }>>();
  /**
   * Whether some needle starts with these two ASCII characters (16 KB, in the first-level
   * cache), then whether one in byTriple starts with these three (one bit a triple, 256 KB):
   * nearly every position of a text stops at one of these lookups, without hashing. (A byte
   * a triple, 2 MB, missed the caches at every position: 40% of this loop's time.)
   */
  private readonly pairStarts = new Uint8Array(1 << 14);
  private readonly tripleStarts = new Int32Array(1 << 16);
  /** Needles with a character outside ASCII in their first three, by a hash of those three. */
  private readonly byKey = new Map<number, Array<{ needle: string; pattern: number }>>();
  /** Two-character needles (not ASCII), by those two characters. */
  private readonly byPair = new Map<number, number[]>();
  /** Patterns with no needles: always tried. */
  private readonly always: Uint8Array;
  /** What candidates() returns, reused: allocating it cost more than reading a short text. */
  private readonly scratch: Uint8Array;

  constructor(patterns: Array<RegExp | undefined>) {
    this.always = new Uint8Array(patterns.length);
    this.scratch = new Uint8Array(patterns.length);
    patterns.forEach((re, i) => {
      const needles = re ? requiredNeedles(re) : null;
      if (!needles) {
        this.always[i] = 1;
        return;
      }
      for (const needle of needles) {
        if (needle.length === 2) {
          const pair = (needle.charCodeAt(0) * 65599 + needle.charCodeAt(1)) & 0x3fffffff;
          this.byPair.set(pair, [...(this.byPair.get(pair) ?? []), i]);
          continue;
        }
        const triple = asciiTriple(needle, 0);
        const [index, key] = triple >= 0 ? [this.byTriple, triple] : [this.byKey, keyAt(needle, 0)];
        const [c0, c1] = [needle.charCodeAt(0), needle.charCodeAt(1)];
        if ((c0 | c1) < 128) this.pairStarts[(c0 << 7) | c1] = 1;
        if (triple >= 0) this.tripleStarts[triple >>> 5]! |= 1 << (triple & 31);
        let list = index.get(key);
        if (!list) {
          list = [];
          index.set(key, list);
        }
        list.push({ needle, pattern: i });
      }
    });
  }

  /**
   * 1 for each pattern that could match `text`, 0 for those that cannot. The array is this
   * prefilter's own, valid until its next call: read it before asking again.
   */
  candidates(text: string): Uint8Array {
    const possible = this.scratch;
    possible.set(this.always);
    const n = text.length;
    for (let i = 0; i + 1 < n; i++) {
      const c0 = text.charCodeAt(i);
      const c1 = text.charCodeAt(i + 1);
      // No needle starts with these two ASCII characters: most positions end here.
      if ((c0 | c1) < 128 && !this.pairStarts[(c0 << 7) | c1]) continue;
      const c2 = i + 2 < n ? text.charCodeAt(i + 2) : 0x10000;
      let list: Array<{ needle: string; pattern: number }> | undefined;
      if ((c0 | c1 | c2) < 128) {
        const triple = (c0 << 14) | (c1 << 7) | c2;
        if (!((this.tripleStarts[triple >>> 5]! >>> (triple & 31)) & 1)) continue;
        list = this.byTriple.get(triple);
      } else {
        if (c0 > 0x7f && this.byPair.size) {
          // (A pair whose hash is another's only makes a pattern tried, never skipped.)
          for (const pattern of this.byPair.get((c0 * 65599 + c1) & 0x3fffffff) ?? []) possible[pattern] = 1;
        }
        if (i + MIN_NEEDLE > n) break;
        list = this.byKey.get(keyAt(text, i));
      }
      if (!list) continue;
      for (let k = 0; k < list.length; k++) {
        const { needle, pattern } = list[k]!;
        if (!possible[pattern] && text.startsWith(needle, i)) possible[pattern] = 1;
      }
    }
    return possible;
  }
}

/** Three ASCII characters from `at` as one number below 2^21, or -1 if one is not ASCII. */
function asciiTriple(text: string, at: number): number {
  const [c0, c1, c2] = [text.charCodeAt(at), text.charCodeAt(at + 1), text.charCodeAt(at + 2)];
  return (c0 | c1 | c2) < 128 ? (c0 << 14) | (c1 << 7) | c2 : -1;
}

/**
 * A hash of three UTF-16 code units from `at`, small enough to be a tagged integer (a
 * 48-bit key would be a heap number: slow to hash). Needles are checked in full anyway.
 */
function keyAt(text: string, at: number): number {
  return ((text.charCodeAt(at) * 65599 + text.charCodeAt(at + 1)) * 65599 + text.charCodeAt(at + 2)) & 0x3fffffff;
}
