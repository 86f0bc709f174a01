import { secretFieldPaths, type AnyConnector } from '@tributary/sdk';
import type { SourceRecord } from '@tributary/engine';
import { TributaryError } from '@tributary/sdk';
import type { CliContext } from './context.js';
import { maskSecrets } from './mask.js';

/** The `--json` shape of a source (docs/cli.md): secrets masked, never the checkpoint. */
export interface SourceJson {
  id: string;
  name: string;
  connector: string;
  status: string;
  config: Record<string, unknown>;
  features: Record<string, boolean>;
  schedule: { intervalMinutes?: number; cron?: string } | null;
  lastSyncAt: string | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A source as the CLI shows it, secret config values masked. */
export function sourceJson(source: SourceRecord, connector: AnyConnector | undefined): SourceJson {
  // Without its connector we cannot know which fields are secret: mask by key name only.
  const secrets = connector ? secretFieldPaths(connector.manifest.config) : [];
  return {
    id: source.id,
    name: source.name,
    connector: source.sourceType,
    status: source.status,
    config: maskSecrets(source.config, secrets),
    features: source.features,
    schedule: source.schedule,
    lastSyncAt: source.lastSyncAt,
    error: source.errorMessage,
    createdAt: source.createdAt,
    updatedAt: source.updatedAt,
  };
}

/** `every 30m`, `cron 0 * * * *`, `manual`. */
export function describeSchedule(schedule: SourceRecord['schedule']): string {
  if (!schedule) return 'manual';
  if (schedule.cron) return `cron ${schedule.cron}`;
  if (schedule.intervalMinutes) return `every ${schedule.intervalMinutes}m`;
  return 'manual';
}

/** The connector of a source, when it is installed. */
export function connectorOf(ctx: CliContext, source: SourceRecord): AnyConnector | undefined {
  return ctx.connectors.find((c) => c.manifest.name === source.sourceType);
}

/**
 * Asks before a destructive step: `--yes` skips; a terminal gets a question; a script without `--yes` is refused.
 * @throws TributaryError `invalid_input` when not on a terminal and `--yes` is missing
 */
export async function confirmDestructive(
  ctx: CliContext,
  yes: boolean | undefined,
  question: string,
): Promise<boolean> {
  if (yes) return true;
  if (!ctx.io.stdinIsTTY)
    throw new TributaryError('invalid_input', `${question} — not on a terminal, so pass --yes to confirm.`);
  return ctx.io.confirm(question);
}
