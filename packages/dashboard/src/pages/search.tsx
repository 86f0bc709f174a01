import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from '../api.js';
import { Link, navigate, useLocation } from '../router.js';
import { ErrorNote } from '../components/ui.js';
import { dateTime, highlightParts } from '../lib/format.js';

interface Hit {
  memory_id: string;
  title: string | null;
  snippet: string;
  source_name: string;
  connector: string;
  stream: string;
  author: string | null;
  container: string | null;
  occurred_at: string | null;
  tags: string[];
  importance: number | null;
  domain: string | null;
}

const FILTERS = [
  ['source', 'Source'],
  ['connector', 'Connector'],
  ['stream', 'Stream'],
  ['author', 'Author'],
  ['container', 'Container'],
  ['tag', 'Tags'],
  ['domain', 'Domain'],
] as const;

/** Search with filters, highlighted snippets and keyboard navigation (↑/↓ move, Enter opens, / focuses the box). */
export function SearchPage() {
  const { query } = useLocation();
  const [hits, setHits] = useState<Hit[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [showFilters, setShowFilters] = useState(FILTERS.some(([k]) => query.get(k)) || !!query.get('since'));
  const box = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const key = query.toString();

  useEffect(() => {
    const q = query.get('q');
    if (!q) return setHits(null);
    const params: Record<string, string | null> = { q, limit: '50' };
    for (const k of [...FILTERS.map(([f]) => f), 'min_importance', 'since', 'until']) params[k] = query.get(k);
    api<{ hits: Hit[] }>('GET', `/search${qs(params)}`)
      .then((r) => {
        setHits(r.hits);
        setActive(0);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  }, [key]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.key === '/' && !['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName)) {
        e.preventDefault();
        box.current?.focus();
      }
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);

  const submit = (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.target as HTMLFormElement);
    const params: Record<string, string> = {};
    for (const [k, v] of form.entries()) if (typeof v === 'string' && v.trim()) params[k] = v.trim();
    navigate(`/search${qs(params)}`);
  };

  const onListKey = (e: KeyboardEvent) => {
    if (!hits?.length) return;
    let next = active;
    if (e.key === 'ArrowDown') next = Math.min(hits.length - 1, active + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, active - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = hits.length - 1;
    else return;
    e.preventDefault();
    setActive(next);
    list.current?.querySelectorAll<HTMLAnchorElement>('a.hit-link')[next]?.focus();
  };

  return (
    <section>
      <h1 tabIndex={-1}>Search</h1>
      <form role="search" class="search" onSubmit={submit} key={key}>
        <div class="search-row">
          <label for="q" class="sr-only">
            Search your memory
          </label>
          <input
            id="q"
            name="q"
            type="search"
            ref={box}
            defaultValue={query.get('q') ?? ''}
            placeholder="Search your memory (press / to focus)"
          />
          <button type="submit">Search</button>
          <button
            type="button"
            class="secondary"
            aria-expanded={showFilters}
            aria-controls="search-filters"
            onClick={() => setShowFilters(!showFilters)}
          >
            Filters
          </button>
        </div>
        <div id="search-filters" class="filters" hidden={!showFilters}>
          {FILTERS.map(([k, label]) => (
            <div class="field" key={k}>
              <label for={`sf-${k}`}>{label}</label>
              <input id={`sf-${k}`} name={k} defaultValue={query.get(k) ?? ''} placeholder="comma-separated" />
            </div>
          ))}
          <div class="field">
            <label for="sf-imp">Minimum importance (0–1)</label>
            <input
              id="sf-imp"
              name="min_importance"
              inputMode="decimal"
              defaultValue={query.get('min_importance') ?? ''}
            />
          </div>
          <div class="field">
            <label for="sf-since">Since</label>
            <input id="sf-since" name="since" type="date" defaultValue={query.get('since') ?? ''} />
          </div>
          <div class="field">
            <label for="sf-until">Until</label>
            <input id="sf-until" name="until" type="date" defaultValue={query.get('until') ?? ''} />
          </div>
        </div>
      </form>
      <ErrorNote error={error} />
      {hits && (
        <p class="muted" aria-live="polite">
          {hits.length === 0
            ? 'Nothing found.'
            : `${hits.length} result${hits.length === 1 ? '' : 's'} — ↑/↓ to move, Enter to open.`}
        </p>
      )}
      <ol class="hits" ref={list} onKeyDown={onListKey}>
        {hits?.map((h, i) => (
          <li key={h.memory_id} class={i === active ? 'active' : ''}>
            <Link href={`/memories/${encodeURIComponent(h.memory_id)}`} class="hit-link" onFocus={() => setActive(i)}>
              {h.title ?? '(untitled)'}
            </Link>
            <p class="snippet">
              {highlightParts(h.snippet).map((part, j) => (part.hit ? <mark key={j}>{part.text}</mark> : part.text))}
            </p>
            <p class="meta small">
              {h.source_name} · {h.stream}
              {h.author ? ` · ${h.author}` : ''}
              {h.container ? ` · ${h.container}` : ''}
              {h.occurred_at ? ` · ${dateTime(h.occurred_at)}` : ''}
              {h.domain ? ` · ${h.domain}` : ''}
              {h.tags.length ? ` · #${h.tags.slice(0, 5).join(' #')}` : ''}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}
