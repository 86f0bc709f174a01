import { useEffect, useState } from 'preact/hooks';
import { api, qs } from '../api.js';
import { Link } from '../router.js';
import { ErrorNote } from '../components/ui.js';
import { dateTime } from '../lib/format.js';

interface Entry {
  memory_id: string;
  source_name: string;
  stream: string;
  title: string | null;
  preview: string;
  author: string | null;
  container: string | null;
  thread: string | null;
  occurred_at: string | null;
}

type GroupBy = 'day' | 'thread' | 'source';

function groupKey(e: Entry, by: GroupBy): string {
  if (by === 'thread') return e.thread ?? e.container ?? '(no thread)';
  if (by === 'source') return e.source_name;
  return e.occurred_at ? new Date(e.occurred_at).toLocaleDateString('en', { dateStyle: 'full' }) : '(undated)';
}

/** What happened, newest first, grouped by day, thread/session or source; pages on with a cursor. */
export function TimelinePage() {
  const [entries, setEntries] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [by, setBy] = useState<GroupBy>('day');
  const [filters, setFilters] = useState<{ source: string; since: string; until: string }>({
    source: '',
    since: '',
    until: '',
  });

  const load = (after: string | null) =>
    api<{ entries: Entry[]; next_cursor: string | null }>(
      'GET',
      `/timeline${qs({ limit: 50, cursor: after, ...filters })}`,
    )
      .then((r) => {
        setEntries((x) => (after ? [...x, ...r.entries] : r.entries));
        setCursor(r.next_cursor);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));

  useEffect(() => {
    void load(null);
  }, [filters]);

  const groups = new Map<string, Entry[]>();
  for (const e of entries) {
    const k = groupKey(e, by);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(e);
  }
  return (
    <section>
      <h1 tabIndex={-1}>Timeline</h1>
      <form
        class="filters"
        aria-label="Timeline filters"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.target as HTMLFormElement);
          setFilters({
            source: String(f.get('source') ?? ''),
            since: String(f.get('since') ?? ''),
            until: String(f.get('until') ?? ''),
          });
        }}
      >
        <div class="field">
          <label for="tl-by">Group by</label>
          <select id="tl-by" value={by} onChange={(e) => setBy((e.target as HTMLSelectElement).value as GroupBy)}>
            <option value="day">Day</option>
            <option value="thread">Thread / session</option>
            <option value="source">Source</option>
          </select>
        </div>
        <div class="field">
          <label for="tl-source">Source</label>
          <input id="tl-source" name="source" placeholder="name or id" />
        </div>
        <div class="field">
          <label for="tl-since">Since</label>
          <input id="tl-since" name="since" type="date" />
        </div>
        <div class="field">
          <label for="tl-until">Until</label>
          <input id="tl-until" name="until" type="date" />
        </div>
        <div class="field">
          <button type="submit">Apply</button>
        </div>
      </form>
      <ErrorNote error={error} />
      {entries.length === 0 && !error && <p class="muted">Nothing yet.</p>}
      {[...groups.entries()].map(([k, list], gi) => (
        <section key={k} class="tl-group" aria-labelledby={`g-${gi}`}>
          <h2 id={`g-${gi}`}>{k}</h2>
          <ol class="timeline">
            {list.map((e) => (
              <li key={e.memory_id}>
                <time dateTime={e.occurred_at ?? undefined}>{dateTime(e.occurred_at)}</time>
                <div>
                  <Link href={`/memories/${encodeURIComponent(e.memory_id)}`}>{e.title ?? e.preview.slice(0, 80)}</Link>
                  <p class="small muted">
                    {e.source_name} · {e.stream}
                    {e.author ? ` · ${e.author}` : ''}
                  </p>
                </div>
              </li>
            ))}
          </ol>
        </section>
      ))}
      {cursor && (
        <button type="button" class="secondary" onClick={() => void load(cursor)}>
          Load more
        </button>
      )}
    </section>
  );
}
