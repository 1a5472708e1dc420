import { Problem } from '../errors.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import { SYSTEM_FIELDS } from '../query/filter-parser.js';
import type { PathResolver, ResolvedPath } from '../query/paths.js';
import type { Access } from './access.js';

/**
 * Field-level security, one rule per kind of use:
 *
 * - A field the caller may not read is, for them, no field of the object: naming it anywhere
 *   (list and export parameters, aggregates, record bodies, upsert keys, CSV headers, saved views)
 *   is answered exactly as naming a field that does not exist, so no answer tells which fields
 *   exist or reveals their values, not even which records match a condition on them.
 * - A field they may read but not edit, written, is a 403 naming it: they know it exists.
 *
 * System fields (id, owner_id, created_at …) are readable wherever the object is.
 */

/** The field `name` of the object as the caller knows it: undefined when it does not exist or they may not read it. */
export function readableField(object: CompiledObject, name: string, access: Access): CompiledField | undefined {
  const field = object.fields.get(name);
  return field && access.canReadField(object.def.apiName, name) ? field : undefined;
}

/**
 * Field paths in filters, sorts, field lists and groupings resolved as the caller knows them: a
 * path naming a field they may not read, or going through a lookup to an object they may not
 * read, resolves to nothing, as an unknown name does — the parser answers for both alike.
 */
export function guardedResolver(paths: PathResolver, access: Access): (path: string) => ResolvedPath | undefined {
  return (path) => {
    const resolved = paths.resolve(path);
    if (!resolved) return undefined;
    const dot = path.indexOf('.');
    const own = dot < 0 ? path : path.slice(0, dot);
    if (!readable(access, paths.object.def.apiName, own)) return undefined;
    if (dot < 0) return resolved;
    const target = paths.join(own)!.target.def.apiName;
    return access.can(target, 'read') && readable(access, target, path.slice(dot + 1)) ? resolved : undefined;
  };
}

const readable = (access: Access, object: string, field: string) =>
  isSystemField(field) || access.canReadField(object, field);

const isSystemField = (name: string) => Object.hasOwn(SYSTEM_FIELDS, name);

/**
 * A write naming fields the caller may read but not edit is refused whole (403), one error per
 * field. Fields they may not read are not looked at here: the body's own check answers for them
 * as for unknown names.
 */
export function refuseUneditable(
  object: CompiledObject,
  access: Access,
  names: readonly string[],
  outcome = 'nothing was saved',
): void {
  refuse(object, outcome, uneditable(object, access, [names]), false);
}

/** refuseUneditable for the rows of a bulk request: each error names the first row with the field. */
export function refuseUneditableRows(
  object: CompiledObject,
  access: Access,
  rows: readonly Record<string, unknown>[],
): void {
  refuse(
    object,
    'nothing was saved',
    uneditable(
      object,
      access,
      rows.map((r) => Object.keys(r)),
    ),
    true,
  );
}

/** Each field named that the caller may read but not edit, with the first row naming it. */
function uneditable(object: CompiledObject, access: Access, rows: readonly (readonly string[])[]): Map<string, number> {
  const denied = new Map<string, number>();
  rows.forEach((names, index) => {
    for (const name of names)
      if (!denied.has(name) && readableField(object, name, access) && !access.canEditField(object.def.apiName, name))
        denied.set(name, index);
  });
  return denied;
}

function refuse(object: CompiledObject, outcome: string, denied: Map<string, number>, indexed: boolean): void {
  if (!denied.size) return;
  throw new Problem(
    'forbidden',
    `you may not edit ${[...denied.keys()].join(', ')}; ${outcome}`,
    [...denied].map(([field, index]) => ({
      field,
      ...(indexed ? { index } : {}),
      code: 'fieldPermission',
      message: `no edit access to ${object.def.apiName}.${field}`,
    })),
  );
}

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
