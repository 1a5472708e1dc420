import type { CompiledMetadata } from '../metadata/compile.js';
import type { ObjectPermissions, SystemPermission } from '../metadata/types.js';

/**
 * What a combination of permission sets grants, merged once per release and combination:
 * permission sets only ever add (deny by default, union of grants). Pure.
 */

export type ObjectGrant = Required<ObjectPermissions>;
export interface FieldGrant {
  read: boolean;
  edit: boolean;
}

export interface Grants {
  objects: ReadonlyMap<string, ObjectGrant>;
  /** object → field → access; every field of every object the sets reach is listed. */
  fields: ReadonlyMap<string, ReadonlyMap<string, FieldGrant>>;
  system: ReadonlySet<SystemPermission>;
}

export const NO_OBJECT_ACCESS: ObjectGrant = Object.freeze({
  read: false,
  create: false,
  edit: false,
  delete: false,
  viewAll: false,
  modifyAll: false,
});

/** An object grant with its implications: modifyAll ⊃ viewAll ⊃ read; edit and delete need read. */
function normalized(p: ObjectPermissions): ObjectGrant {
  const modifyAll = !!p.modifyAll;
  const viewAll = modifyAll || !!p.viewAll;
  const read = viewAll || !!p.read || !!p.edit || !!p.delete;
  return {
    read,
    create: modifyAll || !!p.create,
    edit: modifyAll || !!p.edit || !!p.delete,
    delete: modifyAll || !!p.delete,
    viewAll,
    modifyAll,
  };
}

export function mergeGrants(compiled: CompiledMetadata, setNames: readonly string[]): Grants {
  const sets = (compiled.snapshot.permissionSets ?? []).filter((s) => setNames.includes(s.apiName));
  const objects = new Map<string, ObjectGrant>();
  const fields = new Map<string, Map<string, FieldGrant>>();
  const system = new Set<SystemPermission>();
  for (const set of sets) {
    for (const p of set.system ?? []) system.add(p);
    for (const [objectName, raw] of Object.entries(set.objects ?? {})) {
      const object = compiled.objects.get(objectName);
      if (!object) continue;
      const grant = normalized(raw);
      const was = objects.get(objectName) ?? NO_OBJECT_ACCESS;
      objects.set(objectName, {
        read: was.read || grant.read,
        create: was.create || grant.create,
        edit: was.edit || grant.edit,
        delete: was.delete || grant.delete,
        viewAll: was.viewAll || grant.viewAll,
        modifyAll: was.modifyAll || grant.modifyAll,
      });
      const perField = fields.get(objectName) ?? new Map<string, FieldGrant>();
      for (const name of object.fields.keys()) {
        // A field the set does not list follows the set's object access. A field's edit is the
        // right to write it: on create as well as on update, so a create-only set fills in the
        // records it creates (updating them still needs the object's edit).
        const listed = set.fields?.[`${objectName}.${name}`];
        const writes = grant.edit || grant.create;
        const read = listed ? !!(listed.read || listed.edit) : grant.read;
        const edit = listed ? !!listed.edit && writes : writes;
        const had = perField.get(name);
        // viewAll/modifyAll open records, not fields: field-level security still applies.
        perField.set(name, { read: (had?.read ?? false) || read, edit: (had?.edit ?? false) || edit });
      }
      fields.set(objectName, perField);
    }
  }
  return { objects, fields, system };
}

const cache = new WeakMap<CompiledMetadata, Map<string, Grants>>();

/** mergeGrants, remembered per release: requests of users with the same sets share one result. */
export function grantsFor(compiled: CompiledMetadata, setNames: readonly string[]): Grants {
  let byKey = cache.get(compiled);
  if (!byKey) cache.set(compiled, (byKey = new Map<string, Grants>()));
  const key = [...setNames].sort().join(',');
  let grants = byKey.get(key);
  if (!grants) byKey.set(key, (grants = mergeGrants(compiled, setNames)));
  return grants;
}
