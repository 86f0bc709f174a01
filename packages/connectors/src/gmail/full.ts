import type { gmail_v1 } from '@googleapis/gmail';

type Part = gmail_v1.Schema$MessagePart;

/** base64 in 76-character lines, as MIME wants it. */
const wrap = (b64: string): string => b64.replace(/.{1,76}/g, '$&\r\n').trimEnd();

/**
 * Rebuilds RFC 5322 bytes from a `format=full` message part (headers plus a tree of parts whose bodies Gmail sends
 * base64url-decoded-from-the-wire), so messages read that way (`threads.get`, exports of the API's JSON) go
 * through the same mail parser as `format=raw`. Bodies are re-encoded as base64; a part without headers gets a
 * Content-Type from its `mimeType`. Attachments Gmail left out (`attachmentId` only) are listed without content.
 */
export function rawFromPayload(part: Part, boundarySeed = 'tributary'): Buffer {
  return Buffer.from(build(part, boundarySeed, 0), 'utf8');
}

function build(part: Part, seed: string, depth: number): string {
  const headers = (part.headers ?? []).filter(
    (h) => h.name && !/^content-transfer-encoding$/i.test(h.name) && !/^content-length$/i.test(h.name),
  );
  const has = (name: string): boolean => headers.some((h) => h.name!.toLowerCase() === name);
  const lines = headers.map((h) => `${h.name}: ${h.value ?? ''}`);
  const children = part.parts ?? [];
  if (children.length) {
    const declared = headers
      .find((h) => h.name!.toLowerCase() === 'content-type')
      ?.value?.match(/boundary="?([^";]+)"?/i)?.[1];
    const boundary = declared ?? `${seed}-${depth}`;
    if (!declared) {
      const type = part.mimeType?.startsWith('multipart/') ? part.mimeType : 'multipart/mixed';
      const rest = lines.filter((l) => !/^content-type:/i.test(l));
      lines.length = 0;
      lines.push(...rest, `Content-Type: ${type}; boundary="${boundary}"`);
    }
    const body = children.map((c) => `--${boundary}\r\n${build(c, seed, depth + 1)}`).join('\r\n');
    return `${lines.join('\r\n')}\r\n\r\n${body}\r\n--${boundary}--\r\n`;
  }
  if (!has('content-type')) lines.push(`Content-Type: ${part.mimeType ?? 'text/plain'}; charset=utf-8`);
  if (part.filename && !has('content-disposition'))
    lines.push(`Content-Disposition: attachment; filename="${part.filename.replace(/"/g, '')}"`);
  const data = Buffer.from(part.body?.data ?? '', 'base64url');
  lines.push('Content-Transfer-Encoding: base64');
  return `${lines.join('\r\n')}\r\n\r\n${wrap(data.toString('base64'))}\r\n`;
}
