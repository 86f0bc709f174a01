import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DiscordState } from './state.js';
import { userView } from './views.js';

export interface DiscordGateway {
  /** `ws://127.0.0.1:<port>`, what `GET /gateway/bot` answers as `url`. */
  url: string;
  /** Sends a dispatch event (`op: 0`) to every identified connection. */
  dispatch(t: string, d: Record<string, unknown>): void;
  /** Identified connections (IDENTIFY received, READY sent), and the intents they asked for. */
  sessions(): Array<{ intents: number }>;
  /** Resolves when a client has identified. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Discord Gateway (API v10, JSON encoding, no compression) for `@discordjs/ws`: HELLO (op 10) on connect,
 * IDENTIFY (op 2) with a known bot token answered by READY, heartbeats (op 1) acknowledged (op 11); an unknown
 * token is closed with 4004 Authentication failed. https://discord.com/developers/docs/events/gateway
 */
export async function startDiscordGateway(state: DiscordState): Promise<DiscordGateway> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const sessions = new Map<WebSocket, { seq: number; intents: number }>();
  let onReady: Array<() => void> = [];
  wss.on('connection', (ws) => {
    const send = (payload: Record<string, unknown>) => ws.send(JSON.stringify(payload));
    send({ op: 10, d: { heartbeat_interval: 41_250 }, s: null, t: null });
    ws.on('message', (raw) => {
      let msg: { op: number; d: any };
      try {
        msg = JSON.parse(String(raw));
      } catch {
        ws.close(4002, 'Decode error');
        return;
      }
      if (msg.op === 1) send({ op: 11, d: null, s: null, t: null });
      else if (msg.op === 2) {
        if (!state.tokens.has(String(msg.d?.token ?? '').replace(/^Bot /, ''))) {
          ws.close(4004, 'Authentication failed');
          return;
        }
        const session = { seq: 1, intents: Number(msg.d?.intents ?? 0) };
        sessions.set(ws, session);
        send({
          op: 0,
          t: 'READY',
          s: session.seq,
          d: {
            v: 10,
            user: userView(state.bot),
            guilds: state.guilds.map((g) => ({ id: g.id, unavailable: true })),
            session_id: `session-${sessions.size}`,
            resume_gateway_url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
            shard: [0, 1],
            application: { id: state.bot.id, flags: 0 },
          },
        });
        for (const r of onReady) r();
        onReady = [];
      }
    });
    ws.on('close', () => sessions.delete(ws));
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  return {
    url,
    dispatch(t, d) {
      for (const [ws, s] of sessions) ws.send(JSON.stringify({ op: 0, t, s: ++s.seq, d }));
    },
    sessions: () => [...sessions.values()].map((s) => ({ intents: s.intents })),
    ready: () => (sessions.size ? Promise.resolve() : new Promise<void>((r) => onReady.push(r))),
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}
