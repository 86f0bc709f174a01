import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { TributaryError, formatIssues, suggestKey, zodIssues, type ErrorIssue } from '@tributary/sdk';
import { interpolate, type InterpolationSources } from './interpolate.js';
import {
  ConfigFileSchema,
  DeclaredScheduleKeys,
  DeclaredSourceSchema,
  DeclaredUserSchema,
  type ConfigFile,
} from './schema.js';

export type ConfigFormat = 'json' | 'yaml';

/** Picks the parser by extension: `.json` is JSON, anything else YAML (which also reads JSON). */
export function formatOf(filePath: string): ConfigFormat {
  return path.extname(filePath).toLowerCase() === '.json' ? 'json' : 'yaml';
}

/**
 * Parses, interpolates and validates a config document.
 * @throws TributaryError `invalid_config` with the line (syntax) or the field path (schema) and the reason
 */
export function parseConfigText(
  text: string,
  format: ConfigFormat,
  sources: InterpolationSources,
  label = 'config file',
): ConfigFile {
  const raw = format === 'json' ? parseJson(text, label) : parseYaml(text, label);
  const resolved = interpolate(raw ?? {}, sources);
  const result = ConfigFileSchema.safeParse(resolved);
  if (!result.success) {
    const issues = result.error.issues.flatMap(withSuggestions);
    throw new TributaryError('invalid_config', `${label} is invalid: ${formatIssues(issues)}`, { issues });
  }
  return result.data;
}

/**
 * Reads and validates a config file from disk. `${file:…}` paths resolve against the file's directory.
 * @throws TributaryError `not_found` when the file is missing, `invalid_config` when it is invalid
 */
export function loadConfigFile(filePath: string, env: Record<string, string | undefined>): ConfigFile {
  let text: string;
  try {
    text = readFileSync(filePath, 'utf8');
  } catch (err) {
    throw new TributaryError(
      'not_found',
      `Cannot read config file ${filePath}: ${(err as Error).message}. Create one with \`tributary init\` or pass -f <file>.`,
      { cause: err },
    );
  }
  return parseConfigText(
    text,
    formatOf(filePath),
    { env, readFile: (p) => readFileSync(p, 'utf8'), baseDir: path.dirname(path.resolve(filePath)) },
    filePath,
  );
}

function parseJson(text: string, label: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new TributaryError('invalid_config', `${label} is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

function parseYaml(text: string, label: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = first.linePos?.[0];
    const where = line ? ` (line ${line.line}, column ${line.col})` : '';
    throw new TributaryError('invalid_config', `${label} is not valid YAML${where}: ${first.message.split('\n')[0]}`, {
      cause: first,
    });
  }
  return doc.toJS();
}

/** The keys a level of the file accepts, by its path (`[]`, `['sources', 0]`, `['sources', 0, 'schedule']`). */
function knownKeysAt(path: ReadonlyArray<PropertyKey>): readonly string[] {
  const p = path.map((x) => (typeof x === 'number' ? '#' : String(x))).join('.');
  if (p === '') return ['version', 'connectors', 'sources', 'users', 'privacy'];
  if (p === 'sources.#') return Object.keys(DeclaredSourceSchema.shape);
  if (p === 'sources.#.schedule') return DeclaredScheduleKeys;
  if (p === 'users.#') return Object.keys(DeclaredUserSchema.shape);
  return [];
}

/** One issue per unknown key of the file itself, naming the key meant (`did you mean "schedule"?`). */
function withSuggestions(issue: {
  code?: string;
  path: ReadonlyArray<PropertyKey>;
  message: string;
  keys?: string[];
}): ErrorIssue[] {
  if (issue.code !== 'unrecognized_keys' || !issue.keys) return zodIssues([issue]);
  const known = knownKeysAt(issue.path);
  return issue.keys.map((key) => {
    const meant = suggestKey(key, known);
    return {
      path: zodIssues([{ path: [...issue.path, key], message: '' }])[0]!.path,
      message: meant ? `unknown key (did you mean "${meant}"?)` : `unknown key (known: ${known.join(', ')})`,
    };
  });
}
