import { request, requestJson } from '@tessera/runtime-ui/api/http';
import type { Label } from '@tessera/runtime-ui/api/metadata.api';

/**
 * The draft's workflows (`/meta/workflows`) and approval processes (`/meta/approval-processes`).
 * Each is read with its ETag and saved or deleted with it as If-Match, so a change another admin
 * made meanwhile is refused (412) instead of overwritten. Runs come from the runtime UI's client
 * (`/automation/runs`), which already filters by workflow.
 */

export type Action = { type: string } & Record<string, unknown>;

/** A workflow as workflow.schema.json describes it. */
export interface WorkflowDef {
  id?: string;
  apiName: string;
  label: Label;
  description?: string;
  object: string;
  active?: boolean;
  trigger: Record<string, unknown>;
  condition?: unknown;
  actions: Action[];
  runAs?: 'triggeringUser' | 'system';
}

/** An approval process as approval-process.schema.json describes it. */
export interface ApprovalProcessDef {
  id?: string;
  apiName: string;
  label: Label;
  description?: string;
  object: string;
  active?: boolean;
  entryCondition?: unknown;
  steps: Record<string, unknown>[];
  onSubmit?: Action[];
  onApprove?: Action[];
  onReject?: Action[];
  onRecall?: Action[];
}

export type AutomationPath = 'workflows' | 'approval-processes';

/** An item of the draft with the ETag it was read or saved with. */
export interface Tagged<T> {
  item: T;
  etag: string;
}

const base = (path: AutomationPath) => `/meta/${path}`;
const one = (path: AutomationPath, apiName: string) => `${base(path)}/${encodeURIComponent(apiName)}`;
const tagged = async <T>(res: Response): Promise<Tagged<T>> => ({
  item: (await res.json()) as T,
  etag: res.headers.get('ETag') ?? '',
});
const ifMatch = (etag: string) => (etag ? { 'If-Match': etag } : undefined);

export const listItems = <T>(path: AutomationPath) => requestJson<{ data: T[] }>(base(path)).then((r) => r.data);
export const getItem = async <T>(path: AutomationPath, apiName: string) => tagged<T>(await request(one(path, apiName)));
export const createItem = async <T>(path: AutomationPath, item: T) =>
  tagged<T>(await request(base(path), { method: 'POST', body: item }));
/** Replaces the item; `apiName` is its name before this change, `etag` the one it was read with. */
export const saveItem = async <T>(path: AutomationPath, apiName: string, item: T, etag: string) =>
  tagged<T>(await request(one(path, apiName), { method: 'PUT', body: item, headers: ifMatch(etag) }));
export const deleteItem = (path: AutomationPath, apiName: string, etag: string) =>
  requestJson<void>(one(path, apiName), { method: 'DELETE', headers: ifMatch(etag) });
