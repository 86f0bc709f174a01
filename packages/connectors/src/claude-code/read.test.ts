import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { collectPages, createTestContext } from '@tributary/sdk/testing';
import { createMemoryState, type Item, type MemoryConnectorState } from '@tributary/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaudeCodeCheckpoint } from './checkpoint.js';
import { claudeCodeConnector } from './index.js';
import { summarizeToolUse } from './map.js';
import { createSession } from './test-support/transcript.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tributary-claude-code-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Connector state as the engine keeps it: committed with each page, carried to the read that resumes. */
let state: MemoryConnectorState = createMemoryState();

async function read(
  config: Record<string, unknown>,
  checkpoint?: ClaudeCodeCheckpoint,
  since?: Date,
): Promise<{ items: Item[]; checkpoint: ClaudeCodeCheckpoint; errors: unknown[] }> {
  const ctx = createTestContext(claudeCodeConnector, {
    config: { projectsDir: dir, ...config },
    ...(checkpoint ? { checkpoint, state } : {}),
    ...(since ? { since } : {}),
  });
  const pages = await collectPages(claudeCodeConnector, ctx);
  state = ctx.state as MemoryConnectorState;
  return {
    items: pages.flatMap((p) => p.items ?? []),
    checkpoint: pages.at(-1)!.checkpoint,
    errors: pages.flatMap((p) => p.errors ?? []),
  };
}

describe('summarizeToolUse', () => {
  it('shows the argument that matters per tool', () => {
    expect(summarizeToolUse('Bash', { command: 'npm test', description: 'run tests' })).toBe('→ Bash: npm test');
    expect(summarizeToolUse('Edit', { file_path: '/src/a.ts', old_string: 'x', new_string: 'y' })).toBe(
      '→ Edit: /src/a.ts',
    );
    expect(summarizeToolUse('Grep', { pattern: 'TODO', path: 'src' })).toBe('→ Grep: TODO');
    expect(summarizeToolUse('mcp__db__query', { sql: 'select 1' })).toBe('→ mcp__db__query: {"sql":"select 1"}');
  });
});

describe('claude-code read', () => {
  it('one memory per turn: prompt, answer, tool calls as one line, results cut; appended turns read incrementally', async () => {
    const project = path.join(dir, '-home-ada-src-shop');
    mkdirSync(project);
    const file = path.join(project, 'b7c1e0de-0000-4000-8000-000000000001.jsonl');
    const s = createSession('b7c1e0de-0000-4000-8000-000000000001');
    writeFileSync(
      file,
      s.summary('Fix failing checkout test') +
        s.snapshot() +
        s.meta('<command-name>/init</command-name>') +
        s.prompt('Why does the checkout test fail?') +
        s.say('Let me run the tests.') +
        s.tool('Bash', { command: 'npm test -- checkout' }, `FAIL checkout.test.ts\n${'x'.repeat(1000)}`) +
        s.say('The total is rounded twice.') +
        s.promptBlocks('Fix it please') +
        s.tool('Edit', { file_path: '/home/ada/src/shop/cart.ts', old_string: 'a', new_string: 'b' }, 'ok'),
    );
    const first = await read({ maxToolResultChars: 40 });
    expect(first.items.map((i) => i.title)).toEqual(['Why does the checkout test fail?', 'Fix it please']);
    const t1 = first.items[0]!;
    expect(t1.content).toBe(
      [
        '**User:** Why does the checkout test fail?',
        `**Assistant:** Let me run the tests.\n→ Bash: npm test -- checkout\n  ← FAIL checkout.test.ts ${'x'.repeat(18)}…\nThe total is rounded twice.`,
      ].join('\n\n'),
    );
    expect(t1).toMatchObject({
      thread: 'b7c1e0de-0000-4000-8000-000000000001',
      container: '/home/ada/src/shop',
      contentType: 'markdown',
      stream: 'turns',
    });
    expect(t1.metadata).toMatchObject({ toolCalls: 1, gitBranch: 'main', model: 'claude-sonnet-4-5' });

    // nothing new: nothing read
    expect((await read({ maxToolResultChars: 40 }, first.checkpoint)).items).toEqual([]);

    // the last turn continues (Claude answers), then a new prompt starts — plus half a line still being written
    appendFileSync(
      file,
      s.say('Done: cart.ts rounds once now.') + s.prompt('Commit it') + s.say('Committed.').slice(0, 40),
    );
    const second = await read({ maxToolResultChars: 40 }, first.checkpoint);
    expect(second.items.map((i) => i.title)).toEqual(['Fix it please', 'Commit it']);
    expect(second.items[0]!.externalId).toBe(first.items[1]!.externalId); // a new version of the same turn
    expect(second.items[0]!.content).toContain('Done: cart.ts rounds once now.');
    expect(second.items[1]!.content).toBe('**User:** Commit it');
  });

  it('session granularity: one memory per session titled by its summary, re-emitted when it grows', async () => {
    const project = path.join(dir, '-srv-api');
    mkdirSync(project);
    const s = createSession('s-1', '/srv/api');
    const file = path.join(project, 's-1.jsonl');
    writeFileSync(file, s.summary('Add rate limiting') + s.prompt('Add a rate limiter') + s.say('Added token bucket.'));
    writeFileSync(path.join(project, 'agent-1234.jsonl'), s.prompt('sub-agent work') + s.say('sidechain'));
    const first = await read({ granularity: 'session' });
    expect(first.items).toHaveLength(1);
    expect(first.items[0]).toMatchObject({
      externalId: 's-1',
      stream: 'sessions',
      title: 'Add rate limiting',
      container: '/srv/api',
    });
    expect(first.items[0]!.content).toBe('**User:** Add a rate limiter\n\n**Assistant:** Added token bucket.');
    expect((await read({ granularity: 'session' }, first.checkpoint)).items).toEqual([]);
    appendFileSync(file, s.prompt('And tests') + s.say('Tests added.'));
    const second = await read({ granularity: 'session' }, first.checkpoint);
    expect(second.items[0]!.content).toContain('---\n\n**User:** And tests');
    // sub-agent transcripts only when asked
    const withAgents = await read({ granularity: 'session', includeSidechains: true });
    expect(withAgents.items.map((i) => i.externalId).sort()).toEqual(['agent-1234', 's-1']);
  });

  it('a replaced session file is read from its start; a bad line is reported and skipped', async () => {
    const project = path.join(dir, 'p');
    mkdirSync(project);
    const s = createSession('s-2');
    const file = path.join(project, 's-2.jsonl');
    writeFileSync(file, s.prompt('one') + s.say('1'));
    const first = await read({});
    rmSync(file);
    writeFileSync(file, s.prompt('two') + '{not json\n' + s.say('2'));
    const second = await read({}, first.checkpoint);
    expect(second.items.map((i) => i.title)).toEqual(['two']);
    expect(second.errors).toHaveLength(1);
  });

  it('keeps each session file cursor in connector state; a flat checkpoint; gone files drop their cursor', async () => {
    const project = path.join(dir, 'p');
    mkdirSync(project);
    const builders = Array.from({ length: 30 }, (_, i) => createSession(`s-many-${i}`));
    builders.forEach((s, i) => writeFileSync(path.join(project, `s-many-${i}.jsonl`), s.prompt(`q${i}`) + s.say('a')));
    const first = await read({ pageSize: 4 });
    expect(first.items).toHaveLength(30);
    expect(first.checkpoint).toEqual({ v: 2 });
    expect(state.snapshot().size).toBe(30);
    appendFileSync(path.join(project, 's-many-7.jsonl'), builders[7]!.prompt('follow-up') + builders[7]!.say('b'));
    rmSync(path.join(project, 's-many-20.jsonl'));
    const second = await read({ pageSize: 4 }, first.checkpoint);
    expect(second.items.map((i) => i.title)).toEqual(['follow-up']);
    expect([...state.snapshot().keys()]).not.toContain('s:p/s-many-20.jsonl');
    expect(state.snapshot().size).toBe(29);
  });

  it('a first sync bounded by backfillDays skips turns prompted before it', async () => {
    mkdirSync(path.join(dir, 'p'));
    const s = createSession('s-3'); // timestamps start at 2026-11-21T09:00:00Z, 1.5 s apart
    writeFileSync(path.join(dir, 'p', 's-3.jsonl'), s.prompt('early') + s.say('1') + s.prompt('late') + s.say('2'));
    const { items } = await read({}, undefined, new Date(Date.UTC(2026, 10, 21, 9, 0, 4)));
    expect(items.map((i) => i.title)).toEqual(['late']);
  });
});
