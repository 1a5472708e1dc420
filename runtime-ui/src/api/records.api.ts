import type { FieldProblem } from './api-error';
import { download, query, request, requestJson } from './http';

/** A record as the API answers it: system columns plus one key per field. */
export type RecordData = Record<string, unknown> & { id: string; version: number };

export interface ListParams {
  filter?: unknown;
  sort?: string;
  fields?: string;
  limit?: number;
  cursor?: string | null;
  count?: 'exact' | 'estimated';
}

export interface RecordPage {
  data: RecordData[];
  nextCursor: string | null;
  count?: number;
}

const base = (object: string) => `/records/${encodeURIComponent(object)}`;

export const listRecords = (object: string, params: ListParams, signal?: AbortSignal) =>
  requestJson<RecordPage>(base(object) + query({ ...params }), { signal });

export const createRecord = (object: string, values: Record<string, unknown>) =>
  requestJson<RecordData>(base(object), { method: 'POST', body: values });

/** If-Match makes a stale write (someone saved in between) a 412 instead of a silent overwrite. */
export const updateRecord = (object: string, id: string, values: Record<string, unknown>, version?: number) =>
  requestJson<RecordData>(`${base(object)}/${id}`, {
    method: 'PATCH',
    body: values,
    headers: version === undefined ? {} : { 'If-Match': `"${version}"` },
  });

export const deleteRecord = (object: string, id: string) =>
  requestJson<void>(`${base(object)}/${id}`, { method: 'DELETE' });

/** One row of a bulk answer: written (with the record's new version), or refused with the engine's reasons. */
export interface BulkRowResult {
  index: number;
  ok: boolean;
  id?: string;
  version?: number;
  errors?: FieldProblem[];
}

/** A retried chunk with the same Idempotency-Key is done once (a lost answer, not a lost write). */
const bulkHeaders = (idempotencyKey?: string): Record<string, string> =>
  idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : {};

/**
 * Changes many records by id in one request: `{ id, version?, …changes }` rows, each checked as a PATCH with If-Match
 * would be.
 */
export const bulkUpdateRecords = (
  object: string,
  records: ({ id: string; version?: number } & Record<string, unknown>)[],
  options: { allOrNone: boolean; idempotencyKey?: string },
) =>
  requestJson<{ updated: number; failed: number; results: BulkRowResult[] }>(`${base(object)}/bulk`, {
    method: 'PATCH',
    body: { records, allOrNone: options.allOrNone },
    headers: bulkHeaders(options.idempotencyKey),
  });

/** Moves many records to the recycle bin in one request, each as a single delete would. */
export const bulkDeleteRecords = (
  object: string,
  ids: string[],
  options: { allOrNone: boolean; idempotencyKey?: string },
) =>
  requestJson<{ deleted: number; failed: number; results: BulkRowResult[] }>(`${base(object)}/bulk-delete`, {
    method: 'POST',
    body: { ids, allOrNone: options.allOrNone },
    headers: bulkHeaders(options.idempotencyKey),
  });

/**
 * One group: its keys and metrics by the names asked for; a lookup key also has `<key>:label`, the record's name (null
 * when hidden).
 */
export interface AggregateRow {
  [key: string]: unknown;
}
export const aggregate = (
  object: string,
  params: { groupBy?: string; metrics: string; filter?: unknown; currency?: 'corporate' },
) => requestJson<{ data: AggregateRow[] }>(`${base(object)}/aggregate` + query(params));

export interface SearchGroup {
  object: string;
  records: { id: string; name: string | null; score: number }[];
}
export const search = (q: string, signal?: AbortSignal) =>
  requestJson<{ data: SearchGroup[] }>('/search' + query({ q, limit: 5 }), { signal });

/** One entry of a record's field history: created / updated (one field, old → new) / deleted / restored. */
export interface HistoryEntry {
  at: string;
  event: 'created' | 'updated' | 'deleted' | 'restored' | 'purged';
  field: string | null;
  oldValue: unknown;
  newValue: unknown;
  userId: string | null;
  userName: string | null;
  /** The path of the change: api, ui, bulk, import. */
  via: string;
}
/** Field history; `undefined` when this engine has no history API yet (404 on the route). */
export async function fetchHistory(object: string, id: string): Promise<HistoryEntry[] | undefined> {
  try {
    const body = await requestJson<{ data: HistoryEntry[] }>(`${base(object)}/${id}/history`);
    return body.data;
  } catch (e) {
    if ((e as { status?: number }).status === 404) return undefined;
    throw e;
  }
}

export interface ImportJob {
  id: string;
  status: 'queued' | 'running' | 'completed' | 'failed';
  rowsTotal: number | null;
  rowsProcessed: number;
  rowsCreated: number;
  rowsUpdated: number;
  rowsFailed: number;
  error?: string | null;
  errorReportUrl: string | null;
}

export const startImport = (
  object: string,
  csv: Blob,
  options: { mapping: Record<string, string | null>; mode: 'allOrNone' | 'skipBadRows' },
) =>
  request(`${base(object)}/import` + query({ mapping: options.mapping, mode: options.mode }), {
    method: 'POST',
    rawBody: csv,
    contentType: 'text/csv; charset=utf-8',
  }).then((res) => res.json() as Promise<ImportJob>);

export const fetchImportJob = (id: string) => requestJson<ImportJob>(`/imports/${id}`);

export const downloadImportErrors = (id: string) => download(`/imports/${id}/errors.csv`, 'import-errors.csv');

export const downloadExport = (object: string, params: { filter?: unknown; sort?: string; fields?: string }) =>
  download(`${base(object)}/export` + query({ format: 'csv', ...params }), `${object}.csv`);

export interface Currencies {
  corporate: string;
  rates: unknown[];
}
export const fetchCurrencies = () => requestJson<Currencies>('/currencies');

export interface UserSummary {
  id: string;
  name: string;
  email: string;
  active?: boolean;
}
export const searchUsers = (q: string, signal?: AbortSignal) =>
  requestJson<{ data: UserSummary[] }>('/users' + query({ q, limit: 20 }), { signal });

/** One user by id (who triggered a workflow run, for instance). */
export const fetchUser = (id: string) => requestJson<UserSummary>(`/users/${encodeURIComponent(id)}`);
