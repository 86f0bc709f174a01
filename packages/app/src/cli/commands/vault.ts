import type { Command } from 'commander';
import { openProcessRuntime, stderrLog } from './processes.js';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';

/**
 * `tributary vault rotate`: re-encrypts every stored credential under a new key while everything keeps running
 * (docs/credentials.md). With the key file in the data dir the new key is generated; with TRIBUTARY_SECRET_KEY
 * the new key is that variable and the old one must be in TRIBUTARY_SECRET_KEY_PREVIOUS.
 */
export function registerVault(program: Command, ctx: CliContext, _state: ExitState): void {
  const vault = program.command('vault').description('the encrypted credential store');
  vault
    .command('rotate')
    .description('re-encrypt every credential under a new key; the old key stops working')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const runtime = await openProcessRuntime(ctx, stderrLog(ctx));
      try {
        const result = await runtime.vault.rotate();
        if (opts.json) ctx.out.json(result);
        else
          ctx.out.line(
            `Rotated: ${result.reencrypted} credential(s) re-encrypted under key ${result.activeKeyId}; retired ${result.retiredKeyIds.join(', ') || 'no key'}.`,
          );
      } finally {
        await runtime.close();
      }
    });
}
