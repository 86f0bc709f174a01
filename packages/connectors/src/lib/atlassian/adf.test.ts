import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createSchemaValidator, testdataPath } from '../../../../../test/twins/kit/index.js';
import { ADF_EVERYTHING_MARKDOWN, adfEverything, doc, para, text } from '../../../../../test/twins/atlassian/adf.js';
import { adfMentions, adfToMarkdown } from './adf.js';

const schema = JSON.parse(readFileSync(testdataPath('specs', 'atlassian', 'adf-schema.json'), 'utf8')) as {
  definitions: Record<string, { properties?: { type?: { enum?: string[] } } }>;
};
// The schema is draft-04 (`$schema`); its keywords here are the same in the draft Ajv speaks.
const { $schema: _draft, ...body } = schema as unknown as Record<string, unknown>;
const validator = createSchemaValidator(body);

/** Node and mark type names the schema defines (`enum` of each `*_node` / `*_mark` definition's `type`). */
function schemaTypes(suffix: '_node' | '_mark'): Set<string> {
  const out = new Set<string>();
  for (const [name, def] of Object.entries(schema.definitions))
    if (name.endsWith(suffix)) for (const t of def.properties?.type?.enum ?? []) out.add(t);
  return out;
}

function usedTypes(node: unknown, nodes = new Set<string>(), marks = new Set<string>()) {
  const n = node as { type: string; content?: unknown[]; marks?: Array<{ type: string }> };
  nodes.add(n.type);
  for (const m of n.marks ?? []) marks.add(m.type);
  for (const c of n.content ?? []) usedTypes(c, nodes, marks);
  return { nodes, marks };
}

describe('ADF to Markdown', () => {
  const everything = adfEverything('acc-ada');

  it('the fixture is a valid ADF document using every node type and mark of the schema', () => {
    expect(validator.validate('#/definitions/doc_node', everything)).toEqual([]);
    const used = usedTypes(everything);
    expect([...schemaTypes('_node')].filter((t) => !used.nodes.has(t))).toEqual([]);
    expect([...schemaTypes('_mark')].filter((t) => !used.marks.has(t))).toEqual([]);
    // The validator does reject what the schema forbids.
    expect(validator.validate('#/definitions/doc_node', doc({ type: 'rule', content: [] })).length).toBeGreaterThan(0);
  });

  it('renders every node type: mentions, code, tables, panels, media as links, expands, macros with text', () => {
    expect(adfToMarkdown(everything)).toBe(ADF_EVERYTHING_MARKDOWN);
    const withUrls = adfToMarkdown(everything, {
      mediaUrl: (a) => (a.alt === 'diagram.png' ? 'https://site/attachment/1' : undefined),
    });
    expect(withUrls).toContain('[📎 diagram.png](https://site/attachment/1)\n_Architecture_');
    expect(adfToMarkdown(everything)).not.toMatch(/"type"|\{"|attrs/);
  });

  it('fills mention names from the caller, tolerates strings, null and unknown nodes', () => {
    const d = doc(para(text('Hi '), { type: 'mention', attrs: { id: 'acc-x' } }), {
      type: 'someFutureNode',
      content: [para(text('still readable'))],
    });
    expect(adfToMarkdown(d, { userName: (id) => (id === 'acc-x' ? 'Grace' : undefined) })).toBe(
      'Hi @Grace\n\nstill readable',
    );
    expect(adfMentions(d)).toEqual(['acc-x']);
    expect(adfToMarkdown('plain old text')).toBe('plain old text');
    expect(adfToMarkdown(null)).toBe('');
    expect(adfToMarkdown({ nope: true })).toBe('');
  });
});
