export { createMcpServer, SERVER_INFO, SearchToolInput } from './server.js';
export { handleMcpHttp } from './http.js';
export { runMcpStdio } from './stdio.js';
