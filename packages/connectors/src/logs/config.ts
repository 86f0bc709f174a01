import { z } from 'zod';
import { LOG_FORMATS } from './formats/index.js';

/** Config of a `logs` source. */
export const LogsConfigSchema = z.object({
  paths: z
    .array(
      z
        .string()
        .min(1)
        .refine((p) => p.startsWith('/'), 'must be an absolute path or glob'),
    )
    .min(1)
    .describe(
      'Absolute files or globs to read, e.g. ["/var/log/nginx/access.log*"]. Rotated .gz files are read too when matched.',
    )
    .meta({ path: true }),
  format: z
    .enum(['auto', ...LOG_FORMATS])
    .default('auto')
    .describe(
      'Log format: combined (Apache/nginx common and combined, vhost_combined), json (Caddy, GCP httpRequest), elb (AWS ALB/Classic), w3c (IIS), atlassian (Jira/Confluence). auto detects per file.',
    ),
  aggregateWindowMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(5)
    .describe('With the `aggregate` feature: the time window requests are grouped by (with method and path template).'),
  partialLineGraceMs: z
    .number()
    .int()
    .nonnegative()
    .default(60_000)
    .describe(
      'A last line without a newline is read only once the file has not changed for this long (a writer may be mid-line).',
    ),
  pageSize: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(1000)
    .describe('Items per page (each page is one committed batch).'),
});
export type LogsConfig = z.output<typeof LogsConfigSchema>;
