import { createProgressHub, type ProgressHub } from './progress.js';
import { createSessionStore, type SessionStore } from './sessions.js';

/** What the operator can learn about the credential vault without any key material. */
export interface VaultStatus {
  /** Where the encryption key comes from. */
  keySource: 'env' | 'file' | 'memory';
  /** Encryption of credentials and secret config fields at rest. */
  encryption: string;
}

/**
 * The dashboard's server-side state, created by the process (`up`, `serve`) so it can feed engine events into
 * `progress` and print a one-time sign-in link from `sessions`, then passed to the app.
 */
export interface DashboardState {
  sessions: SessionStore;
  progress: ProgressHub;
  /** Whether `/login#code=…` links may be issued (embedded single-user mode). */
  loginLinks: boolean;
  vault?: () => VaultStatus;
  /** OAuth providers added in this server's config (`TRIBUTARY_OAUTH_PROVIDERS_JSON`): offered besides a connector's own. */
  oauthProviders?: string[];
  /** Folder of the built dashboard (index.html + assets); default: packages/dashboard/dist. */
  staticDir?: string;
}

export function createDashboardState(options: Partial<Omit<DashboardState, 'sessions' | 'progress'>> = {}) {
  const state: DashboardState = {
    sessions: createSessionStore(),
    progress: createProgressHub(),
    loginLinks: options.loginLinks ?? false,
    ...(options.vault ? { vault: options.vault } : {}),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    ...(options.oauthProviders ? { oauthProviders: options.oauthProviders } : {}),
  };
  return state;
}

/** The one-time sign-in link of a running server for `userId` (a fragment: never sent to a server or a log). */
export function loginLink(state: DashboardState, serverUrl: string, userId: string): string {
  return `${serverUrl}/login#code=${state.sessions.loginCode(userId)}`;
}
