import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const BIN = '/usr/lib/postgresql/15/bin';

/**
 * A private PostgreSQL 15 cluster (Debian's binaries) on its own port and folder, so a test can restart or stop
 * it without touching the machine's shared server on 5432 that other tests use. Run as root (CI here), the
 * cluster belongs to the `postgres` user, as initdb refuses root.
 */
export class PrivatePostgres {
  private readonly data: string;
  /** Socket and log: a folder the server's user may write. */
  private readonly runDir: string;
  constructor(
    readonly port: number,
    readonly dir: string,
  ) {
    this.data = path.join(dir, 'pgdata');
    this.runDir = path.join(dir, 'pgrun');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private async as(bin: string, args: string[]): Promise<void> {
    const root = process.getuid?.() === 0;
    const [cmd, argv] = root
      ? ['runuser', ['-u', 'postgres', '--', path.join(BIN, bin), ...args]]
      : [path.join(BIN, bin), args];
    await run(cmd, argv, { timeout: 60_000 });
  }

  /** initdb (trust auth, no fsync: a test cluster) and start. */
  async start(): Promise<void> {
    mkdirSync(this.data, { recursive: true });
    mkdirSync(this.runDir, { recursive: true });
    if (process.getuid?.() === 0) {
      chmodSync(this.dir, 0o755);
      for (const d of [this.data, this.runDir]) chownSync(d, uid('postgres'), gid('postgres'));
    }
    chmodSync(this.data, 0o700);
    await this.as('initdb', ['-D', this.data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    await this.pgCtl('start');
  }

  private pgCtl(action: 'start' | 'restart' | 'stop', mode = 'fast'): Promise<void> {
    const opts = `-p ${this.port} -k ${this.runDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    return this.as('pg_ctl', [
      '-D',
      this.data,
      '-o',
      opts,
      '-l',
      path.join(this.runDir, 'pg.log'),
      '-m',
      mode,
      '-w',
      action,
    ]);
  }

  /** A restart as `pg_ctlcluster … restart` does it: fast shutdown (sessions get 57P01), then start. */
  restart(): Promise<void> {
    return this.pgCtl('restart');
  }

  /** Stops the server (fast shutdown) and keeps the cluster, for {@link resume}. */
  halt(): Promise<void> {
    return this.pgCtl('stop');
  }

  resume(): Promise<void> {
    return this.pgCtl('start');
  }

  async stop(): Promise<void> {
    await this.pgCtl('stop', 'immediate').catch(() => undefined);
  }
}

/** The numeric id of a user or its group (synchronous: called once while setting up). */
function uid(user: string): number {
  return Number(execFileSync('id', ['-u', user]).toString().trim());
}
function gid(user: string): number {
  return Number(execFileSync('id', ['-g', user]).toString().trim());
}
