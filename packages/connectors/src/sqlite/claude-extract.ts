import type { Item, Page, ReadContext } from '@tributary/sdk';
import type { SqliteCheckpoint } from './checkpoint.js';
import { openReadOnly } from './client.js';

/** What `auto_extract` finds in a message: fenced code blocks (by language) and file paths. */
export interface Extracted {
  codeBlocks: number;
  languages: string[];
  filePaths: string[];
}

const FENCE = /^(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n]*\n[\s\S]*?^\1[ \t]*$/gm;
// Absolute, home-relative or ./-relative paths, or a bare relative path with a directory and an extension.
const PATH =
  /(?<![\w/.~:-])((?:~|\.{1,2})?\/(?:[\w@.+-]+\/)*[\w@.+-]+|(?:[\w@+-]+\/)+[\w@+-]+\.[A-Za-z0-9]{1,8})(?=$|[\s`'"),:;\]]|\.(?:\s|$))/gm;
const MAX_PATHS = 50;

/** Code blocks and file paths of a chat message (pure; a URL's path is not a file path). */
export function extractFromMessage(text: string): Extracted {
  const languages = new Set<string>();
  let codeBlocks = 0;
  for (const m of text.matchAll(FENCE)) {
    codeBlocks++;
    if (m[2]) languages.add(m[2].toLowerCase());
  }
  const withoutUrls = text.replace(/\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, ' ');
  const paths = new Set<string>();
  for (const m of withoutUrls.matchAll(PATH)) {
    const p = m[1]!.replace(/\.+$/, ''); // a sentence's full stop
    if (p === '/' || /^\/+$/.test(p) || /^\d+\/\d+/.test(p)) continue; // "/", dates and fractions like 3/4
    paths.add(p);
    if (paths.size >= MAX_PATHS) break;
  }
  return { codeBlocks, languages: [...languages].sort(), filePaths: [...paths] };
}

/** Tags for what was extracted: `code`, `lang:<language>`, `file-paths`. */
export function extractionTags(x: Extracted): string[] {
  return [
    ...(x.codeBlocks > 0 ? ['code'] : []),
    ...x.languages.map((l) => `lang:${l}`.slice(0, 200)),
    ...(x.filePaths.length > 0 ? ['file-paths'] : []),
  ];
}

function enrich(item: Item, text: string): Item {
  const x = extractFromMessage(text);
  const tags = [...new Set([...(item.tags ?? []), ...extractionTags(x)])];
  return {
    ...item,
    ...(tags.length ? { tags } : {}),
    metadata: { ...item.metadata, codeBlocks: x.codeBlocks, languages: x.languages, filePaths: x.filePaths },
  };
}

/** External id of the exchange an assistant message answers. */
export const exchangeId = (answerId: string): string => `exchange:${answerId}`;

/**
 * `auto_extract`: each message gets its code blocks and file paths as tags and metadata, and each assistant answer
 * also yields an **exchange** memory — the question (the latest user message of the same chat before the answer
 * first appeared) and the answer together, in the chat's thread — so a search finds the question with its answer.
 * A deleted answer deletes its exchange. Reads the question from the same database, read-only.
 */
export async function* withExchanges(
  ctx: ReadContext<unknown, SqliteCheckpoint>,
  dbPath: string,
  pages: AsyncIterable<Page<SqliteCheckpoint>>,
): AsyncGenerator<Page<SqliteCheckpoint>> {
  const db = openReadOnly(dbPath);
  try {
    const question = db.prepare(
      `SELECT q.message_id AS id, (SELECT content FROM change_stream WHERE message_id = q.message_id
         ORDER BY id DESC LIMIT 1) AS content
       FROM change_stream q
       WHERE q.chat_id = ? AND q.role = 'user' AND q.change_type <> 'delete'
         AND q.id < (SELECT min(id) FROM change_stream WHERE message_id = ?)
       ORDER BY q.id DESC LIMIT 1`,
    );
    for await (const page of pages) {
      ctx.signal.throwIfAborted();
      const items: Item[] = [];
      for (const item of page.items ?? []) {
        const enriched = enrich(item, item.content);
        items.push(enriched);
        if (item.metadata?.role !== 'assistant' || !item.thread) continue;
        const q = question.get(item.thread, item.externalId) as { id: string; content: string | null } | undefined;
        if (!q?.content) continue;
        const content = `**Question**\n\n${q.content}\n\n**Answer**\n\n${item.content}`;
        const ex = enrich(
          {
            externalId: exchangeId(item.externalId),
            stream: 'exchanges',
            content,
            contentType: 'markdown',
            title: firstLine(q.content),
            thread: item.thread,
            ...(item.container !== undefined ? { container: item.container } : {}),
            ...(item.occurredAt !== undefined ? { occurredAt: item.occurredAt } : {}),
            tags: ['exchange'],
            metadata: { session: item.thread, questionId: q.id, answerId: item.externalId },
          },
          content,
        );
        items.push(ex);
      }
      const deletes = page.deletes?.length ? [...page.deletes, ...page.deletes.map(exchangeId)] : page.deletes;
      yield { ...page, items, ...(deletes ? { deletes } : {}) };
    }
  } finally {
    db.close();
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line.length > 120 ? `${line.slice(0, 119)}…` : line;
}
