import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.js';
import { ErrorNote } from '../components/ui.js';
import { diffLines, withContext } from '../lib/diff.js';
import { dateTime } from '../lib/format.js';

interface Version {
  version: number;
  title: string | null;
  content: string;
  superseded_at: string | null;
}
interface Memory {
  id: string;
  source_id: string;
  source_name: string;
  source_type: string;
  external_id: string;
  stream: string;
  title: string | null;
  content: string;
  url: string | null;
  author: string | null;
  container: string | null;
  thread: string | null;
  occurred_at: string | null;
  ingested_at: string;
  updated_at: string;
  version: number;
  deleted_at: string | null;
  tags: string[];
  importance: number | null;
  domain: string | null;
  versions: Version[];
}

/** A memory: full content, metadata, the link to the original, and its versions with a diff. */
export function MemoryPage({ id }: { id: string }) {
  const [m, setM] = useState<Memory | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [base, setBase] = useState<number | null>(null);
  useEffect(() => {
    let stale = false; // another memory opened meanwhile: this answer is not its
    api<Memory>('GET', `/memories/${encodeURIComponent(id)}`)
      .then((r) => {
        if (stale) return;
        setM(r);
        const older = r.versions.filter((v) => v.version < r.version).map((v) => v.version);
        setBase(older.length ? Math.max(...older) : null);
      })
      .catch((e: Error) => stale || setError(e.message));
    return () => {
      stale = true;
    };
  }, [id]);
  const diff = useMemo(() => {
    if (!m || base === null) return null;
    const old = m.versions.find((v) => v.version === base);
    return old ? withContext(diffLines(old.content, m.content), 3) : null;
  }, [m, base]);

  if (error)
    return (
      <section>
        <h1 tabIndex={-1}>Memory not found</h1>
        <ErrorNote error={error} />
      </section>
    );
  if (!m) return <p aria-busy="true">Loading…</p>;
  const older = m.versions.filter((v) => v.version < m.version).sort((a, b) => b.version - a.version);
  const rows: Array<[string, string | null]> = [
    ['Source', m.source_name],
    ['Stream', m.stream],
    ['Author', m.author],
    ['Container', m.container],
    ['Thread', m.thread],
    ['Happened', dateTime(m.occurred_at)],
    ['Stored', dateTime(m.ingested_at)],
    ['Version', String(m.version)],
    ['Tags', m.tags.join(', ') || null],
    ['Importance', m.importance === null ? null : m.importance.toFixed(2)],
    ['Domain', m.domain],
    ['External id', m.external_id],
  ];
  return (
    <section>
      <p class="crumbs">
        <Link href={`/sources/${encodeURIComponent(m.source_id)}`}>{m.source_name}</Link> / memory
      </p>
      <h1 tabIndex={-1}>{m.title ?? '(untitled)'}</h1>
      {m.deleted_at && <p class="callout callout-error">Deleted upstream {dateTime(m.deleted_at)}.</p>}
      {m.url && /^https?:/.test(m.url) && (
        <p>
          <a href={m.url} target="_blank" rel="noopener noreferrer">
            Open the original
          </a>
        </p>
      )}
      <div class="memory">
        <dl class="meta-table">
          {rows
            .filter(([, v]) => v)
            .map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
        </dl>
        <pre class="content" tabIndex={0} aria-label="Content">
          {m.content}
        </pre>
      </div>
      <h2>Versions</h2>
      {older.length === 0 ? (
        <p class="muted">Only one version so far.</p>
      ) : (
        <>
          <div class="field">
            <label for="diff-base">Compare version {m.version} with</label>
            <select
              id="diff-base"
              value={String(base)}
              onChange={(e) => setBase(Number((e.target as HTMLSelectElement).value))}
            >
              {older.map((v) => (
                <option key={v.version} value={v.version}>
                  version {v.version} (until {dateTime(v.superseded_at)})
                </option>
              ))}
            </select>
          </div>
          <pre class="diff" aria-label={`Changes from version ${base} to version ${m.version}`} tabIndex={0}>
            {diff?.map((l, i) => (
              <div key={i} class={l.op === '+' ? 'add' : l.op === '-' ? 'del' : l.op === '…' ? 'gap' : ''}>
                <span class="sr-only">{l.op === '+' ? 'added: ' : l.op === '-' ? 'removed: ' : ''}</span>
                <span aria-hidden="true">{l.op === '…' ? '' : `${l.op} `}</span>
                {l.text}
              </div>
            ))}
          </pre>
        </>
      )}
    </section>
  );
}
