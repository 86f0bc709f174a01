import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { LOCAL_USER_ID, type Engine } from '@tributary/engine';
import { createMcpServer } from './server.js';

/**
 * Serves MCP on stdin/stdout as the local user until the client closes the stream. Resolves when it does.
 * Nothing else may write to stdout while it runs (it carries the protocol).
 */
export async function runMcpStdio(
  engine: Engine,
  streams?: { stdin: NodeJS.ReadableStream; stdout: NodeJS.WritableStream },
): Promise<void> {
  const server = createMcpServer(engine, { user: { id: LOCAL_USER_ID } });
  const transport = streams
    ? new StdioServerTransport(streams.stdin as never, streams.stdout as never)
    : new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    (streams?.stdin ?? process.stdin).once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close();
}
