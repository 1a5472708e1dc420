import { request, requestJson } from '@tessera/runtime-ui/api/http';
import type { Label } from '@tessera/runtime-ui/api/metadata.api';

/**
 * The layout builder's calls to the engine: the draft's layouts (`/meta/layouts`) and roles
 * (`/meta/roles`), and what a role's users may read and edit (preview as role). A layout is read
 * with its ETag and saved or deleted with it as If-Match, so a change someone else made meanwhile
 * is refused (412) instead of overwritten.
 */

export interface FieldRulesDef {
  visibleWhen?: unknown;
  requiredWhen?: unknown;
}

export interface SectionDef {
  id?: string;
  label?: Label;
  columns?: 1 | 2;
  fields: string[];
  visibleWhen?: unknown;
}

export interface RelatedListDef {
  id?: string;
  object: string;
  field: string;
  label?: Label;
  columns: string[];
}

export interface LayoutDef {
  id?: string;
  apiName: string;
  object: string;
  label: Label;
  roles?: string[];
  highlights?: string[];
  sections: SectionDef[];
  fieldRules?: Record<string, FieldRulesDef>;
  relatedLists?: RelatedListDef[];
}

export interface RoleDef {
  apiName: string;
  label: Label;
}

export interface TaggedLayout {
  layout: LayoutDef;
  etag: string;
}

/** What the users of one role may do with each field of an object (engine: union of their permission sets). */
export interface RoleFieldAccess {
  role: string;
  object: string;
  users: number;
  /** The role's users may read records of the object. */
  read: boolean;
  /** They may create or edit records of the object. */
  edit: boolean;
  fields: Record<string, { read: boolean; edit: boolean }>;
}

const LAYOUTS = '/meta/layouts';
const layoutPath = (apiName: string) => `${LAYOUTS}/${encodeURIComponent(apiName)}`;
const ifMatch = (etag: string) => (etag ? { 'If-Match': etag } : undefined);
const tagged = async (res: Response): Promise<TaggedLayout> => ({
  layout: (await res.json()) as LayoutDef,
  etag: res.headers.get('ETag') ?? '',
});

export const listLayouts = (object: string) =>
  requestJson<{ data: LayoutDef[] }>(`${LAYOUTS}?object=${encodeURIComponent(object)}`).then((r) => r.data);
export const getLayout = async (apiName: string) => tagged(await request(layoutPath(apiName)));
export const createLayout = async (def: LayoutDef) => tagged(await request(LAYOUTS, { method: 'POST', body: def }));
/** Replaces the layout in the draft; `etag` is the one it was read with. */
export const saveLayout = async (apiName: string, def: LayoutDef, etag: string) =>
  tagged(await request(layoutPath(apiName), { method: 'PUT', body: def, headers: ifMatch(etag) }));
export const deleteLayout = (apiName: string, etag: string) =>
  requestJson<void>(layoutPath(apiName), { method: 'DELETE', headers: ifMatch(etag) });
export const listRoles = () => requestJson<{ data: RoleDef[] }>('/meta/roles').then((r) => r.data);
export const roleFieldAccess = (role: string, object: string) =>
  requestJson<RoleFieldAccess>(
    `/meta/roles/${encodeURIComponent(role)}/field-access?object=${encodeURIComponent(object)}`,
  );
