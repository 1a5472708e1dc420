import { request, requestJson } from '@tessera/runtime-ui/api/http';
import type { DraftDashboard } from './dashboard-draft';

/**
 * Dashboards of the draft (/meta/dashboards). Each is read with its ETag and saved or deleted
 * with it as If-Match, so a change another admin made meanwhile is a 412, not overwritten.
 */

export interface TaggedDashboard {
  dashboard: DraftDashboard;
  etag: string;
}

const path = (apiName: string) => `/meta/dashboards/${encodeURIComponent(apiName)}`;
const tagged = async (res: Response): Promise<TaggedDashboard> => ({
  dashboard: (await res.json()) as DraftDashboard,
  etag: res.headers.get('ETag') ?? '',
});
const ifMatch = (etag: string) => (etag ? { 'If-Match': etag } : undefined);

export const listDashboards = () => requestJson<{ data: DraftDashboard[] }>(`/meta/dashboards`).then((r) => r.data);
export const getDashboard = async (apiName: string) => tagged(await request(path(apiName)));
export const createDashboard = async (dashboard: DraftDashboard) =>
  tagged(await request('/meta/dashboards', { method: 'POST', body: dashboard }));
/** `apiName` is the dashboard's name as read; `etag` the tag it was read with. */
export const saveDashboard = async (apiName: string, dashboard: DraftDashboard, etag: string) =>
  tagged(await request(path(apiName), { method: 'PUT', body: dashboard, headers: ifMatch(etag) }));
export const deleteDashboard = (apiName: string, etag: string) =>
  requestJson<void>(path(apiName), { method: 'DELETE', headers: ifMatch(etag) });
