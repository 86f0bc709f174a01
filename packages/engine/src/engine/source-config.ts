import { parseConfig, secretFieldPaths, TributaryError, type AnyConnector } from '@tributary/sdk';
import type { SourceRecord } from '../store/types.js';
import { getPath, isSealedValue, SECRET_MASK, setPath } from '../vault/config-secrets.js';
import type { EngineOptions } from './types.js';

/**
 * The plaintext config of a source: its secret fields opened when the engine seals them at rest
 * (`EngineOptions.configSecrets`), the stored config as is otherwise.
 * @throws TributaryError `secret_key_invalid` when a sealed field does not decrypt
 */
export async function openSourceConfig(
  options: Pick<EngineOptions, 'configSecrets'>,
  source: Pick<SourceRecord, 'id' | 'config'>,
): Promise<Record<string, unknown>> {
  return options.configSecrets ? options.configSecrets.open(source.id, source.config) : source.config;
}

/**
 * Validates a config given by a user and returns what to store: with `configSecrets`, the secret fields sealed,
 * and a field sent back as the output mask (`********`) or as its sealed value keeps the secret of `stored`.
 * Validation runs on the plaintext first, so bad input changes nothing.
 * @throws TributaryError `invalid_config`
 */
export async function configToStore(
  options: Pick<EngineOptions, 'configSecrets'>,
  connector: AnyConnector,
  sourceId: string,
  config: Record<string, unknown>,
  stored?: Pick<SourceRecord, 'id' | 'config'>,
): Promise<Record<string, unknown>> {
  const hook = options.configSecrets;
  if (!hook) {
    parseConfig(connector, config);
    return config;
  }
  const paths = secretFieldPaths(connector.manifest.config);
  let plain = config;
  const previous = stored ? await hook.open(stored.id, stored.config) : {};
  for (const path of paths) {
    const value = getPath(config, path);
    if (value !== SECRET_MASK && !isSealedValue(value)) continue;
    const kept = getPath(previous, path);
    if (kept === undefined) {
      throw new TributaryError(
        'invalid_config',
        `config.${path}: "${SECRET_MASK}" stands for the stored secret, but there is none; give the real value.`,
        { issues: [{ path: `config.${path}`, message: 'no stored secret to keep' }] },
      );
    }
    plain = setPath(plain, path, kept);
  }
  parseConfig(connector, plain);
  return hook.seal(sourceId, plain, paths);
}
