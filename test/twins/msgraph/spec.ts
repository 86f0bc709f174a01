import { readFileSync } from 'node:fs';
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
let notifications: SchemaValidator | undefined;

function validators(): { files: SchemaValidator; notifications: SchemaValidator } {
  files ??= createSchemaValidator(
    parse(gunzipSync(readFileSync(testdataPath('specs/msgraph/powershell-v1.0-Files.yml.gz'))).toString('utf8'), {
      maxAliasCount: -1,
    }) as object,
  );
  notifications ??= createSchemaValidator(
    parse(readFileSync(testdataPath('specs/msgraph/powershell-v1.0-ChangeNotifications.yml'), 'utf8')) as object,
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
    case 'driveItem.delta': {
      const body = e.body as Record<string, unknown>;
      const out: string[] = [];
      const links = ['@odata.nextLink', '@odata.deltaLink'].filter((k) => typeof body[k] === 'string');
      if (links.length !== 1) out.push('delta: exactly one of @odata.nextLink / @odata.deltaLink');
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
