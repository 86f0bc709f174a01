import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinConnectors } from '@tributary/connectors';
import { TributaryError, parseConfig } from '@tributary/sdk';
import { formatOf, loadConfigFile, parseConfigText } from './load.js';
import { CONFIG_TEMPLATE } from './template.js';

const noFiles = { env: {}, readFile: () => '', baseDir: '/' };
const dir = mkdtempSync(path.join(os.tmpdir(), 'tributary-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function errorOf(fn: () => unknown): TributaryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TributaryError) return err;
    throw err;
  }
  throw new Error('expected a TributaryError');
}

describe('parseConfigText', () => {
  it('reads YAML with defaults applied', () => {
    const file = parseConfigText(
      'sources:\n  - id: n\n    type: git\n    name: repo\n    config: { rootDir: /r }\n    schedule: { intervalMinutes: 15 }\n',
      'yaml',
      noFiles,
    );
    expect(file.version).toBe(1);
    expect(file.sources).toEqual([
      {
        id: 'n',
        type: 'git',
        name: 'repo',
        config: { rootDir: '/r' },
        schedule: { intervalMinutes: 15 },
        enabled: true,
      },
    ]);
  });

  it('reads JSON and interpolates env values', () => {
    const file = parseConfigText(
      JSON.stringify({ sources: [{ id: 'a', type: 'slack', name: 's', config: { token: '${T}' } }] }),
      'json',
      { ...noFiles, env: { T: 'tok' } },
    );
    expect(file.sources[0]?.config).toEqual({ token: 'tok' });
  });

  it('refuses unknown keys with their path', () => {
    const e = errorOf(() =>
      parseConfigText('sources:\n  - id: a\n    type: git\n    name: r\n    confg: {}\n', 'yaml', noFiles),
    );
    expect(e.code).toBe('invalid_config');
    expect(e.issues?.[0]).toEqual({ path: 'sources.0.confg', message: 'unknown key (did you mean "config"?)' });
    expect(e.message).toContain('confg');
  });

  it('names the field and the reason of a wrong value', () => {
    const e = errorOf(() =>
      parseConfigText(
        'sources:\n  - id: a\n    type: git\n    name: r\n    schedule: { intervalMinutes: -5 }\n',
        'yaml',
        noFiles,
      ),
    );
    expect(e.issues?.[0]?.path).toBe('sources.0.schedule.intervalMinutes');
  });

  it('refuses duplicate ids and names', () => {
    const e = errorOf(() =>
      parseConfigText(
        'sources:\n  - { id: a, type: git, name: r }\n  - { id: a, type: git, name: r }\n',
        'yaml',
        noFiles,
      ),
    );
    expect(e.issues?.map((i) => i.path)).toEqual(['sources.1.id', 'sources.1.name']);
  });

  it('reports a YAML syntax error with its line', () => {
    const e = errorOf(() => parseConfigText('sources:\n  - id: a\n   type: [unclosed\n', 'yaml', noFiles));
    expect(e.code).toBe('invalid_config');
    expect(e.message).toMatch(/line \d+/);
  });

  it('parses the init template (no sources) and each of its examples once uncommented', () => {
    expect(parseConfigText(CONFIG_TEMPLATE, 'yaml', noFiles).sources).toEqual([]);
    const lines = CONFIG_TEMPLATE.split('\n');
    const start = lines.findIndex((l) => l === '# sources:');
    const example = lines
      .slice(start)
      .filter((l) => l.startsWith('#'))
      .map((l) => l.replace(/^# ?/, ''))
      .join('\n');
    const file = parseConfigText(`version: 1\n${example}`, 'yaml', {
      ...noFiles,
      env: { HOME: '/home/ada', IMAP_PASSWORD: 'pw-1' },
    });
    expect(file.sources.map((s) => s.type)).toEqual(['obsidian', 'git', 'imap']);
    expect(file.sources[2]?.config.password).toBe('pw-1');
    expect(file.sources[1]?.enabled).toBe(false);
    // The examples must be valid for the real connectors (imap once it is installed).
    for (const source of file.sources) {
      const connector = builtinConnectors.find((c) => c.manifest.name === source.type);
      if (source.type !== 'imap') expect(connector, source.type).toBeDefined();
      if (connector) expect(() => parseConfig(connector, source.config)).not.toThrow();
    }
  });
});

describe('loadConfigFile', () => {
  it('picks JSON by extension and resolves ${file:} next to the file', () => {
    writeFileSync(path.join(dir, 'token.txt'), 'secret-value\n');
    const p = path.join(dir, 'sources.json');
    writeFileSync(
      p,
      JSON.stringify({ sources: [{ id: 'a', type: 'x', name: 'n', config: { token: '${file:token.txt}' } }] }),
    );
    expect(formatOf(p)).toBe('json');
    expect(loadConfigFile(p, {}).sources[0]?.config.token).toBe('secret-value');
  });

  it('says what to do when the file is missing', () => {
    const e = errorOf(() => loadConfigFile(path.join(dir, 'nope.yaml'), {}));
    expect(e.code).toBe('not_found');
    expect(e.message).toContain('tributary init');
  });
});
