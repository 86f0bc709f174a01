import path from 'node:path';
import { TributaryError, type ErrorIssue } from '@tributary/sdk';

/** Where interpolation reads from; injected so the function stays pure and testable. */
export interface InterpolationSources {
  env: Record<string, string | undefined>;
  /** Reads a referenced file (utf-8). */
  readFile: (absolutePath: string) => string;
  /** Relative `${file:…}` paths resolve against this directory (the config file's). */
  baseDir: string;
}

// `$${…}` escapes a literal `${…}`; otherwise `${NAME}`, `${NAME:-default}` or `${file:path}`.
const REFERENCE = /\$(\$?)\{([^}]*)\}/g;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${ENV}`, `${ENV:-default}` and `${file:/path}` in every string of a parsed config document.
 * Values stay strings; keys are never interpolated. Every unresolved reference is reported, with its path.
 * @throws TributaryError `invalid_config` listing each unresolved reference
 */
export function interpolate(document: unknown, sources: InterpolationSources): unknown {
  const issues: ErrorIssue[] = [];
  const result = walk(document, [], sources, issues);
  if (issues.length > 0) {
    throw new TributaryError(
      'invalid_config',
      `Config file has unresolved references: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { issues },
    );
  }
  return result;
}

function walk(node: unknown, at: Array<string | number>, sources: InterpolationSources, issues: ErrorIssue[]): unknown {
  if (typeof node === 'string') return interpolateString(node, at, sources, issues);
  if (Array.isArray(node)) return node.map((child, i) => walk(child, [...at, i], sources, issues));
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = walk(value, [...at, key], sources, issues);
    return out;
  }
  return node;
}

function interpolateString(
  text: string,
  at: Array<string | number>,
  sources: InterpolationSources,
  issues: ErrorIssue[],
): string {
  const where = at.length > 0 ? at.join('.') : '(root)';
  return text.replace(REFERENCE, (whole, escape: string, body: string) => {
    if (escape) return whole.slice(1);
    if (body.startsWith('file:')) {
      const target = body.slice('file:'.length).trim();
      if (!target) {
        issues.push({ path: where, message: '${file:} needs a path' });
        return '';
      }
      const absolute = path.resolve(sources.baseDir, target);
      try {
        // A trailing newline is almost always the editor's, not part of the secret.
        return sources.readFile(absolute).replace(/\r?\n$/, '');
      } catch (err) {
        issues.push({ path: where, message: `cannot read file ${absolute}: ${(err as Error).message}` });
        return '';
      }
    }
    const sep = body.indexOf(':-');
    const name = sep === -1 ? body : body.slice(0, sep);
    if (!ENV_NAME.test(name)) {
      issues.push({
        path: where,
        message: `"\${${body}}" is not a valid reference (use \${NAME}, \${NAME:-default} or \${file:/path})`,
      });
      return '';
    }
    const value = sources.env[name];
    if (value !== undefined && value !== '') return value;
    if (sep !== -1) return body.slice(sep + 2);
    issues.push({
      path: where,
      message: `environment variable ${name} is not set (set it, or write \${${name}:-default})`,
    });
    return '';
  });
}
