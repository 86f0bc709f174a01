/**
 * Slack mrkdwn → plain text. Slack stores mentions, channel references, special mentions and links as `<…>`
 * tokens and escapes `&`, `<`, `>`; search needs the words a person saw, so tokens become names and emphasis
 * markers are dropped. Code spans and blocks keep their backticks (they carry meaning) and their inner text is
 * left as written.
 */

/** Looks up names for ids found in tokens. Either lookup may return undefined; the token's own label is used then. */
export interface MrkdwnResolver {
  /** The name to show for a user id (without the `@`). */
  user?(id: string): string | undefined;
  /** The name of a conversation id (without the `#`). */
  channel?(id: string): string | undefined;
}

const TOKEN = /<([^<>]+)>/g;
const CODE = /(```[\s\S]*?```|`[^`\n]+`)/;
const BEFORE = String.raw`(^|[\s(\[{"'>])`;
const AFTER = String.raw`(?=$|[\s)\]}.,;:!?"'<])`;
const EMPHASIS = ['*', '_', '~'].map((m) => {
  const e = m === '*' ? String.raw`\*` : m;
  return new RegExp(`${BEFORE}${e}([^\\s${e}](?:[^${e}\\n]*[^\\s${e}])?)${e}${AFTER}`, 'gm');
});

/** Replaces one `<…>` token with what Slack would display. */
function renderToken(inner: string, resolver: MrkdwnResolver): string {
  const bar = inner.indexOf('|');
  const target = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1);
  if (target.startsWith('@')) {
    const id = target.slice(1);
    return `@${resolver.user?.(id) ?? label?.replace(/^@/, '') ?? id}`;
  }
  if (target.startsWith('#')) {
    const id = target.slice(1);
    return `#${resolver.channel?.(id) ?? label?.replace(/^#/, '') ?? id}`;
  }
  if (target.startsWith('!')) {
    const special = target.slice(1);
    if (special === 'here' || special === 'channel' || special === 'everyone') return `@${special}`;
    if (special.startsWith('subteam^')) return label ?? '@group';
    return label ?? ''; // !date^…|fallback and unknown specials: the fallback text is what clients show
  }
  const url = target.startsWith('mailto:') ? target.slice('mailto:'.length) : target;
  if (!label || label === url || label === target || url.endsWith(`//${label}`)) return url;
  return `${label} (${url})`;
}

function decodeEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function stripEmphasis(text: string): string {
  let out = text;
  for (const re of EMPHASIS) out = out.replace(re, '$1$2');
  return out;
}

/**
 * Cleans Slack mrkdwn to readable text: `<@U1>` → `@name`, `<#C1|general>` → `#general`, `<!here>` → `@here`,
 * `<https://x|label>` → `label (https://x)`, `*bold*` → `bold`, entities decoded.
 */
export function cleanMrkdwn(text: string, resolver: MrkdwnResolver = {}): string {
  const parts = text.split(CODE);
  return parts
    .map((part, i) => {
      const replaced = part.replace(TOKEN, (_m, inner: string) => renderToken(inner, resolver));
      // Odd indexes are the captured code spans/blocks: no emphasis stripping inside.
      return decodeEntities(i % 2 === 1 ? replaced : stripEmphasis(replaced));
    })
    .join('');
}
