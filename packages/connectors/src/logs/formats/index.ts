import { elbParser } from './elb.js';
import { jsonParser } from './json.js';
import { atlassianParser, combinedParser } from './text.js';
import type { LineParser, LogFormat, ParserState } from './types.js';
import { w3cParser } from './w3c.js';

export * from './types.js';

export const PARSERS: Record<LogFormat, LineParser> = {
  combined: combinedParser,
  json: jsonParser,
  elb: elbParser,
  w3c: w3cParser,
  atlassian: atlassianParser,
};

/**
 * Picks the format that parses the most of a file's first lines. Returns undefined when none parses any request
 * (not an access log, or a format we do not read).
 */
export function detectFormat(sample: string[]): LogFormat | undefined {
  let best: { format: LogFormat; hits: number } | undefined;
  for (const parser of Object.values(PARSERS)) {
    const state: ParserState = {};
    let hits = 0;
    for (const line of sample) {
      const r = parser.parse(line, state);
      if (r && r !== 'directive') hits++;
    }
    if (hits > 0 && (!best || hits > best.hits)) best = { format: parser.format, hits };
  }
  return best?.format;
}
