import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { allRegistrars, commandGroups, commandWord } from './command-groups.js';
import { COMMAND_INDEX, registerCommandIndex } from './command-index.js';
import type { CliContext } from './context.js';

/** The program's help text at a fixed width, with these registrars. */
function helpOf(register: (program: Command) => void): string {
  const program = new Command('tributary').description('d').option('--data-dir <dir>', 'where');
  program.configureOutput({ getOutHelpWidth: () => 100 });
  register(program);
  return program.helpInformation();
}

const ctx = {} as CliContext; // registering reads nothing from the context; only actions do
const state = { code: 0 };

describe('lazy command registration', () => {
  it('the command index prints the same program help as registering every command', async () => {
    const all = await allRegistrars();
    const full = helpOf((p) => all.forEach((r) => r(p, ctx, state)));
    expect(helpOf(registerCommandIndex)).toBe(full);
    expect(full).toContain('search [options] <query...>');
  });

  it('a command line registers its command and its module’s siblings, not the other commands', async () => {
    for (const [name] of COMMAND_INDEX) {
      const program = new Command('tributary');
      for (const r of await commandGroups([name, '--help'])) r(program, ctx, state);
      const names = program.commands.map((c) => c.name());
      expect(names, name).toContain(name);
      // Its module's commands only (runs/status/stats share one; connectors and sources bring each other).
      expect(names.length, `${name}: ${names.join(', ')}`).toBeLessThanOrEqual(3);
    }
  });

  it('picks the command word past options and --data-dir’s value; help <command> loads that command', async () => {
    expect(commandWord(['--data-dir', 'search', 'status', 'x'])).toBe('status');
    expect(commandWord(['--data-dir=x', '--json'])).toBeUndefined();
    const program = new Command('tributary');
    for (const r of await commandGroups(['help', 'search'])) r(program, ctx, state);
    expect(program.commands.map((c) => c.name())).toEqual(['search']);
    expect(program.commands[0]!.options.map((o) => o.long)).toContain('--limit');
  });
});
