/** How a file is turned into text. */
export type FileKind = 'text' | 'markdown' | 'code' | 'html' | 'pdf' | 'docx';

export interface FileType {
  kind: FileKind;
  /** For code: the language name (as in Markdown fences). */
  language?: string;
}

const CODE: Record<string, string> = {
  ts: 'typescript',
  tsx: 'tsx',
  mts: 'typescript',
  cts: 'typescript',
  js: 'javascript',
  jsx: 'jsx',
  mjs: 'javascript',
  cjs: 'javascript',
  py: 'python',
  pyi: 'python',
  rb: 'ruby',
  go: 'go',
  rs: 'rust',
  java: 'java',
  kt: 'kotlin',
  kts: 'kotlin',
  scala: 'scala',
  c: 'c',
  h: 'c',
  cc: 'cpp',
  cpp: 'cpp',
  cxx: 'cpp',
  hpp: 'cpp',
  hh: 'cpp',
  cs: 'csharp',
  fs: 'fsharp',
  swift: 'swift',
  m: 'objectivec',
  php: 'php',
  pl: 'perl',
  pm: 'perl',
  lua: 'lua',
  r: 'r',
  jl: 'julia',
  dart: 'dart',
  ex: 'elixir',
  exs: 'elixir',
  erl: 'erlang',
  hs: 'haskell',
  ml: 'ocaml',
  clj: 'clojure',
  cljs: 'clojure',
  elm: 'elm',
  zig: 'zig',
  nim: 'nim',
  v: 'v',
  sol: 'solidity',
  sh: 'bash',
  bash: 'bash',
  zsh: 'zsh',
  fish: 'fish',
  ps1: 'powershell',
  bat: 'batch',
  cmd: 'batch',
  sql: 'sql',
  graphql: 'graphql',
  gql: 'graphql',
  proto: 'protobuf',
  tf: 'hcl',
  hcl: 'hcl',
  nix: 'nix',
  json: 'json',
  jsonc: 'json',
  json5: 'json5',
  yaml: 'yaml',
  yml: 'yaml',
  toml: 'toml',
  ini: 'ini',
  cfg: 'ini',
  xml: 'xml',
  css: 'css',
  scss: 'scss',
  sass: 'sass',
  less: 'less',
  vue: 'vue',
  svelte: 'svelte',
  astro: 'astro',
  gradle: 'groovy',
  groovy: 'groovy',
  cmake: 'cmake',
  mk: 'makefile',
};
const CODE_NAMES: Record<string, string> = {
  dockerfile: 'dockerfile',
  makefile: 'makefile',
  jenkinsfile: 'groovy',
  rakefile: 'ruby',
  gemfile: 'ruby',
};
const TEXT = new Set([
  'txt',
  'text',
  'log',
  'csv',
  'tsv',
  'rst',
  'adoc',
  'asciidoc',
  'org',
  'tex',
  'srt',
  'vtt',
  'eml',
  'ics',
  'vcf',
]);
const TEXT_NAMES = new Set([
  'readme',
  'license',
  'licence',
  'changelog',
  'authors',
  'contributors',
  'notice',
  'copying',
  'todo',
]);
const MARKDOWN = new Set(['md', 'markdown', 'mdx', 'mdown', 'mkd']);

/** The type of a file by its name, or undefined when Tributary does not read it (images, archives, binaries …). */
export function fileTypeOf(fileName: string): FileType | undefined {
  const lower = fileName.toLowerCase();
  const dot = lower.lastIndexOf('.');
  const ext = dot > 0 ? lower.slice(dot + 1) : '';
  if (!ext) {
    if (CODE_NAMES[lower]) return { kind: 'code', language: CODE_NAMES[lower] };
    return TEXT_NAMES.has(lower) ? { kind: 'text' } : undefined;
  }
  if (MARKDOWN.has(ext)) return { kind: 'markdown' };
  if (TEXT.has(ext)) return { kind: 'text' };
  if (ext === 'html' || ext === 'htm' || ext === 'xhtml') return { kind: 'html' };
  if (ext === 'pdf') return { kind: 'pdf' };
  if (ext === 'docx') return { kind: 'docx' };
  const language = CODE[ext];
  if (language) return { kind: 'code', language };
  return undefined;
}
