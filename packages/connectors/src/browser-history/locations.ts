import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from './config.js';

/** Where a platform keeps per-user application data, derived from the home folder (no environment variables). */
interface Dirs {
  platform: NodeJS.Platform;
  home: string;
}

const CHROMIUM_DIRS: Record<
  'chrome' | 'chromium' | 'edge' | 'brave',
  { darwin: string; linux: string; win32: string }
> = {
  chrome: {
    darwin: 'Library/Application Support/Google/Chrome',
    linux: '.config/google-chrome',
    win32: 'AppData/Local/Google/Chrome/User Data',
  },
  chromium: {
    darwin: 'Library/Application Support/Chromium',
    linux: '.config/chromium',
    win32: 'AppData/Local/Chromium/User Data',
  },
  edge: {
    darwin: 'Library/Application Support/Microsoft Edge',
    linux: '.config/microsoft-edge',
    win32: 'AppData/Local/Microsoft/Edge/User Data',
  },
  brave: {
    darwin: 'Library/Application Support/BraveSoftware/Brave-Browser',
    linux: '.config/BraveSoftware/Brave-Browser',
    win32: 'AppData/Local/BraveSoftware/Brave-Browser/User Data',
  },
};

const FIREFOX_DIRS = {
  darwin: 'Library/Application Support/Firefox',
  linux: '.mozilla/firefox',
  win32: 'AppData/Roaming/Mozilla/Firefox',
};

function osKey(platform: NodeJS.Platform): 'darwin' | 'linux' | 'win32' | undefined {
  return platform === 'darwin' || platform === 'linux' || platform === 'win32' ? platform : undefined;
}

/**
 * The default history database of a browser for this user, or undefined when the browser has none on this OS.
 * Chrome family: `<user data>/<profile or Default>/History`; Firefox: `places.sqlite` of the profile named in
 * profiles.ini (the install's default, else `Default=1`); Safari (macOS only): `~/Library/Safari/History.db`.
 */
export function defaultHistoryPath(browser: Browser, dirs: Dirs, profile?: string): string | undefined {
  const os = osKey(dirs.platform);
  if (!os) return undefined;
  if (browser === 'safari') return os === 'darwin' ? path.join(dirs.home, 'Library/Safari/History.db') : undefined;
  if (browser === 'firefox') {
    const root = path.join(dirs.home, FIREFOX_DIRS[os]);
    const rel = profile ? (profile.includes('/') ? profile : `Profiles/${profile}`) : defaultFirefoxProfile(root);
    return rel ? path.join(root, rel, 'places.sqlite') : undefined;
  }
  return path.join(dirs.home, CHROMIUM_DIRS[browser][os], profile ?? 'Default', 'History');
}

/** The default profile's path (relative to the Firefox folder) from profiles.ini. */
export function defaultFirefoxProfile(root: string): string | undefined {
  const ini = path.join(root, 'profiles.ini');
  if (!existsSync(ini)) return undefined;
  return pickFirefoxProfile(readFileSync(ini, 'utf8'));
}

/** Parses profiles.ini: an `[Install…]` section's `Default=` wins, then a profile with `Default=1`, then the first. */
export function pickFirefoxProfile(text: string): string | undefined {
  const sections: Array<{ name: string; keys: Record<string, string> }> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) sections.push({ name: header[1]!, keys: {} });
    else if (line.includes('=') && sections.length) {
      const i = line.indexOf('=');
      sections[sections.length - 1]!.keys[line.slice(0, i).trim()] = line.slice(i + 1).trim();
    }
  }
  const install = sections.find((s) => s.name.startsWith('Install') && s.keys.Default);
  if (install) return install.keys.Default;
  const profiles = sections.filter((s) => s.name.startsWith('Profile') && s.keys.Path);
  return (profiles.find((s) => s.keys.Default === '1') ?? profiles[0])?.keys.Path;
}
