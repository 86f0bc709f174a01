import type pg from 'pg';
import { loadPg } from '../lazy-require.js';
import { silentLogger, systemClock, type Clock, type Logger } from '@tributary/sdk';
import { defaultConsumerName } from '../worker/consumer-name.js';
import type { LeaderElector, LeadershipListener } from './leader.js';

export interface PgLeaderOptions {
  connectionString: string;
  /** The advisory lock key (a 64-bit integer shared by all schedulers). @default 7_301_962_024 */
  lockKey?: bigint | number;
  /** How often followers try and the leader checks its session. @default 5000 */
  retryMs?: number;
  id?: string;
  clock?: Clock;
  logger?: Logger;
  onChange?: LeadershipListener;
}

/**
 * PostgreSQL leader election: `pg_try_advisory_lock` held on a dedicated session. The lock lives exactly as long as
 * the session, so a dead leader's lock is freed by PostgreSQL when its connection drops. The leader pings its
 * session every `retryMs` and steps down when it breaks.
 */
export function createPgLeaderElector(options: PgLeaderOptions): LeaderElector {
  const lockKey = String(options.lockKey ?? 7_301_962_024);
  const retryMs = options.retryMs ?? 5000;
  const id = options.id ?? defaultConsumerName();
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? silentLogger;
  let client: pg.Client | null = null;
  let leader = false;
  const stopper = new AbortController();
  let loop: Promise<void> | null = null;

  const setLeader = (value: boolean): void => {
    if (value === leader) return;
    leader = value;
    logger.info(value ? 'became scheduler leader' : 'lost scheduler leadership', { id });
    options.onChange?.(value);
  };

  const dropClient = async (): Promise<void> => {
    const c = client;
    client = null;
    setLeader(false);
    await c?.end().catch(() => undefined);
  };

  const attempt = async (): Promise<void> => {
    try {
      if (!client) {
        const c = new (loadPg().Client)({
          connectionString: options.connectionString,
          application_name: `tributary-scheduler ${id}`,
        });
        // A broken session means the lock is gone: step down at once.
        c.on('error', () => void dropClient());
        await c.connect();
        client = c;
      }
      if (leader) {
        await client.query('SELECT 1');
      } else {
        const res = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [lockKey]);
        setLeader(res.rows[0]?.ok === true);
      }
    } catch (err) {
      logger.warn('leader election round failed', { error: String(err) });
      await dropClient();
    }
  };

  return {
    id,
    async start() {
      if (loop) return;
      await attempt();
      loop = (async () => {
        while (!stopper.signal.aborted) {
          await clock.sleep(retryMs, stopper.signal).catch(() => undefined);
          if (!stopper.signal.aborted) await attempt();
        }
      })();
    },
    async stop({ release = true } = {}) {
      stopper.abort();
      await loop;
      if (release && leader && client) {
        await client.query('SELECT pg_advisory_unlock($1::bigint)', [lockKey]).catch(() => undefined);
      }
      // Ending the session frees the lock either way; `release: false` still ends it, as a crash would.
      await dropClient();
    },
    isLeader: () => leader,
  };
}
