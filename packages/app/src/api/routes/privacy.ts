import { createRoute } from '@hono/zod-openapi';
import { requireWrite } from '../../auth/authenticate.js';
import type { Api, RouteDeps } from '../context.js';
import { principal } from '../context.js';
import { errorResponses, json } from '../schemas/common.js';
import {
  PrivacyDryRunBodySchema,
  PrivacyReportSchema,
  PrivacyRulesSchema,
  PurgeMatchBodySchema,
  PurgeMatchResultSchema,
} from '../schemas/privacy.js';

const body = <T>(schema: T) => ({ content: { 'application/json': { schema } }, required: true });

/** The caller's privacy rules, their dry run over stored data, and `purge --match` (docs/api.md). */
export function registerPrivacyRoutes(app: Api, deps: RouteDeps): void {
  const { engine } = deps;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/privacy/rules',
      tags: ['privacy'],
      summary: 'Your redaction and exclusion rules',
      responses: { 200: json(PrivacyRulesSchema) },
    }),
    async (c) => c.json(await engine.privacy.get(principal(c).user.id), 200),
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/privacy/rules',
      tags: ['privacy'],
      summary: 'Replace your rules (applied to items stored from now on)',
      request: { body: body(PrivacyRulesSchema) },
      responses: { 200: json(PrivacyRulesSchema, 'Saved'), ...errorResponses(400, 403) },
    }),
    async (c) => {
      const p = principal(c);
      requireWrite(p);
      return c.json(await engine.privacy.set(p.user.id, c.req.valid('json')), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/privacy/dry-run',
      tags: ['privacy'],
      summary: 'What rules would redact or drop in stored data (changes nothing)',
      request: { body: body(PrivacyDryRunBodySchema) },
      responses: { 200: json(PrivacyReportSchema), ...errorResponses(400) },
    }),
    async (c) => {
      const r = await engine.privacy.dryRun(principal(c).user.id, c.req.valid('json').rules);
      return c.json(
        {
          scanned: r.scanned,
          redacted: r.redacted,
          dropped: r.dropped,
          samples: r.samples.map((s) => ({
            memory_id: s.memoryId,
            source: s.source,
            external_id: s.externalId,
            action: s.action,
            matches: s.matches,
          })),
        },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/privacy/purge',
      tags: ['privacy'],
      summary: 'Erase stored memories matching a regex (tombstone; content, versions and index gone)',
      request: { body: body(PurgeMatchBodySchema) },
      responses: { 200: json(PurgeMatchResultSchema), ...errorResponses(400, 403) },
    }),
    async (c) => {
      const b = c.req.valid('json');
      const p = principal(c);
      if (!b.dry_run) requireWrite(p);
      return c.json(await engine.privacy.purgeMatching(p.user.id, b.match, { flags: b.flags, dryRun: b.dry_run }), 200);
    },
  );
}
