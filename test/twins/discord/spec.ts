import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createSchemaValidator, testdataPath, type Exchange } from '../kit/index.js';

let cached: object | undefined;

/** Discord's own OpenAPI 3.1 description (testdata/specs/discord, API v10), parsed once per process. */
export function discordSpec(): object {
  cached ??= JSON.parse(
    gunzipSync(readFileSync(testdataPath('specs/discord/openapi.json.gz'))).toString('utf8'),
  ) as object;
  return cached;
}

/** Route name → the path in the description whose 200 answer it must match. */
const PATHS: Record<string, string> = {
  'users.me': '/users/@me',
  'gateway.bot': '/gateway/bot',
  'users.guilds': '/users/@me/guilds',
  'guilds.channels': '/guilds/{guild_id}/channels',
  'guilds.roles': '/guilds/{guild_id}/roles',
  'guilds.threads.active': '/guilds/{guild_id}/threads/active',
  'channels.threads.archived': '/channels/{channel_id}/threads/archived/public',
  'channels.messages': '/channels/{channel_id}/messages',
};

const seg = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Problems of the twin's successful answers against the description, unchanged; empty when all validate. */
export function discordSpecProblems(exchanges: Exchange[]): string[] {
  const validator = createSchemaValidator(discordSpec());
  const problems: string[] = [];
  for (const x of exchanges) {
    if (x.status !== 200) continue;
    const path = PATHS[x.route];
    if (!path) {
      problems.push(`${x.route}: no schema mapped`);
      continue;
    }
    const pointer = `#/paths/${seg(path)}/get/responses/200/content/${seg('application/json')}/schema`;
    for (const p of validator.validate(pointer, x.body)) problems.push(`${x.route}: ${p}`);
  }
  return problems;
}
