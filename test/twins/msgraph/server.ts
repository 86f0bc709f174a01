import { createHmac, randomUUID } from 'node:crypto';
import { startTwinServer, type TwinRequest, type TwinResponse, type TwinRoute, type TwinServer } from '../kit/index.js';
import { bearerOf, expiredToken, graphError, resyncRequired } from './errors.js';
import type { GraphDriveState, TwinItem, TwinSubscription } from './state.js';

export interface GraphTwinOptions {
  record?: boolean;
  /** Where the twin actually sends a notification meant for `url` (tests map the public https address to the app). */
  resolveUrl?: (url: string) => string;
  /** The twin's "now" for subscription expiry (tests move it). @default Date.now */
  now?: () => number;
  /** Put `@microsoft.graph.downloadUrl` on file items (Graph omits it in some answers). @default true */
  downloadUrls?: boolean;
}

export interface GraphTwin extends TwinServer {
  state: GraphDriveState;
  /** The `baseUrl` for the connector: `<url>/v1.0`. */
  baseUrl: string;
  /** Sends a change notification for a subscription (as Graph does after a change); `clientState` overridable. */
  notify(subscriptionId: string, override?: { clientState?: string }): Promise<Response>;
  /** Sends a lifecycle notification (reauthorizationRequired, subscriptionRemoved, missed). */
  lifecycle(
    subscriptionId: string,
    event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed',
  ): Promise<Response>;
  /** The validation handshakes sent, with what the endpoint answered. */
  handshakes: Array<{ url: string; status: number; body: string; contentType: string | null; ok: boolean }>;
}

/** Graph's limit for driveItem subscriptions: 42,300 minutes. */
const MAX_SUBSCRIPTION_MS = 42_300 * 60_000;

const b64 = (s: string): string => Buffer.from(s).toString('base64url');
const unb64 = (s: string): string => Buffer.from(s, 'base64url').toString();

/** Starts the Microsoft Graph twin (drive delta, content, subscriptions) on 127.0.0.1, port 0. */
export async function startGraphTwin(state: GraphDriveState, options: GraphTwinOptions = {}): Promise<GraphTwin> {
  const now = options.now ?? Date.now;
  const resolve = options.resolveUrl ?? ((u: string) => u);
  const secret = randomUUID();
  const handshakes: GraphTwin['handshakes'] = [];
  let url = '';
  const tempauth = (id: string): string => createHmac('sha256', secret).update(id).digest('base64url').slice(0, 32);

  const webUrlOf = (it: TwinItem): string => {
    const names: string[] = [];
    for (let cur: TwinItem | undefined = it; cur && cur.id !== state.rootId; cur = state.items.get(cur.parentId ?? ''))
      names.unshift(encodeURIComponent(cur.name));
    return `https://contoso-my.sharepoint.com/personal/megan_contoso_com/Documents/${names.join('/')}`;
  };

  const downloadUrlOf = (it: TwinItem): string =>
    `${url}/dl/${it.id}?tempauth=${tempauth(`${it.id}:${it.contentVersion}`)}&v=${it.contentVersion}`;

  const view = (it: TwinItem): Record<string, unknown> => {
    const parentReference = {
      driveId: state.driveId,
      driveType: 'business',
      ...(it.parentId ? { id: it.parentId } : {}),
    };
    if (it.deleted) return { id: it.id, name: it.name, parentReference, deleted: { state: 'deleted' } };
    const base = {
      id: it.id,
      name: it.name,
      eTag: `"{${it.id}},${it.version}"`,
      cTag: `"c:{${it.id}},${it.contentVersion}"`,
      createdDateTime: it.createdDateTime,
      lastModifiedDateTime: it.lastModifiedDateTime,
      createdBy: { user: it.createdBy },
      lastModifiedBy: { user: it.lastModifiedBy },
      webUrl: webUrlOf(it),
      parentReference,
      fileSystemInfo: { createdDateTime: it.createdDateTime, lastModifiedDateTime: it.lastModifiedDateTime },
    };
    if (it.id === state.rootId) return { ...base, root: {}, folder: { childCount: 0 }, size: 0 };
    if (it.folder)
      return {
        ...base,
        folder: { childCount: [...state.items.values()].filter((c) => !c.deleted && c.parentId === it.id).length },
        size: 0,
      };
    return {
      ...base,
      size: it.content?.length ?? 0,
      file: {
        mimeType: it.mimeType,
        hashes: { quickXorHash: b64(`${it.id}:${it.contentVersion}`).slice(0, 27) + '=' },
      },
      ...(options.downloadUrls === false ? {} : { '@microsoft.graph.downloadUrl': downloadUrlOf(it) }),
    };
  };

  /**
   * The delta query. A token is `i.<epoch>.<seq>.<top>.<offset>` (a first round: every live item in creation order,
   * as of change position seq), `c.<epoch>.<from>.<to>.<top>.<offset>` (changes after `from` up to `to`: the latest
   * state of each changed item, deleted ones with the `deleted` facet) or `d.<epoch>.<seq>` (a delta link).
   */
  const delta = (req: TwinRequest): TwinResponse => {
    const self = `${url}${req.path}`;
    const link = (t: string): string => `${self}?token=${b64(t)}`;
    const raw = req.query.token ? unb64(req.query.token) : undefined;
    const parts = raw?.split('.') ?? [];
    if (
      raw !== undefined &&
      (parts.length < 3 || !/^[icd]$/.test(parts[0]!) || parts.slice(1).some((p) => !/^\d+$/.test(p)))
    )
      return graphError(400, 'invalidRequest', 'Invalid token.');
    if (raw !== undefined && Number(parts[1]) !== state.epoch) return resyncRequired();
    const defaultTop = Math.min(Math.max(Number(req.query.$top ?? 200) || 200, 1), 1000);
    let list: TwinItem[];
    let top: number;
    let offset: number;
    let more: (next: number) => string;
    let end: string;
    if (raw === undefined || parts[0] === 'i') {
      const at = raw === undefined ? state.seq : Number(parts[2]);
      top = raw === undefined ? defaultTop : Number(parts[3]);
      offset = raw === undefined ? 0 : Number(parts[4]);
      list = state.order.map((id) => state.items.get(id)!).filter((it) => !it.deleted);
      more = (next) => link(`i.${state.epoch}.${at}.${top}.${next}`);
      end = link(`d.${state.epoch}.${at}`);
    } else if (parts[0] === 'd' || parts[0] === 'c') {
      const from = Number(parts[2]);
      const to = parts[0] === 'd' ? state.seq : Number(parts[3]);
      top = parts[0] === 'd' ? defaultTop : Number(parts[4]);
      offset = parts[0] === 'd' ? 0 : Number(parts[5]);
      list = [...state.items.values()].filter((it) => it.seq > from && it.seq <= to).sort((a, b) => a.seq - b.seq);
      more = (next) => link(`c.${state.epoch}.${from}.${to}.${top}.${next}`);
      end = link(`d.${state.epoch}.${to}`);
    } else return graphError(400, 'invalidRequest', 'Invalid token.');
    const page = list.slice(offset, offset + top);
    const next = offset + top < list.length;
    return {
      body: {
        '@odata.context': `${url}/v1.0/$metadata#Collection(driveItem)`,
        ...(next ? { '@odata.nextLink': more(offset + top) } : { '@odata.deltaLink': end }),
        value: page.map(view),
      },
    };
  };

  const item = (req: TwinRequest): TwinItem | TwinResponse => {
    if (req.params.driveId !== undefined && req.params.driveId !== state.driveId)
      return graphError(404, 'itemNotFound', 'The resource could not be found.');
    const id = req.params.itemId ?? state.rootId;
    const it = state.items.get(id);
    return it && !it.deleted ? it : graphError(404, 'itemNotFound', 'The resource could not be found.');
  };
  const isItem = (x: TwinItem | TwinResponse): x is TwinItem => 'seq' in x;

  const subscriptionView = (s: TwinSubscription): Record<string, unknown> => ({
    '@odata.context': `${url}/v1.0/$metadata#subscriptions/$entity`,
    id: s.id,
    resource: s.resource,
    applicationId: '24d3b144-21ae-4080-943f-7067b395b913',
    changeType: s.changeType,
    clientState: s.clientState ?? null,
    notificationUrl: s.notificationUrl,
    lifecycleNotificationUrl: s.lifecycleNotificationUrl ?? null,
    expirationDateTime: s.expirationDateTime,
    creatorId: '48d31887-5fad-4d73-a9f5-3c356e68a038',
    includeResourceData: false,
    latestSupportedTlsVersion: 'v1_2',
    encryptionCertificate: null,
    encryptionCertificateId: null,
    notificationQueryOptions: null,
    notificationUrlAppId: null,
  });

  /** The validation handshake: POST `<url>?validationToken=…`; the endpoint must echo it as text/plain within 10 s. */
  const handshake = async (target: string): Promise<boolean> => {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()}`;
    const to = new URL(resolve(target));
    to.searchParams.set('validationToken', token);
    try {
      const res = await fetch(to, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        signal: AbortSignal.timeout(10_000),
      });
      const body = await res.text();
      const contentType = res.headers.get('content-type');
      const ok = res.status === 200 && body === token && (contentType ?? '').startsWith('text/plain');
      handshakes.push({ url: target, status: res.status, body, contentType, ok });
      return ok;
    } catch (err) {
      handshakes.push({ url: target, status: 0, body: String((err as Error).message), contentType: null, ok: false });
      return false;
    }
  };

  const expiryProblem = (iso: unknown): string | undefined => {
    const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
    if (Number.isNaN(t)) return 'expirationDateTime is required.';
    if (t <= now()) return 'Subscription expiration can only be in the future.';
    if (t - now() > MAX_SUBSCRIPTION_MS)
      return 'Subscription expiration exceeds the maximum allowed for driveItem (42300 minutes).';
    return undefined;
  };

  const routes: TwinRoute[] = [
    { method: 'GET', pattern: '/v1.0/me/drive/root/delta', name: 'driveItem.delta', handler: delta },
    {
      method: 'GET',
      pattern: '/v1.0/drives/:driveId/root/delta',
      name: 'driveItem.delta',
      handler: (req) =>
        req.params.driveId === state.driveId
          ? delta(req)
          : graphError(404, 'itemNotFound', 'The resource could not be found.'),
    },
    ...[
      '/v1.0/me/drive/root',
      '/v1.0/drives/:driveId/root',
      '/v1.0/me/drive/items/:itemId',
      '/v1.0/drives/:driveId/items/:itemId',
    ].map((pattern): TwinRoute => ({
      method: 'GET',
      pattern,
      name: 'driveItem.get',
      handler: (req) => {
        const it = item(req);
        return isItem(it) ? { body: view(it) } : it;
      },
    })),
    ...['/v1.0/me/drive/items/:itemId/children', '/v1.0/drives/:driveId/items/:itemId/children'].map(
      (pattern): TwinRoute => ({
        method: 'GET',
        pattern,
        name: 'driveItem.children',
        handler: (req) => {
          const parent = item(req);
          if (!isItem(parent)) return parent;
          const all = state.order
            .map((id) => state.items.get(id)!)
            .filter((c) => !c.deleted && c.parentId === parent.id);
          const top = Math.min(Math.max(Number(req.query.$top ?? 200) || 200, 1), 1000);
          const from = Number(req.query.$skiptoken ?? 0) || 0;
          const more = from + top < all.length;
          return {
            body: {
              '@odata.context': `${url}/v1.0/$metadata#Collection(driveItem)`,
              ...(more ? { '@odata.nextLink': `${url}${req.path}?$top=${top}&$skiptoken=${from + top}` } : {}),
              value: all.slice(from, from + top).map(view),
            },
          };
        },
      }),
    ),
    ...['/v1.0/me/drive/items/:itemId/content', '/v1.0/drives/:driveId/items/:itemId/content'].map(
      (pattern): TwinRoute => ({
        method: 'GET',
        pattern,
        name: 'driveItem.content',
        handler: (req) => {
          const it = item(req);
          if (!isItem(it)) return it;
          if (it.folder) return graphError(400, 'invalidRequest', 'Cannot download a folder.');
          return { status: 302, headers: { location: downloadUrlOf(it) } };
        },
      }),
    ),
    {
      method: 'GET',
      pattern: '/dl/:itemId',
      name: 'download',
      handler: (req) => {
        const it = state.items.get(req.params.itemId!);
        // A pre-authenticated URL: valid for the content version it was made for, needs no bearer token.
        if (
          !it ||
          it.deleted ||
          req.query.tempauth !== tempauth(`${it.id}:${req.query.v}`) ||
          Number(req.query.v) !== it.contentVersion
        )
          return { status: 401, body: 'Unauthorized' };
        return { headers: { 'content-type': 'application/octet-stream' }, body: it.content ?? Buffer.alloc(0) };
      },
    },
    {
      method: 'POST',
      pattern: '/v1.0/subscriptions',
      name: 'subscriptions.create',
      handler: async (req) => {
        const b = (req.json ?? {}) as Record<string, unknown>;
        const resource = String(b.resource ?? '').replace(/^\//, '');
        if (resource !== 'me/drive/root' && resource !== `drives/${state.driveId}/root`)
          return graphError(400, 'InvalidRequest', `Resource '${b.resource}' is not supported.`);
        if (b.changeType !== 'updated')
          return graphError(
            400,
            'InvalidRequest',
            "Drive root item subscriptions support only the 'updated' changeType.",
          );
        for (const k of ['notificationUrl', 'lifecycleNotificationUrl'] as const)
          if (b[k] !== undefined && !String(b[k]).startsWith('https://'))
            return graphError(400, 'InvalidRequest', `The ${k} must use the HTTPS protocol.`);
        if (typeof b.notificationUrl !== 'string')
          return graphError(400, 'InvalidRequest', 'notificationUrl is required.');
        if (typeof b.clientState === 'string' && b.clientState.length > 128)
          return graphError(400, 'InvalidRequest', 'clientState must be at most 128 characters.');
        const problem = expiryProblem(b.expirationDateTime);
        if (problem) return graphError(400, 'InvalidRequest', problem);
        const targets = new Set([
          b.notificationUrl,
          ...(typeof b.lifecycleNotificationUrl === 'string' ? [b.lifecycleNotificationUrl] : []),
        ]);
        for (const t of targets)
          if (!(await handshake(t)))
            return graphError(
              400,
              'ValidationError',
              'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
            );
        const s: TwinSubscription = {
          id: randomUUID(),
          resource,
          changeType: 'updated',
          notificationUrl: b.notificationUrl,
          ...(typeof b.lifecycleNotificationUrl === 'string'
            ? { lifecycleNotificationUrl: b.lifecycleNotificationUrl }
            : {}),
          ...(typeof b.clientState === 'string' ? { clientState: b.clientState } : {}),
          expirationDateTime: new Date(Date.parse(String(b.expirationDateTime))).toISOString(),
        };
        state.subscriptions.set(s.id, s);
        return { status: 201, body: subscriptionView(s) };
      },
    },
    {
      method: 'GET',
      pattern: '/v1.0/subscriptions/:id',
      name: 'subscriptions.get',
      handler: (req) => {
        const s = state.subscriptions.get(req.params.id!);
        return s ? { body: subscriptionView(s) } : graphError(404, 'ResourceNotFound', 'The object was not found.');
      },
    },
    {
      method: 'PATCH',
      pattern: '/v1.0/subscriptions/:id',
      name: 'subscriptions.update',
      handler: (req) => {
        const s = state.subscriptions.get(req.params.id!);
        if (!s) return graphError(404, 'ResourceNotFound', 'The object was not found.');
        const b = (req.json ?? {}) as Record<string, unknown>;
        const problem = expiryProblem(b.expirationDateTime);
        if (problem) return graphError(400, 'InvalidRequest', problem);
        s.expirationDateTime = new Date(Date.parse(String(b.expirationDateTime))).toISOString();
        return { body: subscriptionView(s) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1.0/subscriptions/:id',
      name: 'subscriptions.delete',
      handler: (req) =>
        state.subscriptions.delete(req.params.id!)
          ? { status: 204 }
          : graphError(404, 'ResourceNotFound', 'The object was not found.'),
    },
  ];

  const before = (req: TwinRequest, route: TwinRoute): TwinResponse | undefined => {
    if (route.name === 'download') return undefined;
    const token = bearerOf(req.headers);
    return !token || state.tokens.get(token) !== 'valid' ? expiredToken() : undefined;
  };
  const server = await startTwinServer({
    routes,
    before,
    ...(options.record !== undefined ? { record: options.record } : {}),
  });
  url = server.url;

  const post = async (s: TwinSubscription, target: string, notification: Record<string, unknown>): Promise<Response> =>
    fetch(resolve(target), {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({
        value: [
          {
            subscriptionId: s.id,
            subscriptionExpirationDateTime: s.expirationDateTime,
            resource: s.resource,
            tenantId: 'bb8775a4-4d8c-42cf-a1d4-4d58c2bb668f',
            ...notification,
          },
        ],
      }),
    });
  const sub = (id: string): TwinSubscription => {
    const s = state.subscriptions.get(id);
    if (!s) throw new Error(`twin: no subscription ${id}`);
    return s;
  };

  return Object.assign(server, {
    state,
    baseUrl: `${server.url}/v1.0`,
    handshakes,
    notify(id: string, override: { clientState?: string } = {}) {
      const s = sub(id);
      return post(s, s.notificationUrl, {
        changeType: 'updated',
        clientState: override.clientState ?? s.clientState ?? null,
        resourceData: null,
      });
    },
    lifecycle(id: string, event: 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed') {
      const s = sub(id);
      if (event === 'subscriptionRemoved') state.subscriptions.delete(id);
      return post(s, s.lifecycleNotificationUrl ?? s.notificationUrl, {
        lifecycleEvent: event,
        clientState: s.clientState ?? null,
      });
    },
  });
}
