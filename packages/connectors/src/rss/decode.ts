/**
 * Bytes of a feed → text. The encoding comes from a byte-order mark, else the HTTP `charset`, else the XML
 * declaration, else UTF-8 (XML's default). Node's TextDecoder (full ICU) knows the legacy encodings feeds still use
 * (windows-1252, iso-8859-2, gb2312, big5, euc-kr, shift_jis, koi8-r …).
 */

export interface DecodedFeed {
  text: string;
  /** The encoding used, lower-case (`utf-8`, `gb2312` …). */
  encoding: string;
  /** Set when the declared encoding was unknown or did not fit the bytes and another was used (says which). */
  fallback?: string;
}

function decoderFor(label: string): TextDecoder | undefined {
  try {
    return new TextDecoder(label.trim().toLowerCase(), { fatal: true });
  } catch {
    return undefined;
  }
}

/** The `charset` parameter of a Content-Type header. */
export function charsetOf(contentType: string | undefined | null): string | undefined {
  const m = contentType ? /;\s*charset\s*=\s*["']?([^"';\s]+)/i.exec(contentType) : null;
  return m?.[1]?.toLowerCase();
}

/** windows-1252's 0x80–0x9F (undefined bytes stay as they are); spelled out because ICU builds differ here. */
const CP1252_C1 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * C1 control characters (U+0080–U+009F) never belong in text; in feeds they are windows-1252 punctuation (smart
 * quotes, dashes, €) that went through a latin-1 or UTF-8 conversion. They become the characters meant.
 */
export function demoronize(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (ch) => CP1252_C1[ch.charCodeAt(0) - 0x80]!);
}

export function decodeFeed(bytes: Uint8Array, contentType?: string | null): DecodedFeed {
  const out = decodeBytes(bytes, contentType);
  out.text = demoronize(out.text);
  return out;
}

function decodeBytes(bytes: Uint8Array, contentType?: string | null): DecodedFeed {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8' };
  if (bytes[0] === 0xff && bytes[1] === 0xfe)
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  // A declaration is ASCII-compatible in every encoding we decode here, so a latin1 peek finds it.
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512));
  const declared = /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/.exec(head)?.[1]?.toLowerCase();
  const httpCharset = charsetOf(contentType);
  // RFC 7303: a charset on an XML media type overrides the document; text/* without one historically meant us-ascii.
  const named = httpCharset ?? declared ?? 'utf-8';
  // GB18030 is a superset of GB2312 and GBK; feeds labelled with those often use its extra characters.
  const label = named === 'gb2312' || named === 'gbk' ? 'gb18030' : named;
  const decoder = decoderFor(label);
  if (decoder) {
    try {
      return { text: decoder.decode(bytes), encoding: label };
    } catch {
      // the bytes do not fit the declared encoding: try UTF-8, then windows-1252 (what such feeds nearly always are)
    }
  }
  const why =
    declared || httpCharset
      ? `declared encoding "${label}" ${decoder ? 'does not fit the bytes' : 'is unknown'}`
      : 'no encoding declared and the bytes are not UTF-8';
  if (label !== 'utf-8') {
    try {
      return {
        text: new TextDecoder('utf-8', { fatal: true }).decode(bytes),
        encoding: 'utf-8',
        fallback: `${why}; read as UTF-8`,
      };
    } catch {
      // not UTF-8 either
    }
  }
  return {
    text: new TextDecoder('windows-1252').decode(bytes),
    encoding: 'windows-1252',
    fallback: `${why}; read as windows-1252`,
  };
}
