import { GraphDriveState, type TwinItem } from './state.js';

export interface GraphSeed {
  state: GraphDriveState;
  folders: TwinItem[];
  /** Readable files, in creation order. */
  files: TwinItem[];
}

/**
 * `folders` folders (every 10th nested under the previous one) and `files` text files spread over them round-robin:
 * `.txt`, `.md`, `.ts` and `.html` in turn, each naming its number so a search can find it. Binary formats (PDF,
 * DOCX, XLSX, PPTX) are added by the tests that need them.
 */
export function seedGraphDrive(opts: { folders: number; files: number }): GraphSeed {
  const state = new GraphDriveState();
  const folders: TwinItem[] = [];
  for (let i = 0; i < opts.folders; i++) {
    const parent = i % 10 === 9 ? folders[i - 1]!.id : undefined;
    folders.push(state.addFolder(`Folder ${i}`, parent));
  }
  const files: TwinItem[] = [];
  for (let i = 0; i < opts.files; i++) {
    const parentId = folders.length ? folders[i % folders.length]!.id : undefined;
    const at = parentId ? { parentId } : {};
    const kind = i % 4;
    if (kind === 0)
      files.push(state.addFile(`note-${i}.txt`, `Note ${i} about widget ${i}.\n`, { ...at, mimeType: 'text/plain' }));
    else if (kind === 1)
      files.push(
        state.addFile(`plan-${i}.md`, `# Plan ${i}\n\nShip **widget ${i}**.\n`, { ...at, mimeType: 'text/markdown' }),
      );
    else if (kind === 2)
      files.push(
        state.addFile(`widget-${i}.ts`, `export const widget${i} = ${i}; // widget ${i}\n`, {
          ...at,
          mimeType: 'application/octet-stream',
        }),
      );
    else
      files.push(
        state.addFile(
          `page-${i}.html`,
          `<html><head><title>Page ${i}</title></head><body><h1>Widget ${i}</h1><p>About widget ${i}.</p></body></html>`,
          {
            ...at,
            mimeType: 'text/html',
          },
        ),
      );
  }
  return { state, folders, files };
}
