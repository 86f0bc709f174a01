import { ManifestSchema, configJsonSchema, featureConfigJsonSchemas, z, type AnyConnector } from '@tributary/sdk';

/** The file beside a plugin's node_modules that records what was installed and what its connector declares. */
export const DESCRIPTOR_FILE = 'tributary-plugin.json';

const JsonSchemaObject = z.record(z.string(), z.unknown());

/**
 * A plugin's connector as data: its declarative manifest, its config and checkpoint schemas as JSON Schema, and which
 * optional functions it has. Written at install time by a sandboxed `describe`, so the host knows a plugin's
 * connector (forms, validation, `connectors list`) without ever loading the plugin's code into its own process.
 */
export const ConnectorDescriptionSchema = z.object({
  manifest: ManifestSchema.extend({
    configSchema: JsonSchemaObject,
    checkpointSchema: JsonSchemaObject,
    configAliases: z.record(z.string(), z.string()).optional(),
    /** Each feature's config schema as JSON Schema (features without config are absent). */
    featureConfigSchemas: z.record(z.string(), JsonSchemaObject).default({}),
  }),
  has: z.object({ discover: z.boolean(), watch: z.boolean(), webhook: z.boolean() }),
});
export type ConnectorDescription = z.infer<typeof ConnectorDescriptionSchema>;

export const OriginSchema = z.object({
  kind: z.enum(['npm', 'folder', 'tgz']),
  /** What was given to `connectors install` (an npm spec, or an absolute path). */
  spec: z.string().min(1),
});
export type PluginOrigin = z.infer<typeof OriginSchema>;

/** An npm package name (scoped or not): it names a folder under node_modules, so no `..` or other path tricks. */
const PackageNameSchema = z
  .string()
  .max(214)
  .regex(/^(@[a-z0-9-~][a-z0-9-._~]*\/)?[a-z0-9-~][a-z0-9-._~]*$/, 'must be an npm package name');

export const PluginDescriptorSchema = z.object({
  v: z.literal(1),
  package: PackageNameSchema,
  version: z.string().min(1),
  origin: OriginSchema,
  installedAt: z.string(),
  /** sha256 of the plugin's package.json: a changed package.json (hand-edited, replaced) is described again. */
  packageHash: z.string(),
  connector: ConnectorDescriptionSchema,
});
export type PluginDescriptor = z.infer<typeof PluginDescriptorSchema>;

/** Describes a loaded connector (runs inside the sandbox, where the plugin's code is). */
export function describeConnector(connector: AnyConnector): ConnectorDescription {
  const { config, checkpoint, configAliases, ...data } = connector.manifest;
  const featureConfigSchemas = Object.fromEntries(
    Object.entries(featureConfigJsonSchemas(connector.manifest)).filter(([, json]) => json !== null),
  );
  return ConnectorDescriptionSchema.parse({
    manifest: {
      ...data,
      featureConfigSchemas,
      configSchema: configJsonSchema(config),
      checkpointSchema: z.toJSONSchema(checkpoint, { io: 'input', unrepresentable: 'any' }),
      ...(configAliases ? { configAliases } : {}),
    },
    has: {
      discover: typeof connector.discover === 'function',
      watch: typeof connector.watch === 'function',
      webhook: typeof connector.webhook === 'function',
    },
  });
}
