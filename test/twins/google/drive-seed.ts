import { DriveState, FOLDER, GDOC, GSHEET, GSLIDES, type TwinFile } from './drive-state.js';

export interface DriveSeed {
  state: DriveState;
  folders: TwinFile[];
  /** Readable files (text files and Google Docs/Sheets/Slides), in creation order. */
  files: TwinFile[];
  sharedDriveId: string;
}

/**
 * `folders` folders (every 10th nested under the previous one), `files` readable files spread over them: every
 * `docEvery`-th a Google Doc (exported as Markdown), a few Sheets and Slides, the rest `.txt`/`.md` files; plus one
 * shared drive holding `shared` files.
 */
export function seedDrive(opts: { folders: number; files: number; docEvery?: number; shared?: number }): DriveSeed {
  const state = new DriveState();
  const folders: TwinFile[] = [];
  for (let i = 0; i < opts.folders; i++) {
    const parent = i % 10 === 9 ? folders[i - 1]!.id : undefined;
    folders.push(state.add({ name: `Folder ${i}`, mimeType: FOLDER, ...(parent ? { parent } : {}) }));
  }
  const files: TwinFile[] = [];
  const docEvery = opts.docEvery ?? 10;
  for (let i = 0; i < opts.files; i++) {
    const parent = folders.length ? folders[i % folders.length]!.id : undefined;
    const at = parent ? { parent } : {};
    if (i % docEvery === 0)
      files.push(
        state.add({
          name: `Design doc ${i}`,
          mimeType: GDOC,
          ...at,
          exports: {
            'text/markdown': `# Design doc ${i}\n\nThe plan for **widget ${i}**.`,
            'text/plain': `Design doc ${i}`,
          },
        }),
      );
    else if (i % docEvery === 1 && i % 3 === 0)
      files.push(
        state.add({
          name: `Budget ${i}`,
          mimeType: GSHEET,
          ...at,
          exports: { 'text/csv': `item,cost\nwidget ${i},${i * 10}` },
        }),
      );
    else if (i % docEvery === 1 && i % 3 === 1)
      files.push(
        state.add({
          name: `Deck ${i}`,
          mimeType: GSLIDES,
          ...at,
          exports: { 'text/plain': `Slide 1: widget ${i} launch` },
        }),
      );
    else
      files.push(
        state.add({
          name: i % 2 ? `note-${i}.md` : `note-${i}.txt`,
          mimeType: i % 2 ? 'text/markdown' : 'text/plain',
          ...at,
          content: `Note ${i} about widget ${i}.\n`,
        }),
      );
  }
  const sharedDriveId = state.addSharedDrive('Team drive');
  for (let i = 0; i < (opts.shared ?? 0); i++)
    files.push(
      state.add({
        name: `shared-${i}.txt`,
        mimeType: 'text/plain',
        driveId: sharedDriveId,
        content: `Shared note ${i}`,
      }),
    );
  return { state, folders, files, sharedDriveId };
}
