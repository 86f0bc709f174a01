import { z } from 'zod';

/** Config of a `youtube` source: one channel's uploads, or one playlist. */
export const YoutubeConfigSchema = z
  .object({
    channelId: z
      .string()
      .regex(/^UC[\w-]{22}$/, 'must be a channel id (UC… , 24 characters)')
      .optional()
      .describe(
        "A channel's uploads (its id, `UC…`). Leave channelId and playlistId out to read your own channel (OAuth).",
      ),
    playlistId: z
      .string()
      .regex(/^[\w-]{10,64}$/, 'must be a playlist id')
      .optional()
      .describe('One playlist instead of a channel (`PL…`, or an uploads playlist `UU…`).'),
    transcripts: z
      .enum(['auto', 'owner', 'public', 'off'])
      .default('auto')
      .describe(
        'Where transcripts come from: `owner` = captions.download (OAuth, your own videos, 250 quota units a video); ' +
          '`public` = the captions the YouTube player shows (no quota, unofficial); `auto` = owner when connected ' +
          'with OAuth to the channel, else public; `off` = titles and descriptions only.',
      ),
    languages: z
      .array(z.string().regex(/^[a-zA-Z]{2,3}(-[\w]+)?$/))
      .min(1)
      .max(10)
      .default(['en'])
      .describe('Preferred caption languages, in order (a human-made track beats an automatic one).'),
    dailyQuotaUnits: z
      .number()
      .int()
      .min(10)
      .max(10_000_000)
      .default(10_000)
      .describe(
        "Data API quota units this source may spend per day (Google's default is 10,000 a project). The sync stops " +
          'cleanly at the budget and resumes after the daily reset (midnight Pacific time).',
      ),
    paragraphSeconds: z
      .number()
      .int()
      .min(5)
      .max(600)
      .default(30)
      .describe('Transcript paragraph length; each paragraph links to its moment in the video (&t=…s).'),
    transcriptRetryDays: z
      .number()
      .int()
      .min(0)
      .max(30)
      .default(2)
      .describe('A video this recent with no captions yet is asked again next sync (automatic captions come late).'),
    rootUrl: z
      .url()
      .default('https://youtube.googleapis.com/')
      .describe('YouTube Data API root (a proxy, or a test twin).'),
    webUrl: z
      .url()
      .default('https://www.youtube.com')
      .describe('YouTube web origin: video links and the public captions (player and timedtext).'),
  })
  .strict()
  .refine((c) => !(c.channelId && c.playlistId), {
    message: 'set channelId or playlistId, not both',
    path: ['playlistId'],
  });
export type YoutubeConfig = z.output<typeof YoutubeConfigSchema>;

/** OAuth scopes: read the channel; captions.download needs youtube.force-ssl. */
export const YOUTUBE_SCOPES = [
  'https://www.googleapis.com/auth/youtube.readonly',
  'https://www.googleapis.com/auth/youtube.force-ssl',
];
