import { query, requestJson } from '@tessera/runtime-ui/api/http';
import type { FieldType, Label } from '@tessera/runtime-ui/api/metadata.api';

/**
 * The studio's only calls to the engine: the draft's objects (`/meta/objects`), the field types
 * with their settings schemas, records per object, what names an object or field, and publish.
 * Every edit is a request; nothing is kept here that the engine does not hold.
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
  apiName: string;
  object?: string;
  change: 'added' | 'removed' | 'changed' | 'renamed';
  from?: string;
}

export interface PublishResult {
  release: number | null;
  dryRun: boolean;
  diff: MetadataChange[];
  plan: PlanEntry[];
}

const META = '/meta';
const object = (apiName: string) => `${META}/objects/${encodeURIComponent(apiName)}`;

export const listObjects = () => requestJson<{ data: DraftObject[] }>(`${META}/objects`).then((r) => r.data);
export const getObject = (apiName: string) => requestJson<DraftObject>(object(apiName));
export const createObject = (def: DraftObject) =>
  requestJson<DraftObject>(`${META}/objects`, { method: 'POST', body: def });
/** Replaces the object in the draft; `apiName` is its name before this change. */
export const saveObject = (apiName: string, def: DraftObject) =>
  requestJson<DraftObject>(object(apiName), { method: 'PUT', body: def });
export const deleteObject = (apiName: string) => requestJson<void>(object(apiName), { method: 'DELETE' });

export const listFieldTypes = () => requestJson<{ data: FieldTypeEntry[] }>(`${META}/field-types`).then((r) => r.data);
export const recordCounts = () =>
  requestJson<{ data: Record<string, number> }>(`${META}/record-counts`).then((r) => r.data);
export const usedBy = (objectName: string, field?: string) =>
  requestJson<UsedBy>(`${META}/used-by${query({ object: objectName, field })}`);

export const publish = (options: { dryRun?: boolean; confirmLossy?: boolean }) =>
  requestJson<PublishResult>(`${META}/publish`, { method: 'POST', body: options });
