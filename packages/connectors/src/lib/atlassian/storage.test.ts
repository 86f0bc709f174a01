import { describe, expect, it } from 'vitest';
import { STORAGE_RICH } from '../../../../../test/twins/atlassian/confluence-seed.js';
import { storageToMarkdown } from './storage.js';

describe('Confluence storage format to Markdown', () => {
  it('renders macros with text, links, tasks, tables and attachments; drops macros without text', () => {
    const md = storageToMarkdown(STORAGE_RICH, {
      attachmentUrl: (f) => `https://site/download/${f}`,
    });
    expect(md).toBe(
      [
        '## Release plan',
        'Owner: @acc-ada, due 2026-01-01. See [the docs](https://example.com/docs) and the runbook.',
        '```sql\nSELECT 1 < 2;\n```',
        '> **Warning — Careful:** Freeze starts Friday',
        '- [x] Write tests\n- [ ] Ship',
        '| Item | Cost |\n| --- | --- |\n| CI | 120 |',
        '[📎 diagram.png](https://site/download/diagram.png)',
        '▸ Details',
        'Hidden text',
      ].join('\n\n'),
    );
    expect(md).not.toMatch(/<\/?[a-z]+[:>\s]|ac:|ri:/);
  });

  it('keeps page links when the caller can place them, and plain text', () => {
    const xml =
      '<p><ac:link><ri:page ri:content-title="Runbook" ri:space-key="OPS" /></ac:link> and <ac:link><ri:url ri:value="https://x.y" /></ac:link></p>';
    expect(storageToMarkdown(xml, { pageUrl: (t, k) => `https://site/wiki/${k}/${t}` })).toBe(
      '[Runbook](https://site/wiki/OPS/Runbook) and [https://x.y](https://x.y)',
    );
    expect(storageToMarkdown('')).toBe('');
  });
});
