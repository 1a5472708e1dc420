import { query, request, requestJson } from '@tessera/runtime-ui/api/http';
import type { FieldType, Label } from '@tessera/runtime-ui/api/metadata.api';

/**
 * The studio's only calls to the engine: the draft's objects (`/meta/objects`) and the planner's
 * verdict on one before it is saved (`/meta/objects/{o}/plan`), the field types
 * with their settings schemas, records per object, what names an object or field, the draft's
 * changes, publish, releases and rollback. Every edit is a request; nothing is kept here that the
 * engine does not hold. An object is read with its ETag and saved or deleted with it as If-Match,
 * so a change someone else made meanwhile is refused (412) instead of overwritten.
 */

export type { FieldType, Label };

export interface Choice {
  value: string;
  label?: Label;
  color?: string;
  active?: boolean;
}

/** A field as the draft holds it; type settings sit beside the common properties. */
export interface DraftField {
  id?: string;
  apiName: string;
  type: FieldType;
  label: Label;
  required?: boolean;
  unique?: boolean;
  auditReads?: boolean;
  default?: unknown;
  helpText?: Label;
  values?: Choice[];
  [setting: string]: unknown;
}

export type SharingDefault = 'private' | 'read' | 'readWrite';

export interface DraftObject {
  id?: string;
  apiName: string;
  label: Label;
  pluralLabel: Label;
  nameField: string;
  icon?: string;
  description?: string;
  fields: DraftField[];
  validationRules?: unknown[];
  sharing?: { default: SharingDefault; rules?: unknown[] };
}

export interface FieldTypeEntry {
  type: FieldType;
  settings: { type: 'object'; properties: Record<string, Record<string, unknown>>; required?: string[] };
  widget: string;
  readOnly: boolean;
  nameField: boolean;
  relation: boolean;
  multiValued: boolean;
}

export interface Usage {
  kind: string;
  apiName: string;
  object?: string;
  places: string[];
}

export interface UsedBy {
  object: string;
  field?: string;
  usedBy: Usage[];
  published: boolean;
  records: number;
}

export interface PlanEntry {
  op: string;
  table: string;
  column?: string;
  description: string;
  lossy: boolean;
  rows?: number;
  blocked?: string;
}

export interface MetadataChange {
  kind: string;
  id: string;
  apiName: string;
  object?: string;
  change: 'added' | 'removed' | 'changed' | 'renamed';
  from?: string;
  /** For the draft's changes: the properties of a changed or renamed item that differ. */
  properties?: string[];
}

export interface PublishResult {
  release: number | null;
  dryRun: boolean;
  diff: MetadataChange[];
  plan: PlanEntry[];
  /** The dry run's tag of its plan: sent back as If-Match, the engine applies that plan or answers 412. */
  planTag?: string;
}

const META = '/meta';
const object = (apiName: string) => `${META}/objects/${encodeURIComponent(apiName)}`;

/** An object of the draft with the ETag it was read or saved with. */
export interface TaggedObject {
  object: DraftObject;
  etag: string;
}

const tagged = async (res: Response): Promise<TaggedObject> => ({
  object: (await res.json()) as DraftObject,
  etag: res.headers.get('ETag') ?? '',
});
const ifMatch = (etag: string | undefined) => (etag ? { 'If-Match': etag } : undefined);

export const listObjects = () => requestJson<{ data: DraftObject[] }>(`${META}/objects`).then((r) => r.data);
export const getObject = async (apiName: string) => tagged(await request(object(apiName)));
export const createObject = async (def: DraftObject) =>
  tagged(await request(`${META}/objects`, { method: 'POST', body: def }));
/** Replaces the object in the draft; `apiName` is its name before this change, `etag` the one it was read with. */
export const saveObject = async (apiName: string, def: DraftObject, etag: string) =>
  tagged(await request(object(apiName), { method: 'PUT', body: def, headers: ifMatch(etag) }));
/** What publishing would do to the object's table were `def` saved over it; nothing is stored. */
export interface ObjectPlan {
  object: string;
  verdict: 'safe' | 'lossy' | 'blocked';
  plan: PlanEntry[];
}
export const planObject = (apiName: string, def: DraftObject, etag: string) =>
  requestJson<ObjectPlan>(`${object(apiName)}/plan`, { method: 'POST', body: def, headers: ifMatch(etag) });
export const deleteObject = (apiName: string, etag: string) =>
  requestJson<void>(object(apiName), { method: 'DELETE', headers: ifMatch(etag) });

export const listFieldTypes = () => requestJson<{ data: FieldTypeEntry[] }>(`${META}/field-types`).then((r) => r.data);
export const recordCounts = () =>
  requestJson<{ data: Record<string, number> }>(`${META}/record-counts`).then((r) => r.data);
export const usedBy = (objectName: string, field?: string) =>
  requestJson<UsedBy>(`${META}/used-by${query({ object: objectName, field })}`);

/** A dry run, or the publish (rollback) of the plan whose `planTag` a dry run gave. */
export interface PublishCall {
  dryRun?: boolean;
  confirmLossy?: boolean;
  planTag?: string;
}

export const publish = ({ planTag, ...options }: PublishCall) =>
  requestJson<PublishResult>(`${META}/publish`, { method: 'POST', body: options, headers: ifMatch(planTag) });

export const draftChanges = () =>
  requestJson<{ release: number | null; changes: MetadataChange[] }>(`${META}/draft/changes`);
export const discardDraft = () => requestJson<{ release: number | null }>(`${META}/draft/discard`, { method: 'POST' });

/** One edit of the draft as the engine's journal keeps it: the items it touched. */
export interface DraftStep {
  seq: number;
  at: string;
  items: { kind: string; apiName: string; change: 'created' | 'changed' | 'deleted' }[];
}
export interface DraftHistory {
  undo: DraftStep | null;
  redo: DraftStep | null;
}
export const draftHistory = () => requestJson<DraftHistory>(`${META}/draft/history`);
export const replayDraft = (direction: 'undo' | 'redo') =>
  requestJson<DraftHistory & { step: DraftStep }>(`${META}/draft/${direction}`, { method: 'POST' });

export interface ReleaseSummary {
  n: number;
  kind: 'publish' | 'rollback';
  sourceRelease: number | null;
  createdAt: string;
  createdBy: string | null;
  createdByName: string | null;
  changes: number;
  /** Items per kind of change. */
  summary: Partial<Record<MetadataChange['change'], number>>;
}

export interface Release {
  n: number;
  kind: 'publish' | 'rollback';
  sourceRelease: number | null;
  createdAt: string;
  diff: MetadataChange[];
  plan: PlanEntry[];
}

export const listReleases = () => requestJson<{ data: ReleaseSummary[] }>(`${META}/releases`).then((r) => r.data);
export const getRelease = (n: number) => requestJson<Release>(`${META}/releases/${n}`);
export const rollback = (n: number, { planTag, ...options }: PublishCall) =>
  requestJson<PublishResult>(`${META}/releases/${n}/rollback`, {
    method: 'POST',
    body: options,
    headers: ifMatch(planTag),
  });
