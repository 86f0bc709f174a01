import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { CONFIG_TEMPLATE } from '../../config/template.js';
import { CONFIG_FILE, DB_FILE, type CliContext } from '../context.js';
import type { ExitState } from '../program.js';

/** `tributary init`: creates the data dir, the database and a commented config file. */
export function registerInit(program: Command, ctx: CliContext, _state: ExitState): void {
  program
    .command('init')
    .description(`create the data dir, its database (${DB_FILE}) and a commented ${CONFIG_FILE}`)
    .option('--json', 'print the result as JSON')
    .action(async (opts: { json?: boolean }) => {
      const engine = await ctx.engine(); // creates the dir and migrates the database
      const dataDir = ctx.dataDir;
      const configPath = path.join(dataDir, CONFIG_FILE);
      const created = !existsSync(configPath);
      // Never overwrite: the user may have edited it.
      if (created) writeFileSync(configPath, CONFIG_TEMPLATE, { mode: 0o600 });
      const sources = (await engine.sources.list()).length;
      if (opts.json) {
        ctx.out.json({
          dataDir,
          database: path.join(dataDir, DB_FILE),
          config: configPath,
          configCreated: created,
          sources,
        });
        return;
      }
      ctx.out.line(`Data dir: ${dataDir}`);
      ctx.out.line(`Database: ${path.join(dataDir, DB_FILE)}`);
      ctx.out.line(
        created ? `Config:   ${configPath} (created, with examples)` : `Config:   ${configPath} (exists, left as is)`,
      );
      ctx.out.line('');
      ctx.out.line('Next:');
      ctx.out.line('  tributary connectors                       # what can be synced');
      ctx.out.line('  tributary sources add <connector> --name <name> --set key=value');
      ctx.out.line(`  tributary apply -f ${configPath}   # or declare sources in the file`);
    });
}
