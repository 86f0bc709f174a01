import { RE2JS } from 're2js';

/*
 * User-written regular expressions (privacy redaction/exclusion rules, `purge --match`) run on the API's event loop
 * and in every sync. V8's backtracking engine takes exponential time on patterns such as `(a+)+$`, so one hostile
 * rule would stall the server. These patterns run on RE2JS instead (a pure-JS port of RE2: time linear in the
 * input, whatever the pattern); syntax RE2 cannot run in linear time (backreferences, lookaround) is refused.
 *
 * `LinearRegExp` is a RegExp whose `exec` is RE2JS's: String.prototype.replace/match/matchAll and RegExp#test all
 * go through `exec` for a subclass, so code written for RegExp (the pipeline's redactor) uses the linear engine
 * without knowing it. `source` and `flags` stay those the user wrote (they feed the pipeline's content salt).
 */

export class UnsupportedRegexError extends Error {}

const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  u: 0, // RE2 always matches by code point
  g: 0,
};

export class LinearRegExp extends RegExp {
  readonly #re: RE2JS;
  // One matcher per input string: a global replace calls exec once per match on the same string.
  #input: string | undefined;
  #matcher: ReturnType<RE2JS['matcher']> | undefined;

  /** @throws SyntaxError (not a JavaScript regex) or UnsupportedRegexError (not runnable in linear time) */
  constructor(pattern: string | RegExp, flags = '') {
    // matchAll/split build a copy through the species, passing the RegExp itself.
    const source = typeof pattern === 'string' ? pattern : pattern.source;
    super(source, flags);
    let bits = 0;
    for (const f of flags) {
      const bit = FLAG_BITS[f];
      if (bit === undefined) throw new UnsupportedRegexError(`flag ${f} is not supported`);
      bits |= bit;
    }
    try {
      this.#re = RE2JS.compile(source, bits);
    } catch (err) {
      throw new UnsupportedRegexError((err as Error).message.replace(/^error parsing regexp: /, ''));
    }
  }

  // RegExp methods that build a new instance (split, matchAll) construct through the species: keep it linear.
  static override get [Symbol.species](): RegExpConstructor {
    return LinearRegExp as unknown as RegExpConstructor;
  }

  override exec(input: string): RegExpExecArray | null {
    const str = String(input);
    const from = this.global ? this.lastIndex : 0;
    if (from > str.length) return this.#miss();
    if (this.#input !== str || !this.#matcher) {
      this.#input = str;
      this.#matcher = this.#re.matcher(str);
    }
    const m = this.#matcher;
    if (!m.find(from)) return this.#miss();
    const groups: Array<string | undefined> = [];
    for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g) ?? undefined);
    const result = groups as unknown as RegExpExecArray;
    result.index = m.start();
    result.input = str;
    const named = Object.entries(this.#re.namedGroups());
    if (named.length) {
      const out: Record<string, string | undefined> = Object.create(null);
      for (const [name, i] of named) out[name] = groups[i];
      result.groups = out as Record<string, string>; // an unmatched group is undefined, as in V8
    } else result.groups = undefined;
    if (this.global) this.lastIndex = m.end();
    return result;
  }

  #miss(): null {
    if (this.global) this.lastIndex = 0;
    this.#input = undefined;
    this.#matcher = undefined;
    return null;
  }
}
