import { TributaryError } from '@tributary/sdk';
import type { SlackChannel, SlackUser } from '../slack-shared/index.js';
import { openArchive, type ArchiveFiles as ExportArchive } from '../archive/index.js';
import { jsonErrorText } from '../lib/json-error.js';

/** One conversation of the export with its day files (`YYYY-MM-DD`, sorted). */
export interface ExportConversation {
  channel: SlackChannel;
  /** The folder that holds its day files (a name for channels, the id for DMs). */
  folder: string;
  days: string[];
}

export interface SlackExport {
  archive: ExportArchive;
  /** Path prefix inside the archive ('' or 'export-name/'). */
  prefix: string;
  users: Map<string, SlackUser>;
  channelsById: Map<string, SlackChannel>;
  conversations: ExportConversation[];
}

const CONVERSATION_FILES = [
  ['channels.json', 'channel'],
  ['groups.json', 'group'],
  ['mpims.json', 'mpim'],
  ['dms.json', 'im'],
] as const;

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.json$/;

/** Parses one JSON file of the export. @throws TributaryError `record_invalid` naming the file. */
export async function readJson(archive: ExportArchive, file: string): Promise<unknown> {
  return parseJson(await archive.read(file), file);
}

/** Parses bytes of an export file. @throws TributaryError `record_invalid` naming the file. */
export function parseJson(bytes: Uint8Array, file: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new TributaryError('record_invalid', `${file} is not valid JSON (${jsonErrorText(err)})`, { cause: err });
  }
}

function asArray(value: unknown, file: string): Array<Record<string, unknown>> {
  if (!Array.isArray(value)) throw new TributaryError('record_invalid', `${file} should hold a JSON array`);
  return value.filter((v): v is Record<string, unknown> => typeof v === 'object' && v !== null);
}

/**
 * Opens an export and reads its index files (users.json, channels.json, groups.json, mpims.json, dms.json).
 * @throws TributaryError `invalid_config` when the path is not a Slack export.
 */
export async function openSlackExport(target: string): Promise<SlackExport> {
  const archive = await openArchive(target, 'Slack export');
  try {
    const index =
      archive.files.find((f) => f === 'channels.json' || f.endsWith('/channels.json')) ??
      archive.files.find((f) => f === 'users.json' || f.endsWith('/users.json'));
    if (!index) {
      throw new TributaryError(
        'invalid_config',
        `"${target}" is not a Slack export: no channels.json or users.json inside. Point config.path at the export's .zip or its unzipped folder.`,
      );
    }
    const prefix = index.slice(0, index.lastIndexOf('/') + 1);
    const has = new Set(archive.files);
    const users = new Map<string, SlackUser>();
    if (has.has(`${prefix}users.json`)) {
      for (const u of asArray(await readJson(archive, `${prefix}users.json`), 'users.json')) {
        if (typeof u.id === 'string') users.set(u.id, u as unknown as SlackUser);
      }
    }
    const daysByFolder = new Map<string, string[]>();
    for (const file of archive.files) {
      if (!file.startsWith(prefix)) continue;
      const [folder, name, ...rest] = file.slice(prefix.length).split('/');
      const day = name ? DAY_FILE.exec(name)?.[1] : undefined;
      if (!folder || !day || rest.length) continue;
      daysByFolder.set(folder, [...(daysByFolder.get(folder) ?? []), day]);
    }
    const channelsById = new Map<string, SlackChannel>();
    const conversations: ExportConversation[] = [];
    for (const [file, kind] of CONVERSATION_FILES) {
      if (!has.has(prefix + file)) continue;
      for (const c of asArray(await readJson(archive, prefix + file), file)) {
        if (typeof c.id !== 'string') continue;
        const channel: SlackChannel = { id: c.id, kind };
        if (typeof c.name === 'string') channel.name = c.name;
        if (kind === 'im' && Array.isArray(c.members))
          channel.user = c.members.find((m): m is string => typeof m === 'string');
        if (typeof c.user === 'string') channel.user = c.user;
        channelsById.set(c.id, channel);
        const folder = kind === 'im' || !channel.name ? c.id : channel.name;
        const days = (daysByFolder.get(folder) ?? []).sort();
        conversations.push({ channel, folder, days });
      }
    }
    conversations.sort((a, b) => a.channel.id.localeCompare(b.channel.id));
    return { archive, prefix, users, channelsById, conversations };
  } catch (err) {
    archive.close();
    throw err;
  }
}
