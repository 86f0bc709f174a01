import { useEffect, useRef, useState } from 'preact/hooks';
import { api, qs } from '../api.js';
import { Link, navigate, useLocation } from '../router.js';
import { ErrorNote } from '../components/ui.js';
import { count, dateTime, highlightParts } from '../lib/format.js';

type Mode = 'keyword' | 'semantic' | 'hybrid';
/** `GET /dashboard/search-modes`: the server's default mode and whether vectors can be searched. */
interface ModeInfo {
  default_mode: Mode;
  vectors: boolean;
  reason: string | null;
  embedding: { model: string; embedded: number; pending: number } | null;
}
interface Answer {
  mode: Mode;
  total: number;
  total_exact: boolean;
  next_cursor: string | null;
  warnings?: string[];
  hits: Hit[];
}
const LIST_NAMES: Record<string, string> = { keyword: 'words', semantic: 'meaning' };

/** "250 results", or "at least 1,000 results" when the server's count stopped at its cap (a lower bound). */
export function totalText(a: Pick<Answer, 'total' | 'total_exact'>): string {
  const n = `${count(a.total)} result${a.total === 1 ? '' : 's'}`;
  return a.total_exact ? n : `at least ${n}`;
}

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
  lists?: string[];
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
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [modes, setModes] = useState<ModeInfo | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [mode, setMode] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [active, setActive] = useState(0);
  const [showFilters, setShowFilters] = useState(FILTERS.some(([k]) => query.get(k)) || !!query.get('since'));
  const box = useRef<HTMLInputElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const key = query.toString();

  useEffect(() => {
    api<ModeInfo>('GET', '/dashboard/search-modes')
      .then(setModes)
      .catch(() => setModes(null));
  }, []);

  const params = (): Record<string, string | null> => {
    const p: Record<string, string | null> = { q: query.get('q'), limit: '50', mode: query.get('mode') };
    for (const k of [...FILTERS.map(([f]) => f), 'min_importance', 'since', 'until']) p[k] = query.get(k);
    return p;
  };

  useEffect(() => {
    setMode(null);
    if (!query.get('q')) {
      setHits(null);
      setAnswer(null);
      return;
    }
    // A new query (or filter) while this one is in flight: its late answer must not show as the new one's.
    let stale = false;
    api<Answer>('GET', `/search${qs(params())}`)
      .then((r) => {
        if (stale) return;
        setAnswer(r);
        setHits(r.hits);
        setActive(0);
        setError(null);
      })
      .catch((e: Error) => {
        if (stale) return;
        setAnswer(null);
        setHits(null);
        setError(e.message);
      });
    return () => {
      stale = true;
    };
  }, [key]);

  /** The next page through the answer's cursor (bound to this query, mode and filters), added below. */
  const more = async () => {
    if (!answer?.next_cursor || !hits) return;
    setLoadingMore(true);
    try {
      const r = await api<Answer>('GET', `/search${qs({ ...params(), cursor: answer.next_cursor })}`);
      const first = hits.length;
      setAnswer(r);
      setHits([...hits, ...r.hits]);
      // Keyboard users continue where the new results start.
      requestAnimationFrame(() => list.current?.querySelectorAll<HTMLAnchorElement>('a.hit-link')[first]?.focus());
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setLoadingMore(false);
    }
  };

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
    // The server's default stays implicit: its fallback rules (docs/search.md) apply only to an unasked mode.
    if (params.mode === (modes?.default_mode ?? 'keyword')) delete params.mode;
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
          <label for="search-mode" class="sr-only">
            Search mode
          </label>
          <select
            id="search-mode"
            name="mode"
            value={mode ?? query.get('mode') ?? modes?.default_mode ?? 'keyword'}
            onChange={(e) => setMode((e.target as HTMLSelectElement).value)}
            aria-describedby="search-mode-hint"
          >
            <option value="keyword">Keyword{modes?.default_mode === 'keyword' ? ' (default)' : ''}</option>
            <option value="semantic" disabled={!modes?.vectors}>
              Semantic
            </option>
            <option value="hybrid" disabled={!modes?.vectors}>
              Hybrid{modes?.default_mode === 'hybrid' ? ' (default)' : ''}
            </option>
          </select>
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
        <p id="search-mode-hint" class="hint small">
          {!modes
            ? 'Keyword: the words you type.'
            : !modes.vectors
              ? `Keyword only — semantic and hybrid search are off. ${modes.reason ?? ''}`
              : `Keyword matches words, semantic matches meaning (${modes.embedding?.model ?? 'embeddings'}), hybrid fuses both.` +
                (modes.embedding?.pending ? ` ${count(modes.embedding.pending)} texts still wait to be embedded.` : '')}
        </p>
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
      {answer?.warnings?.map((w) => (
        <p class="hint" role="status" key={w}>
          {w}
        </p>
      ))}
      {hits && answer && (
        <p class="muted" aria-live="polite" data-testid="search-total">
          {hits.length === 0
            ? 'Nothing found.'
            : `${totalText(answer)} (${answer.mode}), ${count(hits.length)} shown — ↑/↓ to move, Enter to open.`}
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
            {h.lists?.length ? (
              <p class="lists small" data-lists={h.lists.join(' ')}>
                Found by {h.lists.map((l) => LIST_NAMES[l] ?? l).join(' and ')}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      {answer?.next_cursor && (
        <button type="button" class="secondary" onClick={() => void more()} disabled={loadingMore}>
          {loadingMore ? 'Loading…' : 'More results'}
        </button>
      )}
    </section>
  );
}
