import { useEffect, useState } from 'preact/hooks';
import { api, setCsrf, whenSignedOut, type Session } from './api.js';
import { live } from './live.js';
import { Link, match, navigate, useLocation } from './router.js';
import { SignIn } from './pages/sign-in.js';
import { SourcesPage } from './pages/sources.js';
import { CatalogPage } from './pages/catalog.js';
import { AddSourcePage } from './pages/add-source.js';
import { SourcePage } from './pages/source.js';
import { SearchPage } from './pages/search.js';
import { MemoryPage } from './pages/memory.js';
import { TimelinePage } from './pages/timeline.js';
import { OperationsPage } from './pages/operations.js';

const NAV = [
  { href: '/', label: 'Sources', active: (p: string) => p === '/' || p.startsWith('/sources') },
  { href: '/add', label: 'Add a source', active: (p: string) => p.startsWith('/add') },
  { href: '/search', label: 'Search', active: (p: string) => p.startsWith('/search') || p.startsWith('/memories') },
  { href: '/timeline', label: 'Timeline', active: (p: string) => p.startsWith('/timeline') },
  { href: '/operations', label: 'Operations', active: (p: string) => p.startsWith('/operations') },
];

function Page({ path, session }: { path: string; session: Session }) {
  let m: Record<string, string> | null;
  if (path === '/' || path === '/sources') return <SourcesPage session={session} />;
  if (path === '/add') return <CatalogPage />;
  if ((m = match('/add/:connector', path))) return <AddSourcePage connector={m.connector!} session={session} />;
  if ((m = match('/sources/:id', path))) return <SourcePage id={m.id!} session={session} />;
  if (path === '/search') return <SearchPage />;
  if ((m = match('/memories/:id', path))) return <MemoryPage id={m.id!} />;
  if (path === '/timeline') return <TimelinePage />;
  if (path === '/operations') return <OperationsPage session={session} />;
  return (
    <section>
      <h1 tabIndex={-1}>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link href="/">Go to your sources</Link>.
      </p>
    </section>
  );
}

/** The app: sign-in (token or one-time link), then the pages, with one live event stream while signed in. */
export function App() {
  const { path } = useLocation();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [signInError, setSignInError] = useState<string | null>(null);

  const signedIn = (s: Session) => {
    setCsrf(s.csrf_token);
    setSession(s);
    live.start();
  };

  useEffect(() => {
    whenSignedOut(() => {
      live.stop();
      setSession(null);
    });
    const code = location.pathname === '/login' ? new URLSearchParams(location.hash.slice(1)).get('code') : null;
    if (code) {
      // The code leaves the address bar (and history) before anything else happens.
      history.replaceState(null, '', '/');
      api<Session>('POST', '/dashboard/session', { code })
        .then(signedIn)
        .catch((e: Error) => {
          setSignInError(e.message);
          setSession(null);
        });
      return;
    }
    api<Session>('GET', '/dashboard/session')
      .then(signedIn)
      .catch(() => setSession(null));
  }, []);

  // Focus moves to the new page's heading, so keyboard and screen-reader users start at the top of it.
  useEffect(() => {
    const h = document.querySelector<HTMLElement>('main h1');
    h?.focus({ preventScroll: true });
    document.title = `${h?.textContent ?? 'Tributary'} · Tributary`;
  }, [path, session]);

  if (session === undefined)
    return (
      <main id="main" class="loading" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  if (session === null) return <SignIn error={signInError} onSignedIn={signedIn} />;

  const signOut = async () => {
    await api('DELETE', '/dashboard/session').catch(() => undefined);
    live.stop();
    setSession(null);
    navigate('/', true);
  };

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <Link href="/" class="brand">
          Tributary
        </Link>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <Link href={n.href} aria-current={n.active(path) ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span>
            {session.user.name}
            {session.user.is_admin ? ' (admin)' : ''}
            {session.read_only ? ' · read-only' : ''}
          </span>
          <button type="button" class="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <Page path={path} session={session} />
      </main>
    </>
  );
}
