import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createSchemaValidator, pointerSegment, testdataPath, type Exchange } from '../kit/index.js';

let validator: ReturnType<typeof createSchemaValidator> | undefined;

/** The pointer of a twin route's answer in Ollama's OpenAPI description (errors: its `ErrorResponse`). */
function pointerOf(x: Exchange): string | undefined {
  if (x.status >= 400) return x.route === 'openai.embeddings' ? undefined : '#/components/schemas/ErrorResponse';
  const op: Record<string, [string, string]> = {
    embed: ['/api/embed', 'post'],
    tags: ['/api/tags', 'get'],
    show: ['/api/show', 'post'],
    version: ['/api/version', 'get'],
  };
  const at = op[x.route];
  return at && `#/paths/${pointerSegment(at[0])}/${at[1]}/responses/200/content/application~1json/schema`;
}

/**
 * Problems of the twin's recorded answers against Ollama's published OpenAPI description
 * (`testdata/specs/ollama/openapi.yaml`); empty when every answer validates. The OpenAI-compatible route is not in
 * that description and is skipped.
 */
export function ollamaSpecProblems(exchanges: readonly Exchange[]): string[] {
  validator ??= createSchemaValidator(parse(readFileSync(testdataPath('specs', 'ollama', 'openapi.yaml'), 'utf8')));
  const problems: string[] = [];
  for (const x of exchanges) {
    const pointer = pointerOf(x);
    if (!pointer) continue;
    for (const p of validator.validate(pointer, x.body)) problems.push(`${x.method} ${x.path} ${x.status}: ${p}`);
  }
  return problems;
}
