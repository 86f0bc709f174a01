import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Engine } from '@tributary/engine';
import type { Caller } from '../api/context.js';
import { createMcpServer } from './server.js';

/**
 * `POST /mcp` in stateless streamable-HTTP mode: a fresh server and transport per request, scoped to the caller
 * (the bearer token's user). Stateless mode needs no sticky sessions, so it scales out like the REST API.
 */
export async function handleMcpHttp(engine: Engine, caller: Caller, request: Request): Promise<Response> {
  const server = createMcpServer(engine, caller);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    return await transport.handleRequest(request);
  } finally {
    // The JSON response is complete here: nothing streams after it.
    await server.close();
  }
}
