import { randomBytes, timingSafeEqual } from 'node:crypto';

/** One signed-in browser: which token it acts as (by hash, the form the store keeps) and its CSRF secret. */
export interface DashboardSession {
  id: string;
  /** sha256 of the API token the session acts as; the token itself is never kept. */
  tokenHash: string;
  userId: string;
  csrf: string;
  /** Tokens issued for a one-time link are revoked at logout (they exist only for this session). */
  ownTokenId: string | null;
  expiresAt: number;
  /** When the token's `last_used_at` was last written for this session (not on every request). */
  touchedAt: number;
}

/** Session lifetime, renewed by use. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** How long the one-time sign-in link of `tributary up` stays valid. */
export const LOGIN_CODE_TTL_MS = 15 * 60 * 1000;

const random = (bytes: number): string => randomBytes(bytes).toString('base64url');

/**
 * Dashboard sessions and one-time sign-in codes, in this process's memory: a restart signs everyone out (the
 * API tokens behind sessions stay valid). Only random ids reach the browser, in an HttpOnly cookie.
 */
export function createSessionStore(now: () => number = Date.now) {
  const sessions = new Map<string, DashboardSession>();
  const codes = new Map<string, { userId: string; expiresAt: number }>();
  const sweep = (): void => {
    const t = now();
    for (const [id, s] of sessions) if (s.expiresAt <= t) sessions.delete(id);
    for (const [c, v] of codes) if (v.expiresAt <= t) codes.delete(c);
  };
  return {
    create(input: { tokenHash: string; userId: string; ownTokenId?: string | null }): DashboardSession {
      sweep();
      const session: DashboardSession = {
        id: random(32),
        tokenHash: input.tokenHash,
        userId: input.userId,
        csrf: random(32),
        ownTokenId: input.ownTokenId ?? null,
        expiresAt: now() + SESSION_TTL_MS,
        touchedAt: 0,
      };
      sessions.set(session.id, session);
      return session;
    },
    /** The live session of this id (renewed), or undefined. */
    get(id: string | undefined): DashboardSession | undefined {
      if (!id) return undefined;
      const s = sessions.get(id);
      if (!s) return undefined;
      if (s.expiresAt <= now()) {
        sessions.delete(id);
        return undefined;
      }
      s.expiresAt = now() + SESSION_TTL_MS;
      return s;
    },
    delete(id: string): DashboardSession | undefined {
      const s = sessions.get(id);
      sessions.delete(id);
      return s;
    },
    /** A single-use sign-in code for `userId` (the link `tributary up` prints). */
    loginCode(userId: string): string {
      sweep();
      const code = random(24);
      codes.set(code, { userId, expiresAt: now() + LOGIN_CODE_TTL_MS });
      return code;
    },
    /** The user of a valid code, consuming it; undefined when unknown, used or expired. */
    redeem(code: string): string | undefined {
      const v = codes.get(code);
      codes.delete(code);
      if (!v || v.expiresAt <= now()) return undefined;
      return v.userId;
    },
  };
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/** Constant-time comparison of two secrets (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
