import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ExitState } from '../program.js';

/** `tributary mcp`: an MCP server on stdio for the local user (for Claude Desktop, editors …). */
export function registerMcp(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('mcp')
    .description('serve the memory to an MCP client on stdin/stdout (local user); see docs/mcp.md')
    .action(async () => {
      const { runMcpStdio } = await import('../../mcp/stdio.js'); // the MCP SDK loads only for this command
      const engine = await ctx.engine();
      // stdout carries the protocol: notes go to stderr.
      ctx.out.note(`Tributary MCP server on stdio (data dir ${ctx.dataDir}).`);
      await runMcpStdio(engine);
    });
}
