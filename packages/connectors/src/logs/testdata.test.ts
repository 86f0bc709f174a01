import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPass } from './test-support/run.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const logsDir = path.resolve(repoRoot, '../shared/testdata/logs');

function listLogs(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return listLogs(p);
    return /\.(log|jsonl)$/.test(name) ? [p] : [];
  });
}

/** Lines that are requests by a human reading of the file: they name an HTTP method (directives and TCP/TLS records do not). */
const requestLines = (file: string): number =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => !l.startsWith('#') && /\b(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH)\b/.test(l)).length;
const allLines = (file: string): number =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '').length;

// HTTP access logs among the test data, with the format a person reading them would name.
const ACCESS_LOGS: Record<string, string> = {
  'plaso/apache_access.log': 'combined',
  'plaso/aws_elb_access.log': 'elb',
  'plaso/iis/iis6.log': 'w3c',
  'plaso/iis/iis10.log': 'w3c',
  'plaso/jira_access.log': 'atlassian',
  'plaso/confluence_access.log': 'atlassian',
};

describe('logs: every log under shared/testdata/logs', () => {
  const files = listLogs(logsDir);

  it('finds the test data', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    const rel = path.relative(logsDir, file);
    it(`parse rate of ${rel}`, async () => {
      const { items, files, errors } = await readPass({ paths: [file] });
      const state = files[0]!;
      const total = ACCESS_LOGS[rel] ? requestLines(file) : allLines(file);
      const rate = items.length / total;
      console.log(
        `[logs] ${rel}: format=${state.format} requests=${items.length}/${total} parse rate=${(rate * 100).toFixed(1)}% malformed=${state.malformed}`,
      );
      const expected = ACCESS_LOGS[rel];
      if (expected) {
        expect(state.format).toBe(expected);
        expect(rate).toBe(1);
        expect(state.malformed).toBe(0);
        expect(state.offset).toBe(statSync(file).size);
      } else {
        // not an HTTP access log (error logs, syslog, HDFS, cloud audit JSON): recognised as such and skipped
        expect(state.format).toBe('unknown');
        expect(items).toHaveLength(0);
        expect(errors.some((e) => e.message.includes('not an access log'))).toBe(true);
      }
    });
  }

  it('maps the fields of each format', async () => {
    const read = async (rel: string) => (await readPass({ paths: [path.join(logsDir, rel)] })).items;
    const apache = await read('plaso/apache_access.log');
    expect(apache[0]!.occurredAt).toBe('2016-01-13T19:31:16+00:00');
    expect(apache[0]!.metadata).toMatchObject({
      method: 'GET',
      path: '/wp-content/themes/darkmode/header.php?install2',
      status: 200,
      bytes: 494,
      client: '10.0.0.1',
    });
    expect(apache[1]!.metadata).toMatchObject({ userAgent: expect.stringContaining('Chrome/23.0.1271.6') });
    const vhost = apache.find((i) => (i.metadata as { host?: string }).host === 'plaso.log2timeline.net:443');
    expect(vhost?.metadata).toMatchObject({ client: '10.1.1.2', status: 200 });
    const probe = apache.find((i) => String((i.metadata as { path: string }).path).includes('<script>'));
    expect(probe?.metadata).toMatchObject({ status: 404, bytes: 1164 });

    const elb = await read('plaso/aws_elb_access.log');
    expect(elb[0]!.occurredAt).toBe('2020-01-11T16:55:20.356586Z');
    expect(elb[0]!.metadata).toMatchObject({
      method: 'GET',
      path: '/',
      host: 'www.domain.name:443',
      status: 200,
      client: '192.168.1.10',
      latencyMs: 177,
      bytes: 107999,
    });

    const iis = await read('plaso/iis/iis10.log');
    expect(iis).toHaveLength(1);
    expect(iis[0]!.occurredAt).toBe('2021-04-01T00:00:21Z');
    expect(iis[0]!.metadata).toMatchObject({
      method: 'GET',
      path: '/foo/bar/baz.asp',
      status: 200,
      latencyMs: 65,
      client: '222.222.222.222',
    });
    expect((iis[0]!.metadata as { userAgent: string }).userAgent).toMatch(/^Mozilla\/5.0 \(Windows NT 5.1\)/);

    const jira = await read('plaso/jira_access.log');
    expect(jira[3]!.metadata).toMatchObject({
      method: 'DELETE',
      path: '/rest/api/2/issue/PROJ-2',
      status: 204,
      latencyMs: 77,
      client: '192.168.1.12',
    });
    expect(jira[3]!.occurredAt).toBe('2022-10-03T09:02:00-05:00');
  });
});
