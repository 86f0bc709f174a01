import type { Command } from 'commander';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError } from '@tributary/sdk';
import { issueToken } from '../../auth/tokens.js';
import type { CliContext } from '../context.js';
import { formatTime, table } from '../io.js';
import type { ExitState } from '../program.js';

interface CreateFlags {
  user?: string;
  name?: string;
  readOnly?: boolean;
  metrics?: boolean;
  json?: boolean;
}

/** `tributary tokens create|list|revoke`: API tokens (stored hashed; the secret is shown once). */
export function registerTokens(program: Command, ctx: CliContext, _state: ExitState): void {
  const tokens = program.command('tokens').description('manage API tokens for the REST API and MCP over HTTP');

  tokens
    .command('create')
    .description('create a token and print it once (only its sha256 hash is stored)')
    .option('--user <id>', 'the user it acts for (created when missing)', LOCAL_USER_ID)
    .option('--name <name>', 'a label to recognise it by', 'cli')
    .option('--read-only', 'may read but not change anything')
    .option('--metrics', 'may only read /api/v1/metrics (for Prometheus)')
    .option('--json', 'print the token as JSON')
    .action(async (opts: CreateFlags) => {
      const store = (await ctx.engine()).ports.auth;
      const userId = opts.user ?? LOCAL_USER_ID;
      if (!(await store.getUser(userId))) {
        if (!/^[A-Za-z0-9._-]{1,100}$/.test(userId))
          throw new TributaryError(
            'invalid_input',
            `--user "${userId}": use letters, digits, dot, dash or underscore.`,
          );
        await store.createUser({ id: userId, name: userId });
        ctx.out.note(`Created user ${userId}.`);
      }
      const { token, record } = await issueToken(store, {
        userId,
        name: opts.name ?? 'cli',
        readOnly: opts.readOnly === true,
        scope: opts.metrics ? 'metrics' : 'api',
      });
      if (opts.json)
        return ctx.out.json({
          id: record.id,
          userId,
          name: record.name,
          readOnly: record.readOnly,
          scope: record.scope,
          token,
        });
      ctx.out.line(
        `Token ${record.id} for ${userId}${record.readOnly ? ' (read-only)' : ''}${record.scope === 'metrics' ? ' (metrics only)' : ''}:`,
      );
      ctx.out.line(`  ${token}`);
      ctx.out.note('It is shown only this once: store it now. Use it as "Authorization: Bearer <token>".');
    });

  tokens
    .command('list')
    .description('list tokens (never their secrets)')
    .option('--user <id>', 'only this user’s tokens')
    .option('--json', 'print as JSON')
    .action(async (opts: { user?: string; json?: boolean }) => {
      const list = await (await ctx.engine()).ports.auth.listTokens(opts.user);
      if (opts.json) return ctx.out.json({ tokens: list.map(({ tokenHash: _hash, ...rest }) => rest) });
      if (list.length === 0) return ctx.out.line('No tokens. Create one with `tributary tokens create`.');
      const rows = list.map((t) => [
        t.id,
        t.userId,
        t.name,
        t.scope === 'metrics' ? 'metrics' : t.readOnly ? 'read-only' : 'read-write',
        formatTime(t.lastUsedAt),
        t.revokedAt ? `revoked ${formatTime(t.revokedAt)}` : 'active',
      ]);
      for (const line of table(['ID', 'USER', 'NAME', 'ACCESS', 'LAST USED', 'STATUS'], rows)) ctx.out.line(line);
    });

  tokens
    .command('revoke')
    .argument('<id>', 'the token id (see `tributary tokens list`)')
    .description('revoke a token: it is refused from now on')
    .action(async (id: string) => {
      if (!(await (await ctx.engine()).ports.auth.revokeToken(id))) {
        throw new TributaryError('not_found', `No active token "${id}". See \`tributary tokens list\`.`);
      }
      ctx.out.line(`Revoked token ${id}.`);
    });
}
