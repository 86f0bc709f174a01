/**
 * Repairs for legacy mail that postal-mime (built on TextDecoder) cannot decode: UTF-7 (RFC 2152, no TextDecoder
 * supports it) and raw 8-bit bytes inside Q-encoded words (old Outlook/Eudora wrote `=?iso-8859-1?Q?Fr\xf6sche?=`).
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes UTF-7 shift sequences (`+AOQ-` → `ä`, `+-` → `+`); ASCII outside them is unchanged. */
export function decodeUtf7(s: string): string {
  return s.replace(/\+([A-Za-z0-9/+]*)-?/g, (whole, b64: string) => {
    if (b64 === '') return whole === '+-' ? '+' : whole;
    let bits = 0;
    let acc = 0;
    const units: number[] = [];
    for (const ch of b64) {
      acc = (acc << 6) | B64.indexOf(ch);
      bits += 6;
      if (bits >= 16) {
        bits -= 16;
        units.push((acc >> bits) & 0xffff);
      }
    }
    return String.fromCharCode(...units);
  });
}

/** Whether any part of the message declares a UTF-7 body charset. */
export function hasUtf7Body(head: string): boolean {
  return /charset\s*=\s*"?(unicode-1-1-)?utf-7/i.test(head);
}

/** Whether a header uses UTF-7 encoded words. */
export function hasUtf7Words(head: string): boolean {
  return /=\?(unicode-1-1-)?utf-7\?/i.test(head);
}

/**
 * Rewrites raw 8-bit bytes inside Q-encoded words of the header section as `=XX`, which is what the sender meant;
 * returns the input unchanged (same object) when there is nothing to repair. Bodies are never touched.
 */
export function repairEncodedWords(raw: Uint8Array): Uint8Array {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  let end = buf.indexOf('\r\n\r\n');
  if (end < 0) end = buf.indexOf('\n\n');
  if (end < 0) end = buf.byteLength;
  const head = buf.subarray(0, end).toString('latin1');
  if (!/[\x80-\xff]/.test(head)) return raw;
  let changed = false;
  const fixed = head.replace(/=\?[^?\s]+\?[Qq]\?[^?]*\?=/g, (word) =>
    word.replace(/[\x80-\xff]/g, (c) => {
      changed = true;
      return '=' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0');
    }),
  );
  if (!changed) return raw;
  return Buffer.concat([Buffer.from(fixed, 'latin1'), buf.subarray(end)]);
}
