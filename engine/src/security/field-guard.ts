import type { CompiledObject } from '../metadata/compile.js';
import { SYSTEM_FIELDS } from '../query/filter-parser.js';
import type { PathResolver, ResolvedPath } from '../query/paths.js';
import { forbidden, type Access } from './access.js';

/**
 * Field paths in filters, sorts, field lists and groupings, checked against field-level
 * security: a field the caller cannot read cannot be named at all (403), so no answer — not even
 * which records match a condition on it — can reveal its values. System fields (id, owner_id,
 * created_at …) are readable wherever the object is.
 */
export function guardedResolver(paths: PathResolver, access: Access): (path: string) => ResolvedPath | undefined {
  return (path) => {
    const resolved = paths.resolve(path);
    if (!resolved) return undefined;
    const dot = path.indexOf('.');
    const own = dot < 0 ? path : path.slice(0, dot);
    checkReadable(access, paths.object.def.apiName, own, path);
    if (dot >= 0) {
      const target = paths.join(own)!.target.def.apiName;
      if (!access.can(target, 'read'))
        throw forbidden(
          `you may not read ${target} records`,
          path,
          'objectPermission',
          `no read permission on ${target}`,
        );
      checkReadable(access, target, path.slice(dot + 1), path);
    }
    return resolved;
  };
}

function checkReadable(access: Access, object: string, field: string, path: string): void {
  if (isSystemField(field)) return;
  if (!access.canReadField(object, field))
    throw forbidden(
      `you may not read ${object}.${field}`,
      path,
      'fieldPermission',
      `no read access to ${object}.${field}`,
    );
}

export const isSystemField = (name: string) => Object.hasOwn(SYSTEM_FIELDS, name);

/** A record without the fields (and their companions, like amount__currency) the caller may not read. */
export function redact(
  object: CompiledObject,
  record: Record<string, unknown>,
  access: Access,
): Record<string, unknown> {
  if (access.isAdmin) return record;
  for (const [name, field] of object.fields) {
    if (access.canReadField(object.def.apiName, name)) continue;
    delete record[name];
    for (const key of Object.keys(field.type.companions ?? {})) delete record[`${name}__${key}`];
  }
  return record;
}
