import { query, request, requestJson } from '@tessera/runtime-ui/api/http';
import { listRecords, type RecordData, type UserSummary } from '@tessera/runtime-ui/api/records.api';
import type { DraftObject, Label } from '../api/studio.api';

/**
 * The security screens' calls: roles, groups and permission sets of the draft
 * (`/meta/roles`, `/meta/groups`, `/meta/permission-sets`), the draft's objects for their sharing,
 * users, records to explain and the engine's access explanation. Every item is read with its
 * ETag and written back with it as If-Match, so a change another admin made meanwhile is a 412,
 * not overwritten.
 */

export const OBJECT_ACTIONS = ['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll'] as const;
export type ObjectAction = (typeof OBJECT_ACTIONS)[number];
export type ObjectPermissions = Partial<Record<ObjectAction, boolean>>;

export const SYSTEM_PERMISSIONS = ['manageMetadata', 'manageUsers', 'importData', 'exportData', 'apiAccess'] as const;
export type SystemPermission = (typeof SYSTEM_PERMISSIONS)[number];

export interface FieldPermissions {
  read?: boolean;
  edit?: boolean;
}

export interface PermissionSet {
  id?: string;
  apiName: string;
  label: Label;
  description?: string;
  objects?: Record<string, ObjectPermissions>;
  /** "object.field" → read/edit. */
  fields?: Record<string, FieldPermissions>;
  system?: SystemPermission[];
}

export interface Role {
  id?: string;
  apiName: string;
  label: Label;
  parent?: string;
  description?: string;
}

export interface Group {
  id?: string;
  apiName: string;
  label: Label;
  description?: string;
}

export type ShareAccess = 'read' | 'edit';
export interface SharingRule {
  id?: string;
  apiName: string;
  criteria: unknown;
  role?: string;
  roleAndSubordinates?: string;
  group?: string;
  access: ShareAccess;
}

/** An item of the draft with the ETag it was read or saved with. */
export interface Tagged<T> {
  item: T;
  etag: string;
}

export type SecurityKind = 'roles' | 'permission-sets' | 'groups' | 'objects';

const META = '/meta';
const itemPath = (kind: SecurityKind, apiName: string) => `${META}/${kind}/${encodeURIComponent(apiName)}`;
const ifMatch = (etag: string) => (etag ? { 'If-Match': etag } : undefined);
const tagged = async <T>(res: Response): Promise<Tagged<T>> => ({
  item: (await res.json()) as T,
  etag: res.headers.get('ETag') ?? '',
});

export const getItem = async <T>(kind: SecurityKind, apiName: string) =>
  tagged<T>(await request(itemPath(kind, apiName)));

/**
 * Every item of a kind with its own ETag: the list answers none, so each is read once (a handful
 * of roles and sets). A tag taken just before a save would hide another admin's change.
 */
export async function listTagged<T extends { apiName: string }>(kind: SecurityKind): Promise<Tagged<T>[]> {
  const { data } = await requestJson<{ data: T[] }>(`${META}/${kind}`);
  return Promise.all(data.map((i) => getItem<T>(kind, i.apiName)));
}

export const createItem = async <T>(kind: SecurityKind, item: T) =>
  tagged<T>(await request(`${META}/${kind}`, { method: 'POST', body: item }));
/** Replaces the item in the draft; `apiName` is its name as read, `etag` the tag it was read with. */
export const saveItem = async <T>(kind: SecurityKind, apiName: string, item: T, etag: string) =>
  tagged<T>(await request(itemPath(kind, apiName), { method: 'PUT', body: item, headers: ifMatch(etag) }));
export const deleteItem = (kind: SecurityKind, apiName: string, etag: string) =>
  requestJson<void>(itemPath(kind, apiName), { method: 'DELETE', headers: ifMatch(etag) });

export type { DraftObject, RecordData, UserSummary };

/** Records of a published object whose name field contains the text, to pick one to explain. */
export const findRecords = (object: string, nameField: string, text: string, signal?: AbortSignal) =>
  listRecords(
    object,
    { fields: nameField, limit: 20, ...(text ? { filter: { [nameField]: { contains: text } } } : {}) },
    signal,
  ).then((r) => r.data);

export const findUsers = (text: string, signal?: AbortSignal) =>
  requestJson<{ data: UserSummary[] }>('/users' + query({ q: text, limit: 20 }), { signal }).then((r) => r.data);

export type AccessReason =
  'admin' | 'modifyAll' | 'viewAll' | 'orgWideDefault' | 'owner' | 'roleHierarchy' | 'manualShare' | 'sharingRule';

/** GET /records/{object}/{id}/access: the engine's verdicts, from the same SQL as every request. */
export interface AccessExplanation {
  user: { id: string; name: string };
  object: string;
  record: string;
  objectPermissions: Record<ObjectAction, boolean>;
  read: boolean;
  edit: boolean;
  delete: boolean;
  grants: { access: 'read' | 'edit' | 'full'; reason: AccessReason; detail?: string }[];
}

export const explainAccess = (object: string, id: string, userId: string) =>
  requestJson<AccessExplanation>(
    `/records/${encodeURIComponent(object)}/${encodeURIComponent(id)}/access` + query({ user: userId }),
  );
