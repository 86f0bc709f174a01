import { z } from 'zod';

/** Config of the `imap` connector. The password comes from the vault (a `password` credential) or `password` here. */
export const ImapConfigSchema = z.object({
  host: z.string().min(1).describe('IMAP server host name.'),
  port: z.number().int().min(1).max(65535).optional().describe('Port. Default: 993 with `secure`, else 143.'),
  secure: z
    .boolean()
    .default(true)
    .describe('Connect over TLS (IMAPS). When false, STARTTLS is used if the server offers it.'),
  rejectUnauthorized: z
    .boolean()
    .default(true)
    .describe('Refuse servers whose TLS certificate does not verify (turn off only for a self-signed test server).'),
  user: z.string().min(1).optional().describe('Login name. Default: the username of the stored password credential.'),
  password: z
    .string()
    .min(1)
    .optional()
    .meta({ secret: true })
    .describe('Password or app password, when not stored in the vault as a credential.'),
  includeFolders: z
    .array(z.string().min(1))
    .default(['**'])
    .describe(
      'Glob patterns of folder paths to sync ("INBOX", "Archive/**"); the server\'s delimiter is shown as "/".',
    ),
  excludeFolders: z
    .array(z.string().min(1))
    .default([])
    .describe('Glob patterns of folder paths to skip ("Trash", "Junk", "[Gmail]/All Mail").'),
  backfillDays: z
    .number()
    .int()
    .positive()
    .optional()
    .describe('On the first sync, skip messages received more than this many days ago.'),
  pageSize: z.number().int().min(1).max(1000).default(500).describe('Messages fetched and committed per page.'),
});
export type ImapConfig = z.output<typeof ImapConfigSchema>;
