import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * Real PostgreSQL (WASM) with pgvector, served over the wire protocol on a random loopback port, so the
 * PostgreSQL store's pgvector SQL runs through `pg` exactly as against a server. One connection at a time:
 * open stores on it with `maxConnections: 1`.
 */
export async function startPgliteServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const db = await PGlite.create({ extensions: { vector } });
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  return {
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
