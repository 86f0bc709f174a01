import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import { bearerOf, googleError, invalidCredentials, notFound } from './errors.js';
import type { DriveState, TwinFile } from './drive-state.js';
import { channelNotificationHeaders } from './channel-headers.js';

export interface DriveTwin extends TwinServer {
  state: DriveState;
  /** The `rootUrl` for `@googleapis/drive`: `<url>/`. */
  rootUrl: string;
  channels: Map<string, { address: string; token?: string; resourceId: string; expiration: number }>;
  /** The headers Drive sends to a channel's address when something changed. */
  notification(channelId: string, state?: 'sync' | 'change'): Record<string, string>;
}

function fileView(f: TwinFile): Record<string, unknown> {
  return {
    kind: 'drive#file',
    id: f.id,
    name: f.name,
    mimeType: f.mimeType,
    parents: f.parents,
    trashed: f.trashed,
    createdTime: f.createdTime,
    modifiedTime: f.modifiedTime,
    version: String(f.version),
    owners: f.owners.map((o) => ({ kind: 'drive#user', ...o })),
    lastModifyingUser: { kind: 'drive#user', ...f.lastModifyingUser },
    webViewLink: `https://drive.google.com/file/d/${f.id}/view`,
    ...(f.driveId ? { driveId: f.driveId } : {}),
    ...(f.content ? { size: String(f.content.length), md5Checksum: String(f.version).padStart(32, '0') } : {}),
  };
}

/** The subset of Drive's query language the twin understands: terms joined by `and`. */
export function matchesDriveQuery(q: string | undefined, f: TwinFile): boolean | 'bad' {
  if (!q) return true;
  for (const raw of q.split(/\s+and\s+/i)) {
    const t = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^trashed\s*=\s*(true|false)$/.exec(t))) {
      if (f.trashed !== (m[1] === 'true')) return false;
    } else if ((m = /^mimeType\s*(!?=)\s*'([^']+)'$/.exec(t))) {
      if ((f.mimeType === m[2]) !== (m[1] === '=')) return false;
    } else if ((m = /^'([^']+)'\s+in\s+parents$/.exec(t))) {
      if (!f.parents.includes(m[1]!)) return false;
    } else if ((m = /^modifiedTime\s*>\s*'([^']+)'$/.exec(t))) {
      if (!(Date.parse(f.modifiedTime) > Date.parse(m[1]!))) return false;
    } else return 'bad';
  }
  return true;
}

const allDrives = (req: TwinRequest): boolean => req.query.includeItemsFromAllDrives === 'true';

/** Starts the Drive API twin (`/drive/v3/…`) on 127.0.0.1, port 0. */
/** `now`: the twin's clock for channel expirations (a test's injected clock); real time by default. */
export async function startDriveTwin(
  state: DriveState,
  options: { record?: boolean; now?: () => number } = {},
): Promise<DriveTwin> {
  const now = options.now ?? Date.now;
  const channels: DriveTwin['channels'] = new Map();
  let messageNumber = 0;
  const invalidToken = () => googleError(400, 'invalid', 'Invalid Value', { headers: {} });
  const routes: TwinRoute[] = [
    {
      method: 'GET',
      pattern: '/drive/v3/files',
      name: 'drive.files.list',
      handler: (req) => {
        const matched: TwinFile[] = [];
        for (const f of state.files.values()) {
          if (f.driveId && !allDrives(req)) continue;
          const ok = matchesDriveQuery(req.query.q, f);
          if (ok === 'bad') return googleError(400, 'invalid', `Invalid query: ${req.query.q}`);
          if (ok) matched.push(f);
        }
        const size = Math.min(Number(req.query.pageSize ?? 100) || 100, 1000);
        const from = Number(req.query.pageToken ? Buffer.from(req.query.pageToken, 'base64url').toString() : 0);
        if (!Number.isInteger(from) || from < 0) return invalidToken();
        const page = matched.slice(from, from + size);
        return {
          body: {
            kind: 'drive#fileList',
            incompleteSearch: false,
            files: page.map(fileView),
            ...(from + size < matched.length
              ? { nextPageToken: Buffer.from(String(from + size)).toString('base64url') }
              : {}),
          },
        };
      },
    },
    {
      method: 'GET',
      pattern: '/drive/v3/files/:fileId',
      name: 'drive.files.get',
      handler: (req) => {
        const f = state.files.get(req.params.fileId!);
        if (!f || (f.driveId && req.query.supportsAllDrives !== 'true'))
          return notFound(`File not found: ${req.params.fileId}.`);
        if (req.query.alt !== 'media') return { body: fileView(f) };
        if (!f.content)
          return googleError(
            403,
            'fileNotDownloadable',
            'Only files with binary content can be downloaded. Use Export with Docs Editors files.',
          );
        return { headers: { 'content-type': f.mimeType }, body: f.content };
      },
    },
    {
      method: 'GET',
      pattern: '/drive/v3/files/:fileId/export',
      name: 'drive.files.export',
      handler: (req) => {
        const f = state.files.get(req.params.fileId!);
        if (!f) return notFound(`File not found: ${req.params.fileId}.`);
        const text = f.exports?.[req.query.mimeType ?? ''];
        if (text === undefined) return googleError(400, 'badRequest', 'The requested conversion is not supported.');
        if (Buffer.byteLength(text) > 10 * 1024 * 1024)
          return googleError(403, 'exportSizeLimitExceeded', 'This file is too large to be exported.');
        return { headers: { 'content-type': `${req.query.mimeType}; charset=utf-8` }, body: text };
      },
    },
    {
      method: 'GET',
      pattern: '/drive/v3/changes/startPageToken',
      name: 'drive.changes.getStartPageToken',
      handler: () => ({ body: { kind: 'drive#startPageToken', startPageToken: String(state.seq) } }),
    },
    {
      method: 'GET',
      pattern: '/drive/v3/changes',
      name: 'drive.changes.list',
      handler: (req) => {
        const from = Number(req.query.pageToken);
        if (!Number.isInteger(from) || from < state.minSeq || from > state.seq) return invalidToken();
        const size = Math.min(Number(req.query.pageSize ?? 100) || 100, 1000);
        const pending = state.changes.filter((c) => c.seq >= from);
        const page = pending.slice(0, size);
        const out: unknown[] = [];
        for (const c of page) {
          const f = state.files.get(c.fileId);
          if (f?.driveId && !allDrives(req)) continue;
          const removed = c.removed || !f;
          if (removed && req.query.includeRemoved === 'false') continue;
          out.push({
            kind: 'drive#change',
            changeType: 'file',
            type: 'file',
            fileId: c.fileId,
            time: c.time,
            removed,
            ...(removed ? {} : { file: fileView(f!) }),
            ...(f?.driveId ? { driveId: f.driveId } : {}),
          });
        }
        const more = pending.length > size;
        return {
          body: {
            kind: 'drive#changeList',
            changes: out,
            ...(more ? { nextPageToken: String(pending[size]!.seq) } : { newStartPageToken: String(state.seq) }),
          },
        };
      },
    },
    {
      method: 'POST',
      pattern: '/drive/v3/changes/watch',
      name: 'drive.changes.watch',
      handler: (req) => {
        const body = (req.json ?? {}) as { id?: string; type?: string; address?: string; token?: string };
        if (!body.id || body.type !== 'web_hook' || !body.address?.startsWith('https://'))
          return googleError(400, 'push.webhookUrlNotHttps', 'WebHook callback must be HTTPS.');
        const resourceId = `changes-${channels.size + 1}`;
        const expiration = now() + 7 * 86_400_000;
        channels.set(body.id, {
          address: body.address,
          ...(body.token ? { token: body.token } : {}),
          resourceId,
          expiration,
        });
        return {
          body: {
            kind: 'api#channel',
            id: body.id,
            resourceId,
            resourceUri: 'https://www.googleapis.com/drive/v3/changes?alt=json',
            ...(body.token ? { token: body.token } : {}),
            expiration: String(expiration),
          },
        };
      },
    },
    {
      method: 'POST',
      pattern: '/drive/v3/channels/stop',
      name: 'drive.channels.stop',
      handler: (req) => {
        const body = (req.json ?? {}) as { id?: string };
        return body.id && channels.delete(body.id) ? { status: 204 } : notFound('Channel not found');
      },
    },
  ];
  const before = (req: TwinRequest): TwinResponse | undefined => {
    const token = bearerOf(req.headers);
    return !token || state.tokens.get(token) !== 'valid' ? invalidCredentials() : undefined;
  };
  const server = await startTwinServer({
    routes,
    before,
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
  return Object.assign(server, {
    state,
    rootUrl: `${server.url}/`,
    channels,
    notification(channelId: string, resourceState: 'sync' | 'change' = 'change') {
      const ch = channels.get(channelId);
      if (!ch) throw new Error(`twin: no channel ${channelId}`);
      return channelNotificationHeaders(
        channelId,
        ch,
        resourceState,
        'https://www.googleapis.com/drive/v3/changes?alt=json',
        ++messageNumber,
      );
    },
  });
}
