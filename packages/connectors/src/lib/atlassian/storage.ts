import TurndownService from 'turndown';

/**
 * Confluence storage format (XHTML with `ac:`/`ri:` elements,
 * https://confluence.atlassian.com/doc/confluence-storage-format-790796544.html) to Markdown. Macros that carry text
 * keep it (code with its language, panels, expands, excerpts); links keep their target; images and attachments
 * become links; macros without text (table of contents, …) render nothing.
 */

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** CDATA sections (code bodies, link texts) would be comments to an HTML parser: make them text first. */
const uncdata = (xml: string): string =>
  xml.replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_m, body: string) => escapeHtml(body));

type El = HTMLElement;
const is = (node: Node, name: string): boolean => node.nodeName.toLowerCase() === name;
const childrenNamed = (node: El, name: string): El[] => Array.from(node.childNodes).filter((c) => is(c, name)) as El[];
const param = (macro: El, name: string): string | undefined =>
  childrenNamed(macro, 'ac:parameter').find((p) => p.getAttribute('ac:name') === name)?.textContent ?? undefined;

const PANELS: Record<string, string> = { info: 'Info', note: 'Note', tip: 'Tip', warning: 'Warning', panel: 'Note' };

export interface StorageContext {
  /** Where a linked page lives, by title (a page link in storage names the title only). */
  pageUrl?(title: string, spaceKey: string | undefined): string | undefined;
  /** An attachment's URL by file name. */
  attachmentUrl?(filename: string): string | undefined;
}

function converter(): TurndownService {
  const td = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
  });
  td.addRule('parameters', { filter: (n) => is(n, 'ac:parameter') || is(n, 'ac:task-id'), replacement: () => '' });
  td.addRule('macros', {
    filter: (n) => is(n, 'ac:structured-macro') || is(n, 'ac:macro'),
    replacement: (content, node) => {
      const macro = node as El;
      const name = macro.getAttribute('ac:name') ?? '';
      const plain = childrenNamed(macro, 'ac:plain-text-body')[0]?.textContent;
      if (name === 'code' || name === 'noformat')
        return `\n\n\`\`\`${param(macro, 'language') ?? ''}\n${(plain ?? '').replace(/\n$/, '')}\n\`\`\`\n\n`;
      const body = content.trim();
      if (PANELS[name]) {
        const title = param(macro, 'title');
        const head = `**${PANELS[name]}${title ? ` — ${title}` : ''}:**`;
        return `\n\n${`${head} ${body}`
          .split('\n')
          .map((l) => (l ? `> ${l}` : '>'))
          .join('\n')}\n\n`;
      }
      if (name === 'expand') return `\n\n▸ ${param(macro, 'title') ?? 'Details'}\n\n${body}\n\n`;
      if (plain) return `\n\n${plain}\n\n`;
      // A macro with a rich body (excerpt, column, section …) is its body; one without (toc, children) is nothing.
      return body ? `\n\n${body}\n\n` : '';
    },
  });
  td.addRule('tasks', {
    filter: (n) => is(n, 'ac:task'),
    replacement: (_c, node) => {
      const task = node as El;
      const done = childrenNamed(task, 'ac:task-status')[0]?.textContent?.trim() === 'complete';
      const body = td.turndown(childrenNamed(task, 'ac:task-body')[0]?.innerHTML ?? '').trim();
      return `- [${done ? 'x' : ' '}] ${body}\n`;
    },
  });
  td.addRule('taskList', {
    filter: (n) => is(n, 'ac:task-list'),
    replacement: (content) => `\n\n${content.trim()}\n\n`,
  });
  td.addRule('tables', {
    filter: 'table',
    replacement: (_c, node) => {
      const rows = Array.from((node as El).querySelectorAll('tr')).map((tr) =>
        Array.from(tr.children).map((cell) =>
          td
            .turndown((cell as El).innerHTML)
            .replace(/\n+/g, ' ')
            .replace(/\|/g, '\\|')
            .trim(),
        ),
      );
      if (!rows.length) return '';
      const width = Math.max(...rows.map((r) => r.length));
      const line = (r: string[]) => `| ${Array.from({ length: width }, (_, i) => r[i] ?? '').join(' | ')} |`;
      return `\n\n${[line(rows[0]!), line(Array(width).fill('---')), ...rows.slice(1).map(line)].join('\n')}\n\n`;
    },
  });
  return td;
}

const attr = (tag: string, name: string): string | undefined => new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1];
const firstTag = (xml: string, name: string): string | undefined => new RegExp(`<${name}\\b[^>]*>`).exec(xml)?.[0];
const bodyOf = (xml: string, name: string): string | undefined =>
  new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(xml)?.[1];
const anchor = (href: string | undefined, text: string): string => (href ? `<a href="${href}">${text}</a>` : text);

/**
 * Rewrites what an HTML parser cannot read (namespaced, self-closing, attribute-only elements) into HTML: links to
 * pages, users, URLs and attachments; images; dates; emoticons. Macros stay, for the turndown rules.
 */
function toHtml(xml: string, ctx: StorageContext): string {
  return (
    uncdata(xml)
      .replace(/<ac:link\b[^>]*>([\s\S]*?)<\/ac:link>/g, (_m, inner: string) => {
        const text = (bodyOf(inner, 'ac:plain-text-link-body') ?? bodyOf(inner, 'ac:link-body') ?? '').trim();
        const page = firstTag(inner, 'ri:page');
        if (page) {
          const title = attr(page, 'ri:content-title') ?? 'page';
          return anchor(ctx.pageUrl?.(title, attr(page, 'ri:space-key')), text || title);
        }
        const user = firstTag(inner, 'ri:user');
        if (user) return `@${text || attr(user, 'ri:display-name') || attr(user, 'ri:account-id') || 'user'}`;
        const url = firstTag(inner, 'ri:url');
        if (url) return anchor(attr(url, 'ri:value'), text || attr(url, 'ri:value') || '');
        const file = firstTag(inner, 'ri:attachment');
        if (file) {
          const name = attr(file, 'ri:filename') ?? 'attachment';
          return anchor(ctx.attachmentUrl?.(name), `📎 ${text || name}`);
        }
        return text;
      })
      .replace(/<ac:image\b([^>]*)>([\s\S]*?)<\/ac:image>/g, (_m, attrs: string, inner: string) => {
        const url = firstTag(inner, 'ri:url');
        if (url) return `<img src="${attr(url, 'ri:value') ?? ''}" alt="${attr(attrs, 'ac:alt') ?? ''}">`;
        const name = attr(firstTag(inner, 'ri:attachment') ?? '', 'ri:filename') ?? 'image';
        return `<p>${anchor(ctx.attachmentUrl?.(name), `📎 ${name}`)}</p>`;
      })
      .replace(/<time\b[^>]*\/>/g, (tag) => attr(tag, 'datetime') ?? '')
      .replace(/<ac:emoticon\b[^>]*\/>/g, (tag) => attr(tag, 'ac:emoji-fallback') ?? '')
      // A macro without a body (table of contents, children listing) carries no text.
      .replace(/<ac:structured-macro\b[^>]*\/>/g, '')
      .replace(/<((?:ac|ri):[\w-]+)\b([^>]*)\/>/g, '<$1$2></$1>')
  );
}

/** A storage-format body as Markdown. */
export function storageToMarkdown(xhtml: string, ctx: StorageContext = {}): string {
  if (!xhtml.trim()) return '';
  return converter()
    .turndown(toHtml(xhtml, ctx))
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
