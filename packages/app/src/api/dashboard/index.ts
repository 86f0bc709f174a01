import type { Api, RouteDeps } from '../context.js';
import { registerDashboardEvents } from './events.js';
import { registerDashboardOpsRoutes } from './ops-routes.js';
import { registerDashboardSearchRoutes } from './search-routes.js';
import { registerSessionRoutes } from './session-routes.js';
import { registerDashboardSourceRoutes } from './source-routes.js';
import type { DashboardState } from './state.js';

export { createDashboardState, loginLink, type DashboardState, type VaultStatus } from './state.js';
export { mountDashboardStatic } from './static.js';
export { sessionPrincipal, SESSION_COOKIE, CSRF_HEADER } from './session-auth.js';

/** The dashboard's API routes (under /api/v1/dashboard, plus /sources/{id}/check and /discover). */
export function registerDashboardRoutes(app: Api, deps: RouteDeps, state: DashboardState): void {
  registerSessionRoutes(app, deps, state);
  registerDashboardSourceRoutes(app, deps, state);
  registerDashboardEvents(app, deps, state);
  registerDashboardOpsRoutes(app, deps, state);
  registerDashboardSearchRoutes(app, deps);
}

/** Paths the auth guard lets through without a session or token: signing in. */
export const DASHBOARD_PUBLIC = { method: 'POST', path: '/dashboard/session' } as const;
