import { request, requestJson } from '@tessera/runtime-ui/api/http';
import type { Label } from '@tessera/runtime-ui/api/metadata.api';
import type { DraftListView } from './view-draft';

/**
 * List views of the draft (/meta/list-views). Each is read with its ETag and saved or deleted
 * with it as If-Match, so a change another admin made meanwhile is a 412, not overwritten.
 */

export interface TaggedView {
  view: DraftListView;
  etag: string;
}

const path = (apiName: string) => `/meta/list-views/${encodeURIComponent(apiName)}`;
const tagged = async (res: Response): Promise<TaggedView> => ({
  view: (await res.json()) as DraftListView,
  etag: res.headers.get('ETag') ?? '',
});
const ifMatch = (etag: string) => (etag ? { 'If-Match': etag } : undefined);

export const listViews = (object: string) =>
  requestJson<{ data: DraftListView[] }>(`/meta/list-views?object=${encodeURIComponent(object)}`).then((r) => r.data);
export const getView = async (apiName: string) => tagged(await request(path(apiName)));
export const createView = async (view: DraftListView) =>
  tagged(await request('/meta/list-views', { method: 'POST', body: view }));
/** `apiName` is the view's name as read; `etag` the tag it was read with. */
export const saveView = async (apiName: string, view: DraftListView, etag: string) =>
  tagged(await request(path(apiName), { method: 'PUT', body: view, headers: ifMatch(etag) }));
export const deleteView = (apiName: string, etag: string) =>
  requestJson<void>(path(apiName), { method: 'DELETE', headers: ifMatch(etag) });

/** The draft's roles, to choose whom a view opens first for. */
export const listRoles = () =>
  requestJson<{ data: { apiName: string; label: Label }[] }>('/meta/roles').then((r) => r.data);
