import type { Item } from '@tributary/sdk';
import { keys, NoteableRecordSchema, type NoteableKind } from '../checkpoint.js';
import { ids, toNoteItem, type ApiDiscussion, type ApiNoteable } from '../map.js';
import { PER_PAGE, type ProjectRun } from './run.js';

/**
 * The notes of one issue or merge request, from its discussions (one call per 100 discussions). Notes not in the
 * record or edited after `base` are items (all of them on a first read); notes of the record that are gone are deletes.
 * GitLab's own system notes ("changed the description") are left out.
 */
export async function readNotes(
  run: ProjectRun,
  kind: NoteableKind,
  n: ApiNoteable,
  base: string | undefined,
  known: unknown,
): Promise<{ items: Item[]; deletes: string[]; record: { notes: number[] } }> {
  const prev = NoteableRecordSchema.safeParse(known ?? {});
  const before = new Set(prev.success ? prev.data.notes : []);
  const items: Item[] = [];
  const noteIds: number[] = [];
  let url: string | undefined = run.client.url(`${run.base}/${kind}/${n.iid}/discussions`, { per_page: PER_PAGE });
  while (url) {
    const res: { data: ApiDiscussion[]; next: string | undefined } = await run.client.list<ApiDiscussion>(url);
    for (const d of res.data)
      for (const note of d.notes) {
        if (note.system) continue;
        noteIds.push(note.id);
        // New to us (not in the record), or edited since the last scan.
        if (base === undefined || !before.has(note.id) || Date.parse(note.updated_at) > Date.parse(base))
          items.push(toNoteItem(run.path, kind, n, d, note));
      }
    url = res.next;
  }
  const now = new Set(noteIds);
  const deletes = [...before].filter((id) => !now.has(id)).map((id) => ids.note(run.path, kind, n.iid, id));
  return { items, deletes, record: { notes: noteIds.sort((a, b) => a - b) } };
}

/** The state key of an issue's or merge request's record. */
export const recordKey = (run: ProjectRun, kind: NoteableKind, iid: number): string =>
  keys.noteable(run.project.id, kind, iid);
