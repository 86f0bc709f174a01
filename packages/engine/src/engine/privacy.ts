import { z } from 'zod';
import type { Item, RedactionPattern } from '@tributary/sdk';
import { TributaryError } from '@tributary/sdk/errors';
import type { KvStore, MemoryRecord } from '../store/types.js';
import { LinearRegExp, UnsupportedRegexError } from './linear-regex.js';

/*
 * Privacy rules users control: redaction patterns (replaced by [REDACTED] before storage) and exclusion rules (an
 * item whose author, container or text matches is never stored; one stored before is tombstoned). Global, or per
 * source (`sources`: ids or names). Kept per user in the store (kv namespace `privacy`), so the CLI, the API and
 * `apply` edit the same rules and every worker applies them at its next page.
 */
const pattern = z
  .string()
  .min(1)
  .max(500)
  .describe('A regular expression (no slashes), run in linear time: no backreferences or lookaround');
const flags = z
  .string()
  .regex(/^[imsu]*$/, 'only i, m, s, u')
  .optional()
  .describe('Regex flags; g is always on');
const sources = z
  .array(z.string().min(1))
  .max(100)
  .optional()
  .describe('Only these sources (ids or names); all when absent');

export const RedactRuleSchema = z.object({ pattern, flags, sources, name: z.string().max(100).optional() }).strict();
export const ExcludeRuleSchema = z
  .object({ field: z.enum(['author', 'container', 'text']), pattern, flags, sources })
  .strict();
export const PrivacyRulesSchema = z
  .object({
    redact: z.array(RedactRuleSchema).max(200).default([]),
    exclude: z.array(ExcludeRuleSchema).max(200).default([]),
  })
  .strict();
export type PrivacyRules = z.output<typeof PrivacyRulesSchema>;
export type ExcludeRule = z.output<typeof ExcludeRuleSchema>;

export const EMPTY_RULES: PrivacyRules = { redact: [], exclude: [] };
const NS = 'privacy';
const FOREVER = 100 * 365 * 24 * 3600_000;

/**
 * Compiles a user regex on the linear-time engine (see linear-regex.ts), or `invalid_input` naming where it is:
 * not a regex at all, or syntax that cannot run in linear time (backreferences, lookaround).
 */
export function compileRegex(source: string, f: string | undefined, path: string): RegExp {
  try {
    return new LinearRegExp(source, `g${f ?? ''}`);
  } catch (err) {
    const unsupported = err instanceof UnsupportedRegexError;
    const reason = unsupported
      ? `uses syntax the linear-time engine does not run (${err.message}); backreferences and lookaround are not supported`
      : `not a valid regular expression (${(err as Error).message})`;
    throw new TributaryError('invalid_input', `${path}: ${reason}.`, {
      cause: err,
      issues: [{ path, message: unsupported ? 'unsupported regular expression syntax' : 'invalid regular expression' }],
    });
  }
}

/** Validates rules (schema and every regex). @throws `invalid_input` */
export function parsePrivacyRules(raw: unknown): PrivacyRules {
  const parsed = PrivacyRulesSchema.safeParse(raw);
  if (!parsed.success)
    throw new TributaryError('invalid_input', `Invalid privacy rules: ${parsed.error.issues[0]?.message}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.join('.') || 'rules', message: i.message })),
    });
  parsed.data.redact.forEach((r, i) => compileRegex(r.pattern, r.flags, `redact.${i}.pattern`));
  parsed.data.exclude.forEach((r, i) => compileRegex(r.pattern, r.flags, `exclude.${i}.pattern`));
  return parsed.data;
}

export async function loadPrivacyRules(store: Pick<KvStore, 'kvGet'>, ownerId: string): Promise<PrivacyRules> {
  return (await store.kvGet<PrivacyRules>(NS, ownerId)) ?? EMPTY_RULES;
}

export async function savePrivacyRules(
  store: Pick<KvStore, 'kvPut'>,
  ownerId: string,
  raw: unknown,
): Promise<PrivacyRules> {
  const rules = parsePrivacyRules(raw);
  await store.kvPut(NS, ownerId, rules, FOREVER);
  return rules;
}

export interface CompiledPrivacy {
  redactionPatterns: RedactionPattern[];
  exclude: Array<{ field: ExcludeRule['field']; pattern: RegExp }>;
}

/** The rules that apply to one source. */
export function compilePrivacy(rules: PrivacyRules, source: { id: string; name: string }): CompiledPrivacy {
  const applies = (s: string[] | undefined): boolean => !s?.length || s.includes(source.id) || s.includes(source.name);
  return {
    redactionPatterns: rules.redact
      .filter((r) => applies(r.sources))
      .map((r, i) => ({ name: r.name ?? `user-${i}`, pattern: compileRegex(r.pattern, r.flags, `redact.${i}`) })),
    exclude: rules.exclude
      .filter((r) => applies(r.sources))
      .map((r, i) => ({ field: r.field, pattern: compileRegex(r.pattern, r.flags, `exclude.${i}`) })),
  };
}

const test = (re: RegExp, value: string | null | undefined): boolean => {
  if (!value) return false;
  re.lastIndex = 0;
  return re.test(value);
};

/** Whether an exclusion rule drops this item (raw item or stored memory). */
export function isExcluded(
  exclude: CompiledPrivacy['exclude'],
  item: Pick<Item, 'author' | 'container' | 'content' | 'title'> | MemoryRecord,
): boolean {
  return exclude.some((r) =>
    r.field === 'author'
      ? test(r.pattern, item.author)
      : r.field === 'container'
        ? test(r.pattern, item.container)
        : test(r.pattern, item.content) || test(r.pattern, item.title),
  );
}

/** The pipeline options of a source's privacy rules, on top of the engine's own redaction patterns. */
export async function privacyPipelineOptions(
  store: Pick<KvStore, 'kvGet'>,
  source: { id: string; name: string; ownerId: string },
  base: RedactionPattern[] | undefined,
): Promise<{ redactionPatterns: RedactionPattern[]; exclude: CompiledPrivacy['exclude'] }> {
  const compiled = compilePrivacy(await loadPrivacyRules(store, source.ownerId), source);
  return { redactionPatterns: [...(base ?? []), ...compiled.redactionPatterns], exclude: compiled.exclude };
}
