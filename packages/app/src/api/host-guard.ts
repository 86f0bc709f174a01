import { TributaryError } from '@tributary/sdk';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function hostnameOf(value: string): string | null {
  try {
    return new URL(value.includes('://') ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * DNS-rebinding protection for a server bound to a loopback address: a web page on another origin that makes its
 * name resolve to 127.0.0.1 still sends its own Host/Origin, so anything but a loopback name is refused.
 * @throws TributaryError `forbidden` naming the header
 */
export function assertLoopbackRequest(headers: { get(name: string): string | null }): void {
  const host = headers.get('host');
  if (host !== null && !LOOPBACK.has(hostnameOf(host) ?? '')) {
    throw new TributaryError('forbidden', `Host "${host}" is not allowed: this server only answers on localhost.`, {
      issues: [{ path: 'header.host', message: 'not a loopback host' }],
    });
  }
  const origin = headers.get('origin');
  if (origin !== null && origin !== 'null' && !LOOPBACK.has(hostnameOf(origin) ?? '')) {
    throw new TributaryError('forbidden', `Origin "${origin}" is not allowed: this server only answers on localhost.`, {
      issues: [{ path: 'header.origin', message: 'not a loopback origin' }],
    });
  }
}

/** Whether a bind address is loopback-only (then the guard applies). */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || host.startsWith('127.');
}
