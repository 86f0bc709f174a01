import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (tests read ../shared/testdata beside it). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** rss-parser's real feeds with expected outputs, and feedparser's conformance cases (see testdata/PROVENANCE.md). */
export const RSS_PARSER_DIR = path.resolve(repoRoot, '../shared/testdata/rss/rss-parser');
export const FEEDPARSER_DIR = path.resolve(repoRoot, '../shared/testdata/rss/feedparser-tests');

/** The Guardian's real RSS 2.0 feed (55 items) from rss-parser's tests. */
export const GUARDIAN = path.join(RSS_PARSER_DIR, 'input', 'guardian.rss');
export const GUARDIAN_FIRST_GUID =
  'https://www.theguardian.com/us-news/2018/jan/31/donald-trump-state-of-the-union-address-unity-discord';
const FIRST_TITLE = 'Trump State of the Union address promised unity but emphasized discord';

/** The Guardian feed with its first entry retitled and one new entry (guid `urn:test:new`) added on top. */
export function mutateGuardian(xml: string): string {
  const edited = xml.replace(`<title>${FIRST_TITLE}</title>`, `<title>${FIRST_TITLE} (updated)</title>`);
  const fresh =
    '<item><title>A new entry</title><link>https://example.org/new</link><description>&lt;p&gt;Fresh &lt;b&gt;news&lt;/b&gt;&lt;/p&gt;</description><pubDate>Thu, 01 Feb 2018 08:00:00 GMT</pubDate><guid isPermaLink="false">urn:test:new</guid></item>';
  if (edited === xml) throw new Error('the Guardian feed changed: its first title was not found');
  return edited.replace('<item>', `${fresh}\n    <item>`);
}
