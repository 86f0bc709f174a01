import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { claudeCodeConnector } from './index.js';
import { createSession } from './test-support/transcript.js';

const base = mkdtempSync(path.join(tmpdir(), 'tributary-claude-code-conf-'));
const projects = path.join(base, 'projects');
afterAll(() => rmSync(base, { recursive: true, force: true }));

const sessions = {
  a: { dir: '-home-ada-shop', id: '11111111-1111-4111-8111-111111111111' },
  b: { dir: '-home-ada-blog', id: '22222222-2222-4222-8222-222222222222' },
};
let builders: Record<keyof typeof sessions, ReturnType<typeof createSession>>;
const fileOf = (k: keyof typeof sessions): string => path.join(projects, sessions[k].dir, `${sessions[k].id}.jsonl`);
const uuidOf = (line: string): string => (JSON.parse(line) as { uuid: string }).uuid;
/** External id of session b's last turn, recorded when setup writes it. */
let lastTurnOfB = '';

testConnector(claudeCodeConnector, {
  config: { projectsDir: projects, pageSize: 2 },
  badSetups: [{ name: 'no projects folder', config: { projectsDir: path.join(base, 'missing') } }],
  setup() {
    rmSync(projects, { recursive: true, force: true });
    builders = { a: createSession(sessions.a.id, '/home/ada/shop'), b: createSession(sessions.b.id, '/home/ada/blog') };
    for (const k of ['a', 'b'] as const) {
      mkdirSync(path.join(projects, sessions[k].dir), { recursive: true });
      const s = builders[k];
      let text = s.summary(`Session ${k}`);
      for (let t = 0; t < 4; t++) {
        const prompt = s.prompt(`Task ${k}${t}`);
        if (k === 'b') lastTurnOfB = `${sessions.b.id}:${uuidOf(prompt)}`;
        text += prompt + s.tool('Bash', { command: `make step-${t}` }, 'ok') + s.say(`Step ${t} done.`);
      }
      writeFileSync(fileOf(k), text);
    }
  },
  teardown() {
    rmSync(projects, { recursive: true, force: true });
  },
  mutate() {
    // session a: a new turn; session b: its last turn continues (a new version of it)
    const prompt = builders.a.prompt('Deploy it');
    appendFileSync(fileOf('a'), prompt + builders.a.say('Deployed.'));
    appendFileSync(fileOf('b'), builders.b.say('One more thing: I also updated the changelog.'));
    return { added: [`${sessions.a.id}:${uuidOf(prompt)}`], changed: [lastTurnOfB], deleted: [] };
  },
  grow() {
    // 12 new session files, one turn each: the checkpoint must not grow with the number of files.
    for (let i = 0; i < 12; i++) {
      const id = `33333333-3333-4333-8333-${String(i).padStart(12, '0')}`;
      const s = createSession(id, '/home/ada/more');
      mkdirSync(path.join(projects, '-home-ada-more'), { recursive: true });
      writeFileSync(path.join(projects, '-home-ada-more', `${id}.jsonl`), s.prompt(`More ${i}`) + s.say('Done.'));
    }
    return 12;
  },
  waivers: {
    'deletions:propagate':
      'transcripts are only appended; Claude Code deleting old session files must not erase the memories',
  },
});
