import { GmailState } from './gmail-state.js';

/** A synthetic RFC 5322 message, with a thread reply every `threadEvery` messages. */
export function syntheticMail(n: number, opts: { threadEvery?: number; date?: Date } = {}): string {
  const date = opts.date ?? new Date(Date.UTC(2026, 0, 1) + n * 60_000);
  const every = opts.threadEvery ?? 10;
  const root = n - (n % every);
  const reply = n % every !== 0;
  return [
    `From: Sender ${n % 7} <sender${n % 7}@twin.example>`,
    'To: Owner <owner@twin.example>',
    `Subject: ${reply ? 'Re: ' : ''}Topic ${root}`,
    `Date: ${date.toUTCString()}`,
    `Message-ID: <m${n}@twin.example>`,
    ...(reply ? [`In-Reply-To: <m${root}@twin.example>`, `References: <m${root}@twin.example>`] : []),
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Message number ${n} about topic ${root}.`,
    `It mentions the quarterly budget and item ${n * 7}.`,
    '',
  ].join('\r\n');
}

export interface GmailSeed {
  state: GmailState;
  /** Gmail ids in delivery order. */
  ids: string[];
}

/** A mailbox of `count` synthetic messages (INBOX, every 5th also labelled "Work"), dated a minute apart. */
export function seedGmail(count: number, opts: { start?: Date } = {}): GmailSeed {
  const state = new GmailState();
  const work = state.addLabel('Work');
  const start = opts.start?.getTime() ?? Date.UTC(2026, 0, 1);
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const date = new Date(start + n * 60_000);
    const labels = n % 5 === 0 ? ['INBOX', work.id] : ['INBOX'];
    ids.push(state.add(syntheticMail(n, { date }), { labelIds: labels, date: date.getTime() }).id);
  }
  return { state, ids };
}
