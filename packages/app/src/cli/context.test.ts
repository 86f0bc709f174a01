import { describe, expect, it } from 'vitest';
import { needsConnectors, resolveDataDir } from './context.js';

describe('needsConnectors', () => {
  it('skips connectors only for store-only commands, whatever the global options', () => {
    expect(needsConnectors(['search', 'x'])).toBe(false);
    expect(needsConnectors(['--data-dir', 'sync', 'status'])).toBe(false); // "sync" is the data dir here
    expect(needsConnectors(['--data-dir=/d', 'purge', 'x', '--yes'])).toBe(false);
    expect(needsConnectors(['sources', 'list'])).toBe(true);
    expect(needsConnectors(['sync', 'search'])).toBe(true);
    expect(needsConnectors(['--help'])).toBe(true);
  });
});

describe('resolveDataDir', () => {
  it('prefers --data-dir, then TRIBUTARY_HOME, then ~/.tributary', () => {
    expect(resolveDataDir('rel', { TRIBUTARY_HOME: '/t', HOME: '/h' }, '/cwd')).toBe('/cwd/rel');
    expect(resolveDataDir(undefined, { TRIBUTARY_HOME: '~/x', HOME: '/h' }, '/cwd')).toBe('/h/x');
    expect(resolveDataDir(undefined, { HOME: '/h' }, '/cwd')).toBe('/h/.tributary');
  });
});
