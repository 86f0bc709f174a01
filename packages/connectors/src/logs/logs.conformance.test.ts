import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { testConnector } from '@tributary/sdk/testing';
import { afterAll } from 'vitest';
import { logsConnector } from './index.js';

const base = mkdtempSync(path.join(tmpdir(), 'tributary-logs-conf-'));
const dir = path.join(base, 'logs');

const line = (n: number): string =>
  `192.0.2.${n % 250} - alice [21/Nov/2026:09:${String(n % 60).padStart(2, '0')}:00 +0000] "POST /api/orders/${n} HTTP/1.1" 201 ${100 + n} "-" "curl/8.5"\n`;

/** External ids as the connector documents them: sha256 of the content's first 256 bytes (16 hex) + ':' + line offset. */
function idsOf(content: string, fromLine: number): string[] {
  const head = Buffer.from(content).subarray(0, 256);
  const fileId = createHash('sha256').update(head).digest('hex').slice(0, 16);
  const out: string[] = [];
  let offset = 0;
  content
    .split('\n')
    .slice(0, -1)
    .forEach((l, i) => {
      if (i >= fromLine) out.push(`${fileId}:${offset}`);
      offset += Buffer.byteLength(l) + 1;
    });
  return out;
}

testConnector(logsConnector, {
  config: { paths: [path.join(dir, 'access.log*')], pageSize: 7 },
  badSetups: [{ name: 'missing directory', config: { paths: [path.join(base, 'nope', '*.log')] } }],
  setup() {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'access.log.1.gz'), gzipSync(Array.from({ length: 12 }, (_, i) => line(i)).join('')));
    writeFileSync(path.join(dir, 'access.log'), Array.from({ length: 20 }, (_, i) => line(100 + i)).join(''));
  },
  teardown() {
    rmSync(dir, { recursive: true, force: true });
  },
  mutate() {
    const file = path.join(dir, 'access.log');
    appendFileSync(file, [200, 201, 202].map(line).join(''));
    return { added: idsOf(readFileSync(file, 'utf8'), 20), changed: [], deleted: [] };
  },
  grow() {
    // Eight more rotated files of one distinct line each: the checkpoint must not grow with the files.
    for (let i = 2; i < 10; i++)
      writeFileSync(
        path.join(dir, `access.log.${i}.gz`),
        gzipSync(
          line(1000 + i)
            .repeat(1)
            .replace('alice', `u${i}`),
        ),
      );
    return 8;
  },
  waivers: { 'deletions:propagate': 'access logs are append-only: a request once logged is never deleted upstream' },
});

afterAll(() => rmSync(base, { recursive: true, force: true }));
