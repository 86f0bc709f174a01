import type { Item } from '@tributary/sdk';
import { zipfSentence } from './zipf.js';

const WORDS = (
  'alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo ' +
  'sierra tango uniform victor whiskey xray yankee zulu deploy release bug fix review merge branch commit issue ' +
  'meeting notes design budget roadmap customer launch metrics latency database index query cache worker queue ' +
  'search memory sync webhook token calendar invoice contract travel hiring onboarding incident postmortem'
).split(' ');

/** A small fast PRNG (mulberry32): deterministic text for a given seed and index. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uniformSentence(next: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(WORDS[Math.floor(next() * WORDS.length)]!);
  return out.join(' ');
}

/** Items are spread one minute apart from `start`, so an item's fields never depend on how many there are. */
export function syntheticItem(
  index: number,
  opts: { seed: number; kind: 'chat' | 'documents'; revision: number; start: number; text?: 'uniform' | 'zipf' },
): Item {
  const next = rng(opts.seed * 1_000_003 + index * 7919 + opts.revision * 104_729);
  const zipf = opts.text === 'zipf';
  const sentence = zipf ? zipfSentence : uniformSentence;
  const occurredAt = new Date(opts.start + index * 60_000).toISOString();
  const rev = opts.revision > 1 ? ` (edited r${opts.revision})` : '';
  if (opts.kind === 'chat') {
    return {
      externalId: `msg-${index}`,
      stream: 'messages',
      content: `${sentence(next, zipf ? 15 + Math.floor(next() * 15) : 8 + Math.floor(next() * 20))} #${WORDS[index % WORDS.length]} item${index}${rev}`,
      contentType: 'text',
      author: `user${index % 50}`,
      container: `channel-${index % 10}`,
      thread: index % 7 === 0 ? `thread-${Math.floor(index / 70)}` : undefined,
      occurredAt,
    };
  }
  const sections: string[] = [`# Document ${index}${rev}`];
  for (let s = 0; s < 6; s++) {
    sections.push(`## Section ${s} ${sentence(next, 2)}`);
    for (let p = 0; p < 3; p++) sections.push(`${sentence(next, 60 + Math.floor(next() * 60))}.`);
  }
  return {
    externalId: `doc-${index}`,
    stream: 'documents',
    title: `Document ${index} ${sentence(next, 3)}`,
    content: sections.join('\n\n'),
    contentType: 'markdown',
    author: `user${index % 50}`,
    container: `folder-${index % 20}`,
    occurredAt,
  };
}
