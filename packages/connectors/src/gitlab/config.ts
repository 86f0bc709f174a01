import { z } from 'zod';

/** `group/project` or `group/sub/project`. */
const ProjectPath = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, 'use group/project (or group/sub/project)');
const GroupPath = z.string().regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/, 'use group or group/subgroup');

/** Config of a GitLab source (gitlab.com or a self-managed instance). */
export const GitlabConfigSchema = z
  .object({
    baseUrl: z
      .url({ protocol: /^https?$/ })
      .default('https://gitlab.com')
      .describe('The GitLab instance (self-managed: https://gitlab.example.com); the API is at <baseUrl>/api/v4.'),
    projects: z.array(ProjectPath).default([]).describe('Projects to read, by path ("group/project").'),
    groups: z.array(GroupPath).default([]).describe('Groups whose projects are all read ("group" or "group/sub").'),
    includeSubgroups: z.boolean().default(true).describe("Read the projects of a group's subgroups too."),
    includeClosed: z
      .boolean()
      .default(true)
      .describe('Keep closed issues and closed or merged merge requests (when off, closing one removes it).'),
    maxAgeDays: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('On the first sync, skip issues, merge requests and commits older than this.'),
    overlapSeconds: z
      .number()
      .int()
      .min(0)
      .max(86_400)
      .default(300)
      .describe(
        'Each incremental scan asks for changes since the last one minus this much (updated_after), so changes committed late upstream are not missed.',
      ),
    maxDiffFiles: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .default(100)
      .describe('Files listed in a merge request diff summary (0 = no diff summary, one call less per MR).'),
    reconcile: z
      .boolean()
      .default(true)
      .describe(
        'After each scan, compare the count of issues and merge requests upstream with what was read (one call each) and find deleted ones when they differ.',
      ),
    webhookToken: z
      .string()
      .min(1)
      .optional()
      .meta({ secret: true })
      .describe(
        'The secret token of the project or group webhook (sent as X-Gitlab-Token; or credential extra webhookToken).',
      ),
  })
  .strict()
  .refine((c) => c.projects.length + c.groups.length > 0, {
    message: 'name at least one project or group',
    path: ['projects'],
  });

export type GitlabConfig = z.output<typeof GitlabConfigSchema>;
