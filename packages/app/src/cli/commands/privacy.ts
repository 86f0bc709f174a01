import type { Command } from 'commander';
import type { Engine, PrivacyReport, PrivacyRules } from '@tributary/engine';
import { LOCAL_USER_ID } from '@tributary/engine/engine/types';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from '../context.js';
import { collect } from '../parse.js';
import type { ExitState } from '../program.js';

interface RuleFlags {
  source?: string[];
  flags?: string;
  dryRun?: boolean;
  json?: boolean;
}

function printReport(ctx: CliContext, report: PrivacyReport): void {
  ctx.out.line(
    `Of ${report.scanned} stored memories, ${report.redacted} would be redacted and ${report.dropped} dropped.`,
  );
  for (const s of report.samples)
    ctx.out.line(
      `  ${s.action === 'drop' ? 'drop  ' : 'redact'} ${s.source} ${s.externalId}${s.matches ? ` (${s.matches} matches)` : ''}`,
    );
}

function printRules(ctx: CliContext, rules: PrivacyRules): void {
  if (!rules.redact.length && !rules.exclude.length) return ctx.out.line('No privacy rules.');
  const scope = (s: string[] | undefined) => (s?.length ? ` (sources: ${s.join(', ')})` : '');
  rules.redact.forEach((r, i) => ctx.out.line(`redact  ${i + 1}. /${r.pattern}/${r.flags ?? ''}${scope(r.sources)}`));
  rules.exclude.forEach((r, i) =>
    ctx.out.line(`exclude ${i + 1}. ${r.field} ~ /${r.pattern}/${r.flags ?? ''}${scope(r.sources)}`),
  );
}

/** Adds a rule: `--dry-run` reports what it would do to stored data and saves nothing. */
async function addRule(ctx: CliContext, next: (rules: PrivacyRules) => PrivacyRules, opts: RuleFlags): Promise<void> {
  const engine: Engine = await ctx.engine();
  const rules = next(await engine.privacy.get(LOCAL_USER_ID));
  if (opts.dryRun) {
    const report = await engine.privacy.dryRun(LOCAL_USER_ID, rules);
    if (opts.json) return ctx.out.json(report);
    printReport(ctx, report);
    ctx.out.note(
      'Dry run: nothing saved. New items follow a rule once it is saved; `purge --match` cleans stored ones.',
    );
    return;
  }
  const saved = await engine.privacy.set(LOCAL_USER_ID, rules);
  if (opts.json) return ctx.out.json(saved);
  printRules(ctx, saved);
  ctx.out.note('Applies to items stored from now on; `tributary purge --match <regex>` removes stored matches.');
}

const scoped = (opts: RuleFlags) => ({
  ...(opts.flags ? { flags: opts.flags } : {}),
  ...(opts.source?.length ? { sources: opts.source } : {}),
});

/** `tributary privacy show|redact|exclude|remove|dry-run` (docs/cli.md). */
export function registerPrivacy(program: Command, ctx: CliContext, _state: ExitState): void {
  const privacy = program
    .command('privacy')
    .description('redaction and exclusion rules applied before anything is stored');
  privacy
    .command('show')
    .description('list the rules')
    .option('--json', 'print the rules as JSON')
    .action(async (opts: { json?: boolean }) => {
      const rules = await (await ctx.engine()).privacy.get(LOCAL_USER_ID);
      if (opts.json) return ctx.out.json(rules);
      printRules(ctx, rules);
    });
  const ruleOptions = (cmd: Command): Command =>
    cmd
      .option('--source <name>', 'only items of this source; repeatable (default: all sources)', collect, [])
      .option('--flags <flags>', 'regex flags: i, m, s, u')
      .option('--dry-run', 'show what the rule would redact or drop in stored data; save nothing')
      .option('--json', 'print as JSON');
  ruleOptions(
    privacy
      .command('redact')
      .argument('<pattern>', 'regular expression; matches become [REDACTED]')
      .description('add a redaction rule'),
  ).action(async (pattern: string, opts: RuleFlags) =>
    addRule(ctx, (r) => ({ ...r, redact: [...r.redact, { pattern, ...scoped(opts) }] }), opts),
  );
  ruleOptions(
    privacy
      .command('exclude')
      .argument('<field>', 'author, container or text')
      .argument('<pattern>', 'regular expression; a matching item is not stored')
      .description('add an exclusion rule'),
  ).action(async (field: string, pattern: string, opts: RuleFlags) =>
    addRule(
      ctx,
      (r) => ({ ...r, exclude: [...r.exclude, { field: field as 'text', pattern, ...scoped(opts) }] }),
      opts,
    ),
  );
  privacy
    .command('remove')
    .argument('<kind>', 'redact or exclude')
    .argument('<n>', 'the number shown by `privacy show`')
    .description('remove a rule')
    .action(async (kind: string, n: string) => {
      const engine = await ctx.engine();
      const rules = await engine.privacy.get(LOCAL_USER_ID);
      const list = kind === 'redact' ? rules.redact : kind === 'exclude' ? rules.exclude : undefined;
      const index = Number(n) - 1;
      if (!list || !Number.isInteger(index) || index < 0 || index >= list.length)
        throw new TributaryError('invalid_input', `No ${kind} rule ${n}; see \`tributary privacy show\`.`, {
          issues: [{ path: kind, message: 'no such rule' }],
        });
      list.splice(index, 1);
      printRules(ctx, await engine.privacy.set(LOCAL_USER_ID, rules));
    });
  privacy
    .command('dry-run')
    .description('what the saved rules would redact or drop in stored data (changes nothing)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }) => {
      const report = await (await ctx.engine()).privacy.dryRun(LOCAL_USER_ID);
      if (opts.json) return ctx.out.json(report);
      printReport(ctx, report);
    });
}
