import {
  OBJECT_ACTIONS,
  type FieldPermissions,
  type ObjectAction,
  type ObjectPermissions,
  type PermissionSet,
  type SystemPermission,
} from './security.api';

/**
 * Permission sets as the matrix shows them, and the edits back into metadata. Pure. What a flag
 * implies is the engine's rule (engine/src/security/grants.ts `normalized`): modifyAll ⊃ viewAll ⊃
 * read, modifyAll gives create, edit and delete; delete gives edit; edit and delete give read. The
 * set stores only what the admin ticked; implied flags are drawn ticked and locked, and come back
 * to what was stored when the flag implying them is cleared.
 */

export type ObjectGrant = Record<ObjectAction, boolean>;

/** What the engine grants for the stored flags. */
export function effective(p: ObjectPermissions = {}): ObjectGrant {
  const modifyAll = !!p.modifyAll;
  const viewAll = modifyAll || !!p.viewAll;
  return {
    read: viewAll || !!p.read || !!p.edit || !!p.delete,
    create: modifyAll || !!p.create,
    edit: modifyAll || !!p.edit || !!p.delete,
    delete: modifyAll || !!p.delete,
    viewAll,
    modifyAll,
  };
}

/** Flags given by another ticked flag: shown ticked, not clickable. */
export function implied(p: ObjectPermissions = {}): Record<ObjectAction, boolean> {
  const result = {} as Record<ObjectAction, boolean>;
  for (const action of OBJECT_ACTIONS) {
    // Given by the others when it would hold without being ticked itself.
    result[action] = effective({ ...p, [action]: false })[action];
  }
  return result;
}

/** The set with one object flag changed; an object left with no flag is dropped from the set. */
export function withObjectFlag(set: PermissionSet, object: string, action: ObjectAction, on: boolean): PermissionSet {
  const current = { ...set.objects?.[object] };
  if (on) current[action] = true;
  else delete current[action];
  const objects = { ...set.objects };
  if (OBJECT_ACTIONS.some((a) => current[a])) objects[object] = current;
  else delete objects[object];
  return { ...set, objects };
}

export function withSystem(set: PermissionSet, permission: SystemPermission, on: boolean): PermissionSet {
  const list = (set.system ?? []).filter((p) => p !== permission);
  return { ...set, system: on ? [...list, permission] : list };
}

export interface FieldAccess {
  read: boolean;
  edit: boolean;
  /** True when the set names the field; otherwise the field follows the object's access. */
  listed: boolean;
}

/** Whether the set writes fields of the object at all: edit, or create (fields are filled in on create). */
export const writesFields = (grant: { edit: boolean; create: boolean }) => grant.edit || grant.create;

/** What the engine gives on one field for one set (grants.ts: unlisted fields follow the object). */
export function fieldAccess(set: PermissionSet, object: string, field: string): FieldAccess {
  const grant = effective(set.objects?.[object]);
  const listed = set.fields?.[`${object}.${field}`];
  if (!listed) return { read: grant.read, edit: writesFields(grant), listed: false };
  return { read: !!(listed.read || listed.edit), edit: !!listed.edit && writesFields(grant), listed: true };
}

/**
 * The set with a field's access changed. Edit implies read, so clearing read clears edit and
 * ticking edit ticks read. Access equal to what the object gives is not stored: the field then
 * keeps following the object.
 */
export function withFieldAccess(
  set: PermissionSet,
  object: string,
  field: string,
  change: Partial<FieldPermissions>,
): PermissionSet {
  const now = fieldAccess(set, object, field);
  let read = change.read ?? now.read;
  let edit = change.edit ?? now.edit;
  if (change.edit === true) read = true;
  if (change.read === false) edit = false;
  const grant = effective(set.objects?.[object]);
  const key = `${object}.${field}`;
  const fields = { ...set.fields };
  if (read === grant.read && edit === writesFields(grant)) delete fields[key];
  else fields[key] = { read, edit };
  return { ...set, fields };
}

/** Whether saving would change the set: compared as JSON, keys in a stable order. */
export function sameSet(a: PermissionSet, b: PermissionSet): boolean {
  return stable(a) === stable(b);
}

const stable = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)))
      : v,
  );
