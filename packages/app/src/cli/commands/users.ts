import type { Command } from 'commander';
// The light module, not the package entry: that one loads every driver, and this file loads with `--help`.
import { normalizeRoots } from '@tributary/engine/engine/local-access';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { formatTime, table } from '../io.js';
import type { ExitState } from '../program.js';

/**
 * `tributary users list|add|roots`: the users of a multi-user server and the folders their local sources may read
 * (docs/security.md). Admins (and the embedded owner `local`) read anywhere but the data dir.
 */
export function registerUsers(program: Command, ctx: CliContext, _state: ExitState): void {
  const users = program.command('users').description('manage users and the folders their local sources may read');

  users
    .command('list')
    .description('list users with their allowed roots')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const list = await (await ctx.engine()).ports.auth.listUsers();
      if (opts.json) return ctx.out.json({ users: list });
      const rows = list.map((u) => [
        u.id,
        u.name,
        u.isAdmin ? 'admin' : 'user',
        u.isAdmin ? '(anywhere but the data dir)' : u.allowedRoots.join(', ') || '(none)',
        formatTime(u.createdAt),
      ]);
      for (const line of table(['ID', 'NAME', 'ROLE', 'ALLOWED ROOTS', 'CREATED'], rows)) ctx.out.line(line);
    });

  users
    .command('add')
    .argument('<id>', 'the user id (letters, digits, dot, dash, underscore)')
    .option('--name <name>', 'a display name (default: the id)')
    .option('--root <dir...>', 'folders on this server their local sources may read')
    .description('create a user (never an admin; local sources only inside the roots given)')
    .action(async (id: string, opts: { name?: string; root?: string[] }) => {
      const store = (await ctx.engine()).ports.auth;
      if (!/^[A-Za-z0-9._-]{1,100}$/.test(id))
        throw new TributaryError('invalid_input', `User id "${id}": use letters, digits, dot, dash or underscore.`);
      if (await store.getUser(id)) throw new TributaryError('conflict', `User "${id}" exists.`);
      const roots = normalizeRoots(opts.root ?? []);
      await store.createUser({ id, name: opts.name ?? id });
      await store.setUserAllowedRoots(id, roots);
      ctx.out.line(`Created user ${id}; allowed roots: ${roots.join(', ') || 'none'}.`);
    });

  users
    .command('roots')
    .argument('<id>', 'the user id')
    .argument('[dirs...]', 'absolute folders (they replace the current ones)')
    .option('--none', 'remove every allowed root')
    .description('set the folders a user’s local sources may read (checked again at every sync)')
    .action(async (id: string, dirs: string[], opts: { none?: boolean }) => {
      if (!opts.none && dirs.length === 0)
        throw new TributaryError('invalid_input', 'Give the folders, or --none to remove every allowed root.');
      const roots = normalizeRoots(opts.none ? [] : dirs);
      const user = await (await ctx.engine()).ports.auth.setUserAllowedRoots(id, roots);
      if (!user) throw new TributaryError('not_found', `No user "${id}". See \`tributary users list\`.`);
      ctx.out.line(`Allowed roots of ${id}: ${user.allowedRoots.join(', ') || 'none'}.`);
    });
}
