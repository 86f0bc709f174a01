import { TributaryError } from '@tributary/sdk';
import { ConnectorDescriptionSchema, type ConnectorDescription } from './descriptor.js';
import { openSandbox, type SandboxLimits } from './sandbox/session.js';

/** Longest a plugin's module may take to load and describe its connector. */
const DESCRIBE_TIMEOUT_MS = 30_000;

/**
 * Loads a plugin's module in a sandbox process and returns what its connector declares (manifest, config and
 * checkpoint schemas as JSON Schema). Never loads the plugin into this process.
 * @throws TributaryError the plugin's own error (its module throws, exports no connector of that name), or
 * `internal` when its process dies, hangs or exceeds its memory
 */
export async function describePlugin(options: {
  label: string;
  entry: string;
  cwd: string;
  connector: string;
  limits: SandboxLimits;
}): Promise<ConnectorDescription> {
  const session = openSandbox({
    ...options,
    op: { op: 'describe' },
    handlers: {
      request: () =>
        Promise.reject(new TributaryError('unsupported', 'A plugin may not ask for anything while it is described.')),
    },
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const event = await Promise.race([
      session.next(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new TributaryError(
                'timeout',
                `Plugin ${options.label} did not describe its connector within ${DESCRIBE_TIMEOUT_MS / 1000} s.`,
              ),
            ),
          DESCRIBE_TIMEOUT_MS,
        );
      }),
    ]);
    if (event.type !== 'described')
      throw new TributaryError('internal', `Plugin ${options.label} answered ${event.type}.`);
    const parsed = ConnectorDescriptionSchema.safeParse(event.descriptor);
    if (!parsed.success)
      throw new TributaryError('invalid_config', `Plugin ${options.label} declares an invalid connector manifest.`);
    return parsed.data;
  } finally {
    clearTimeout(timer);
    session.close();
  }
}
