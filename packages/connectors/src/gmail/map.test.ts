import { readFileSync } from 'node:fs';
import type { gmail_v1 } from '@googleapis/gmail';
import { describe, expect, it } from 'vitest';
import { parseMail } from '../mail/parse.js';
import { testdata } from '../mail/test-support/testdata.js';
import { rawFromPayload } from './full.js';
import { labelTags, toGmailItem } from './map.js';
import { labelQuery, resolveLabels } from './labels.js';

const thread = JSON.parse(readFileSync(testdata('gmail', 'onyx-gmail-thread.json'), 'utf8')) as gmail_v1.Schema$Thread;
const names = new Map([
  ['INBOX', 'INBOX'],
  ['UNREAD', 'UNREAD'],
  ['Label_7', 'Clients/Acme'],
]);

describe('gmail mapping', () => {
  it('maps the real onyx thread (format=full payloads) through the one mail parser', async () => {
    const items = [];
    for (const m of thread.messages!) {
      const mail = await parseMail(rawFromPayload(m.payload!));
      items.push(toGmailItem(mail, { id: m.id!, threadId: thread.id, labelIds: ['INBOX', 'UNREAD'] }, names));
    }
    expect(items.map((i) => i.title)).toEqual([
      'Email Chain 1',
      'Re: Email Chain 1',
      'Fwd: Email Chain 1',
      'Re: Email Chain 1',
    ]);
    expect(items[0]!.content).toBe('This is email 1 in chain 1');
    expect(items[0]!.externalId).toBe('CABnEGTWbSYxvRDsxnXy1b2iQF=peGsHuOmrOcixpQFCJ9EBHHg@mail.gmail.com');
    expect(items[0]!.author).toBe('Test Admin Admin <admin@onyx-test.com>');
    expect(items[1]!.author).toBe('test_user_1 1 <test_user_1@onyx-test.com>');
    // Every reply threads under the first message (References root), and Gmail's thread id is kept in metadata.
    expect(new Set(items.map((i) => i.thread))).toEqual(new Set([items[0]!.externalId]));
    expect(items.every((i) => (i.metadata as { gmailThreadId?: string }).gmailThreadId === thread.id)).toBe(true);
    expect(items[0]!.occurredAt).toBe('2024-11-02T17:32:57.000Z');
    expect(items[0]!.tags).toEqual(['inbox']);
    expect(items[0]!.url).toBe('https://mail.google.com/mail/#all/192edeff0dc743cf');
    for (const i of items) expect(i.content.length).toBeGreaterThan(0);
  });

  it('turns labels into tags: user labels by name, a few system labels, never UNREAD', () => {
    expect(labelTags(['INBOX', 'UNREAD', 'STARRED', 'Label_7', 'CHAT'], names)).toEqual([
      'Clients/Acme',
      'inbox',
      'starred',
    ]);
  });

  it('resolves label filters by name or id and refuses unknown ones', () => {
    const labels = [
      { id: 'INBOX', name: 'INBOX' },
      { id: 'Label_7', name: 'Clients/Acme' },
    ];
    expect([...resolveLabels(['clients/acme', 'INBOX'], labels)]).toEqual(['Label_7', 'INBOX']);
    expect(() => resolveLabels(['Nope'], labels)).toThrow(/no label "Nope"/);
    expect(labelQuery('-category:promotions', ['Clients/Acme', 'Work'], 1_700_000_000)).toBe(
      '(-category:promotions) {label:clients-acme label:work} after:1700000000',
    );
    expect(labelQuery(undefined, [], undefined)).toBeUndefined();
  });
});
