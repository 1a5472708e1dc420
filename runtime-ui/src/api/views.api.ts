import type { FieldProblem } from './api-error';
import { requestJson } from './http';

/**
 * The user's own saved list views (GET/POST /views/{object}, PATCH/DELETE /views/{object}/{id}):
 * stored by the engine per user, so they follow the user to any browser. Shared views are
 * metadata (listView items in the runtime metadata).
 */
export interface SavedView {
  id: string;
  object: string;
  label: string;
  columns: string[];
  /** The records API filter language, as saved. */
  filter?: Record<string, unknown>;
  sort?: string;
  createdAt: string;
  updatedAt: string;
  /** Parts the engine left out: their field was deleted, or the user may no longer read it. */
  dropped: FieldProblem[];
}

/** A new view, or the parts of one to change; null removes the filter or the sort. */
export interface SavedViewInput {
  label?: string;
  columns?: string[];
  filter?: unknown;
  sort?: string | null;
}

const base = (object: string) => `/views/${encodeURIComponent(object)}`;

export const listSavedViews = async (object: string, signal?: AbortSignal) =>
  (await requestJson<{ data: SavedView[] }>(base(object), { signal })).data;

export const createSavedView = (object: string, input: SavedViewInput) =>
  requestJson<SavedView>(base(object), { method: 'POST', body: input });

export const updateSavedView = (object: string, id: string, input: SavedViewInput) =>
  requestJson<SavedView>(`${base(object)}/${encodeURIComponent(id)}`, { method: 'PATCH', body: input });

export const deleteSavedView = (object: string, id: string) =>
  requestJson<void>(`${base(object)}/${encodeURIComponent(id)}`, { method: 'DELETE' });
