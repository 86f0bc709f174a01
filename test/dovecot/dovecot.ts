import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';

/** A throwaway Dovecot IMAP server on loopback, for tests. */
export interface DovecotServer {
  host: string;
  port: number;
  /** Users and their plaintext passwords. */
  users: Record<string, string>;
  /** Where the mail lives (`<mailRoot>/<user>` is each user's Maildir). */
  mailRoot: string;
  /** Who owns the mail files (the `dovecot` user when tests run as root). */
  owner: { uid: number; gid: number };
  /** The Maildir folder of a user's mailbox (Maildir++: `INBOX` is the root, `Work` is `.Work`). */
  maildir(user: string, mailbox: string): string;
  /** Dovecot's own log, for failing tests. */
  log(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when the server answers with an IMAP greeting. */
async function waitForGreeting(
  port: number,
  child: ChildProcess,
  log: () => string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.pid === undefined)
      throw new Error(`dovecot exited with ${child.exitCode}:\n${log()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const sock = createConnection({ host: '127.0.0.1', port });
      sock.once('data', (d) => {
        sock.destroy();
        resolve(d.toString().startsWith('* OK'));
      });
      sock.once('error', () => resolve(false));
      sock.setTimeout(2000, () => {
        sock.destroy();
        resolve(false);
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`dovecot did not answer on port ${port}:\n${log()}`);
    // Polling a child process that gives no readiness event: a short pause between connection attempts.
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Starts `dovecot -F -c <conf>` with its own base_dir, a Maildir per user under a temp folder, a passwd-file passdb
 * with plaintext passwords, no TLS, plaintext auth allowed, listening on 127.0.0.1 and a free port.
 * Needs Debian's `dovecot-imapd`. Works as root (mail owned by the `dovecot` user) or as an ordinary user.
 */
export async function startDovecot(
  users: Record<string, string> = { alice: 'alice-password' },
): Promise<DovecotServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'tributary-dovecot-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  const me = userInfo();
  const asRoot = me.uid === 0;
  // Dovecot refuses to give mail access as root; as root the mail belongs to the package's `dovecot` user.
  const { uid, gid } = asRoot ? lookupUser('dovecot') : { uid: me.uid, gid: me.gid };
  const mailRoot = path.join(dir, 'mail');
  for (const d of ['run', 'state', 'mail', 'home']) mkdirSync(path.join(dir, d), { recursive: true });
  if (asRoot) for (const d of ['mail', 'home', 'state']) chownSync(path.join(dir, d), uid, gid);
  writeFileSync(
    path.join(dir, 'users'),
    Object.entries(users)
      .map(([u, p]) => `${u}:{PLAIN}${p}::::::\n`)
      .join(''),
  );
  const conf = `
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${asRoot ? 'dovecot' : me.username}
default_internal_group = ${asRoot ? 'dovecot' : groupName(me.gid)}
default_login_user = ${asRoot ? 'dovenull' : me.username}
first_valid_uid = ${Math.min(uid, 100)}
first_valid_gid = 0
mail_location = maildir:${mailRoot}/%u
mail_uid = ${uid}
mail_gid = ${gid}
mail_plugins =
# A throwaway server: no fsync per delivered message, no delay after a failed login.
mail_fsync = never
auth_failure_delay = 0
protocol imap {
  mail_max_userip_connections = 100
  imap_capability = +QRESYNC
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=${uid} gid=${gid} home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
service pop3-login {
  chroot =
}
`;
  writeFileSync(path.join(dir, 'dovecot.conf'), conf);
  const log = (): string => {
    try {
      return readFileSync(path.join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '(no log)';
    }
  };
  // Debian installs it in /usr/sbin, which is not on an ordinary user's PATH.
  const bin = existsSync('/usr/sbin/dovecot') ? '/usr/sbin/dovecot' : 'dovecot';
  const child = spawn(bin, ['-F', '-c', path.join(dir, 'dovecot.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.once('error', (err) => (stderr += `\ncannot start ${bin}: ${err.message} (install Debian's dovecot-imapd)`));
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const fullLog = (): string => `${log()}\n${stderr}`;
  try {
    await waitForGreeting(port, child, fullLog);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    host: '127.0.0.1',
    port,
    users,
    mailRoot,
    owner: { uid, gid },
    maildir: (user, mailbox) => path.join(mailRoot, user, mailbox === 'INBOX' ? '' : `.${mailbox}`),
    log: fullLog,
    stop: async () => {
      // Not yet exited (a dovecot ended by a signal has exitCode null but signalCode set: no 'exit' is coming).
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function lookupUser(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`user ${name} not found: is dovecot-imapd installed?`);
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

function groupName(gid: number): string {
  const line = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .find((l) => l.split(':')[2] === String(gid));
  return line?.split(':')[0] ?? String(gid);
}
