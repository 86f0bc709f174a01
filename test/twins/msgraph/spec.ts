import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { createSchemaValidator, testdataPath, type Exchange, type SchemaValidator } from '../kit/index.js';

/**
 * Microsoft Graph's published descriptions (testdata/specs/msgraph): the per-module OpenAPI files the PowerShell SDK
 * is generated from (Files: driveItem, odata.error; ChangeNotifications: subscription) and the CSDL metadata, which
 * is where `delta` is declared (a function bound to driveItem returning Collection(driveItem)); the OpenAPI
 * modules do not list the delta path, so its envelope is checked here by hand and each element against driveItem.
 */
let files: SchemaValidator | undefined;

/**
 * The OData → OpenAPI converter writes `additionalProperties: { type: object }` on every schema (OData's open
 * extensibility) — including on each branch of the `allOf` chains (entity → baseItem → driveItem). Under JSON
 * Schema each branch's `additionalProperties` applies to properties that branch does not declare, so it would
 * reject baseItem's `name` inside driveItem's branch. Those keywords are dropped (the declared properties and their
 * types are what is checked).
 */
function openTypes(node: unknown): unknown {
  if (Array.isArray(node)) node.forEach(openTypes);
  else if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    const ap = o.additionalProperties as Record<string, unknown> | undefined;
    if (ap && typeof ap === 'object' && ap.type === 'object' && Object.keys(ap).length === 1)
      delete o.additionalProperties;
    Object.values(o).forEach(openTypes);
  }
  return node;
}
let notifications: SchemaValidator | undefined;

/** Navigation properties per entity type, from the CSDL (`<NavigationProperty Name=…>` inside `<EntityType Name=…>`). */
function navigationProperties(): Map<string, Set<string>> {
  const xml = gunzipSync(readFileSync(testdataPath('specs/msgraph/v1.0-cleanMetadata.xml.gz'))).toString('utf8');
  const out = new Map<string, Set<string>>();
  for (const m of xml.matchAll(/<EntityType Name="([^"]+)"[^>]*>([\s\S]*?)<\/EntityType>/g))
    out.set(m[1]!, new Set([...m[2]!.matchAll(/<NavigationProperty Name="([^"]+)"/g)].map((n) => n[1]!)));
  return out;
}

/**
 * Navigation properties (workbook, listItem, permissions, createdByUser …) are never in an answer unless asked for
 * with $expand, which the connector does not do; their schemas pull in most of Graph. They are removed from each
 * entity's schema, as the CSDL names them, so a check compiles only what an answer can hold.
 */
function withoutNavigation(spec: { components: { schemas: Record<string, unknown> } }): object {
  const nav = navigationProperties();
  for (const [name, schema] of Object.entries(spec.components.schemas)) {
    const names = nav.get(name.replace(/^microsoft\.graph\./, ''));
    if (!names?.size) continue;
    const branches = [schema, ...(((schema as { allOf?: unknown[] }).allOf ?? []) as unknown[])];
    for (const b of branches) {
      const props = (b as { properties?: Record<string, unknown> }).properties;
      if (props) for (const n of names) delete props[n];
    }
  }
  return spec;
}

/**
 * The parsed module (YAML, about 1 MB) is cached as JSON under the OS temp dir, keyed by the file's size and mtime:
 * every test file after the first in a run reads the JSON instead of parsing the YAML again.
 */
function loadModule(file: string, gz: boolean): { components: { schemas: Record<string, unknown> } } {
  const src = testdataPath('specs/msgraph', file);
  const st = statSync(src);
  const cache = path.join(os.tmpdir(), `tributary-msgraph-${file}-${st.size}-${Math.floor(st.mtimeMs)}.json`);
  if (existsSync(cache)) {
    try {
      return JSON.parse(readFileSync(cache, 'utf8'));
    } catch {
      // a cache being written by another worker: parse the YAML
    }
  }
  const raw = readFileSync(src);
  const spec = parse((gz ? gunzipSync(raw) : raw).toString('utf8'), { maxAliasCount: -1 });
  const tmp = `${cache}.${process.pid}`;
  writeFileSync(tmp, JSON.stringify(spec));
  renameSync(tmp, cache);
  return spec;
}

function validators(): { files: SchemaValidator; notifications: SchemaValidator } {
  files ??= createSchemaValidator(
    openTypes(withoutNavigation(loadModule('powershell-v1.0-Files.yml.gz', true))) as object,
  );
  notifications ??= createSchemaValidator(
    openTypes(withoutNavigation(loadModule('powershell-v1.0-ChangeNotifications.yml', false))) as object,
  );
  return { files, notifications };
}

const schema = (name: string): string => `#/components/schemas/${name}`;

/**
 * OData instance annotations (`@microsoft.graph.downloadUrl`, `@odata.context`) are not properties of the entity:
 * the descriptions say nothing of them (and type unknown properties as objects), so they are left out of the check.
 */
const withoutAnnotations = (o: unknown): unknown =>
  o && typeof o === 'object' && !Array.isArray(o)
    ? Object.fromEntries(Object.entries(o).filter(([k]) => !k.startsWith('@')))
    : o;

/** Problems of one twin answer against Graph's descriptions (empty when it conforms). */
export function graphProblems(e: Exchange): string[] {
  const v = validators();
  if (e.status >= 400) {
    if (e.route === 'download') return [];
    const pointer = e.route.startsWith('subscriptions') ? v.notifications : v.files;
    return pointer.validate(schema('odata.error'), e.body).map((p) => `${e.route} error: ${p}`);
  }
  switch (e.route) {
    case 'driveItem.delta':
    case 'driveItem.children': {
      const body = e.body as Record<string, unknown>;
      const out: string[] = [];
      const links = ['@odata.nextLink', '@odata.deltaLink'].filter((k) => typeof body[k] === 'string');
      if (e.route === 'driveItem.delta' && links.length !== 1)
        out.push('delta: exactly one of @odata.nextLink / @odata.deltaLink');
      if (!Array.isArray(body.value)) return [...out, 'delta: value is not an array'];
      for (const [i, it] of (body.value as unknown[]).entries())
        out.push(
          ...v.files
            .validate(schema('microsoft.graph.driveItem'), withoutAnnotations(it))
            .map((p) => `value[${i}]${p}`),
        );
      return out;
    }
    case 'driveItem.get':
      return v.files.validate(schema('microsoft.graph.driveItem'), withoutAnnotations(e.body));
    case 'subscriptions.create':
    case 'subscriptions.get':
    case 'subscriptions.update':
      return v.notifications.validate(schema('microsoft.graph.subscription'), withoutAnnotations(e.body));
    default:
      return [];
  }
}

/** The CSDL's declaration of driveItem's delta function (bound to driveItem, returns a collection of driveItem). */
export function csdlDeltaOfDriveItem(): boolean {
  const xml = gunzipSync(readFileSync(testdataPath('specs/msgraph/v1.0-cleanMetadata.xml.gz'))).toString('utf8');
  return /<Function Name="delta"[^>]*IsBound="true"[^>]*>\s*<Parameter Name="bindingParameter" Type="graph\.driveItem"[^>]*\/>\s*<ReturnType Type="Collection\(graph\.driveItem\)"/.test(
    xml,
  );
}
