import { existsSync, readFileSync } from 'node:fs';

/** A browser in miniature: keeps cookies per origin-less jar, follows redirects by hand. */
export class TestBrowser {
  readonly jar = new Map<string, string>();

  /** Fetches without following redirects, sending and storing cookies. */
  async fetch(url: string, init: { headers?: Record<string, string> } = {}): Promise<Response> {
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, {
      redirect: 'manual',
      headers: { ...init.headers, ...(cookie ? { cookie } : {}) },
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      this.jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
    return res;
  }

  /**
   * Follows redirects from `start` (the provider's authorization URL: login and consent auto-approve) until one
   * points at `callbackPrefix`; returns that URL without fetching it.
   */
  async followUntil(start: string, callbackPrefix: string): Promise<string> {
    let url = start;
    for (let hop = 0; hop < 20; hop++) {
      if (url.startsWith(callbackPrefix)) return url;
      const res = await this.fetch(url);
      const location = res.headers.get('location');
      await res.body?.cancel();
      if (!location) throw new Error(`authorization stopped at ${url} with HTTP ${res.status}`);
      url = new URL(location, url).href;
    }
    throw new Error('too many redirects during authorization');
  }
}

/** Whether `secret` occurs in any of the files (raw bytes: a SQLite database and its WAL). */
export function filesContain(files: string[], secret: string): boolean {
  const needle = Buffer.from(secret, 'utf8');
  return files.some((f) => existsSync(f) && readFileSync(f).includes(needle));
}

/** Calls the IdP's userinfo endpoint with an access token: 200 while the token is valid. */
export async function userinfoStatus(issuer: string, accessToken: string): Promise<number> {
  const res = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  await res.body?.cancel();
  return res.status;
}
