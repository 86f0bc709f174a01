import { randomUUID } from 'node:crypto';

/**
 * Writes Claude Code transcript lines in the shape Claude Code 2.x writes them: a parentUuid chain, one assistant
 * line per content block (same message id), tool results as user lines with tool_result blocks, meta and
 * file-history-snapshot lines in between.
 */
export function createSession(sessionId: string, cwd = '/home/ada/src/shop') {
  let parent: string | null = null;
  let clock = Date.UTC(2026, 10, 21, 9, 0, 0);
  const base = () => {
    const uuid = randomUUID();
    const line = {
      parentUuid: parent,
      isSidechain: false,
      userType: 'external',
      cwd,
      sessionId,
      version: '2.0.61',
      gitBranch: 'main',
      uuid,
      timestamp: new Date((clock += 1500)).toISOString(),
    };
    parent = uuid;
    return line;
  };
  const j = (o: unknown): string => `${JSON.stringify(o)}\n`;
  return {
    summary: (text: string) => j({ type: 'summary', summary: text, leafUuid: randomUUID() }),
    snapshot: () =>
      j({
        type: 'file-history-snapshot',
        messageId: randomUUID(),
        snapshot: { trackedFileBackups: {} },
        isSnapshotUpdate: false,
      }),
    meta: (text: string) => j({ ...base(), type: 'user', isMeta: true, message: { role: 'user', content: text } }),
    prompt: (text: string) => j({ ...base(), type: 'user', message: { role: 'user', content: text } }),
    promptBlocks: (text: string) =>
      j({ ...base(), type: 'user', message: { role: 'user', content: [{ type: 'text', text }] } }),
    say: (text: string, msgId = `msg_${randomUUID().slice(0, 8)}`) =>
      j({
        ...base(),
        type: 'assistant',
        requestId: 'req_1',
        message: {
          id: msgId,
          type: 'message',
          role: 'assistant',
          model: 'claude-sonnet-4-5',
          content: [{ type: 'text', text }],
          stop_reason: null,
          usage: { input_tokens: 10, output_tokens: 5 },
        },
      }),
    tool: (name: string, input: Record<string, unknown>, output: string, isError = false) => {
      const id = `toolu_${randomUUID().slice(0, 8)}`;
      return (
        j({
          ...base(),
          type: 'assistant',
          message: {
            id: `msg_${id}`,
            type: 'message',
            role: 'assistant',
            model: 'claude-sonnet-4-5',
            content: [{ type: 'tool_use', id, name, input }],
          },
        }) +
        j({
          ...base(),
          type: 'user',
          message: {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: id, content: output, is_error: isError }],
          },
          toolUseResult: { stdout: output },
        })
      );
    },
  };
}
