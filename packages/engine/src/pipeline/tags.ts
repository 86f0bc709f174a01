/**
 * Tags: what the connector gave (labels, front-matter tags) plus #hashtags found in the text. Lower-cased so
 * filters match regardless of how people typed them. Code is left alone (`#include` is not a tag).
 */
const HASHTAG = /(?:^|[\s(,;])#([\p{L}_][\p{L}\p{N}_/-]{0,99})/gu;

export function extractTags(content: string, given: string[] | undefined, isCode: boolean): string[] {
  const out = new Set<string>();
  for (const t of given ?? []) {
    const tag = t.replace(/^#/, '').trim().toLowerCase();
    if (tag) out.add(tag);
  }
  if (!isCode && content.includes('#')) {
    HASHTAG.lastIndex = 0;
    for (const m of content.matchAll(HASHTAG)) {
      const tag = m[1]!.replace(/[/-]+$/, '').toLowerCase();
      if (tag && !/^\d+$/.test(tag)) out.add(tag);
    }
  }
  return [...out];
}
