/**
 * Secret redaction shared by the logger, the HTTP helper, error serialization and the pipeline.
 * Two layers: exact known secret values (credentials of the source), and patterns that look like secrets.
 */

export interface RedactionPattern {
  name: string;
  pattern: RegExp;
}

export const REDACTED = '[REDACTED]';

/**
 * Patterns for credentials that commonly leak into messages, notes and logs. Conservative on purpose: each one
 * has a recognisable prefix or structure so ordinary prose is never eaten.
 */
export const DEFAULT_SECRET_PATTERNS: RedactionPattern[] = [
  { name: 'private_key', pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g },
  { name: 'aws_access_key', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g },
  { name: 'github_token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { name: 'slack_token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { name: 'slack_webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/]+/g },
  { name: 'openai_key', pattern: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}\b/g },
  { name: 'google_api_key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { name: 'stripe_key', pattern: /\b(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,}\b/g },
  { name: 'jwt', pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g },
  { name: 'bearer', pattern: /\b(Bearer)\s+[A-Za-z0-9._~+/-]{16,}=*/g },
  {
    name: 'password_assignment',
    pattern:
      /\b(password|passwd|secret|api[_-]?key|access[_-]?token)(\s*[=:]\s*)("[^"\s]{6,}"|'[^'\s]{6,}'|[^\s"',;]{6,})/gi,
  },
];

/** Cheap pre-check: most text has none of these markers, so the regexes never run on it. */
const MARKERS =
  /-----BEGIN|AKIA|ASIA|gh[pousr]_|github_pat_|xox|hooks\.slack|sk-|AIza|_live_|_test_|eyJ|Bearer|password|passwd|secret|api.?key|access.?token/i;

export interface Redactor {
  (text: string): string;
  /** True when the text was changed by the last call (for counting redactions). */
}

/**
 * Builds a redactor for known secret values plus patterns.
 * @param secrets exact values to hide (shorter than 4 characters are ignored: they would hide ordinary words)
 */
export function createRedactor(
  secrets: Iterable<string> = [],
  patterns: RedactionPattern[] = DEFAULT_SECRET_PATTERNS,
): (text: string) => string {
  const values = [...new Set([...secrets].filter((s) => typeof s === 'string' && s.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  const usePatterns = patterns.length > 0;
  const marker = patterns === DEFAULT_SECRET_PATTERNS ? MARKERS : null;
  return (text: string): string => {
    let out = text;
    for (const v of values) if (out.includes(v)) out = out.split(v).join(REDACTED);
    if (usePatterns && (marker === null || marker.test(out))) {
      for (const { name, pattern } of patterns) {
        pattern.lastIndex = 0;
        if (name === 'password_assignment')
          out = out.replace(pattern, (_m, k: string, sep: string) => `${k}${sep}${REDACTED}`);
        else if (name === 'bearer') out = out.replace(pattern, `$1 ${REDACTED}`);
        else out = out.replace(pattern, REDACTED);
      }
    }
    return out;
  };
}

const SECRET_KEY =
  /(pass(word)?|secret|token|api[_-]?key|authorization|cookie|credential|private[_-]?key|client[_-]?secret|refresh)/i;

/** Deep-copies a value for logging/serialization with secret-looking keys and known values hidden. */
export function redactValue(value: unknown, redact: (s: string) => string = createRedactor(), depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redact(value.message),
      ...((value as any).code ? { code: (value as any).code } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] =
      SECRET_KEY.test(k) && v !== null && v !== undefined && typeof v !== 'boolean' && typeof v !== 'number'
        ? REDACTED
        : redactValue(v, redact, depth + 1);
  }
  return out;
}

/** True for a field name that holds a secret by convention (`password`, `clientSecret`, `apiKey` …). */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}
