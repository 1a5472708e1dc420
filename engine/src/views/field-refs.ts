import type { CompiledObject } from '../metadata/compile.js';
import type { ViewDefinition } from './view-input.js';

/**
 * A saved view names fields the way the list API does (`amount`, `account.industry`), and
 * remembers the stable id behind each name. When an admin renames a field the view follows, as
 * shared list views do (metadata/references.ts); when the field is deleted, a new field that
 * happens to get the old name is not mistaken for it.
 */

/** Each step of a path: a field id, or null for a system field (id, created_at …), kept by name. */
export type FieldRef = (string | null)[];
export type FieldRefs = Record<string, FieldRef>;

const CONNECTIVES = new Set(['and', 'or', 'not']);

/** Every field path a filter names, in document order. */
export function filterPaths(filter: unknown, out: string[] = []): string[] {
  if (Array.isArray(filter)) {
    for (const item of filter) filterPaths(item, out);
  } else if (filter && typeof filter === 'object') {
    for (const [key, value] of Object.entries(filter)) {
      if (CONNECTIVES.has(key)) filterPaths(value, out);
      else out.push(key);
    }
  }
  return out;
}

export const sortPaths = (sort: string | undefined): string[] =>
  sort ? sort.split(',').map((p) => (p.startsWith('-') ? p.slice(1) : p)) : [];

/** Every path the definition names: columns, filter keys, sort fields. */
export const namedPaths = (def: ViewDefinition): Set<string> =>
  new Set([...def.columns, ...filterPaths(def.filter), ...sortPaths(def.sort)]);

/** The ids behind a path as the metadata is now; undefined when it names no field. */
export function refOf(
  object: CompiledObject,
  objects: ReadonlyMap<string, CompiledObject>,
  path: string,
): FieldRef | undefined {
  const [head, tail, ...rest] = path.split('.');
  if (rest.length) return undefined;
  const field = object.fields.get(head!);
  if (tail === undefined) return field ? [field.def.id] : undefined;
  const target = field?.def.target ? objects.get(field.def.target) : undefined;
  if (!target) return undefined;
  const tailField = target.fields.get(tail);
  return [field!.def.id, tailField ? tailField.def.id : null];
}

/**
 * The refs of the paths the definition names, as they resolve now. Paths that do not resolve, and
 * `stale` ones (whose field was deleted: the name may belong to another field by now), keep what
 * `previous` had.
 */
export function refsOf(
  def: ViewDefinition,
  object: CompiledObject,
  objects: ReadonlyMap<string, CompiledObject>,
  previous: FieldRefs = {},
  stale: ReadonlySet<string> = new Set(),
): FieldRefs {
  const refs: FieldRefs = {};
  for (const path of namedPaths(def)) {
    const ref = stale.has(path) ? previous[path] : (refOf(object, objects, path) ?? previous[path]);
    if (ref) refs[path] = ref;
  }
  return refs;
}

/**
 * The name each remembered path has now: the same, a new one (renamed), or null (a field on the
 * way was deleted). Paths without a ref (system fields, or never resolved) are left out.
 */
export function currentNames(
  refs: FieldRefs,
  object: CompiledObject,
  objects: ReadonlyMap<string, CompiledObject>,
): Map<string, string | null> {
  const byId = (o: CompiledObject, id: string) => [...o.fields.values()].find((f) => f.def.id === id);
  const names = new Map<string, string | null>();
  for (const [path, [headId, tailId]] of Object.entries(refs)) {
    const tailName = path.split('.')[1];
    const head = headId ? byId(object, headId) : undefined;
    if (!head) {
      names.set(path, null);
      continue;
    }
    if (tailName === undefined) {
      names.set(path, head.def.apiName);
      continue;
    }
    const target = head.def.target ? objects.get(head.def.target) : undefined;
    const tail =
      target && (tailId === null || tailId === undefined ? { def: { apiName: tailName } } : byId(target, tailId));
    names.set(path, tail ? `${head.def.apiName}.${tail.def.apiName}` : null);
  }
  return names;
}

/**
 * The definition with renamed paths under their new names. Paths whose field was deleted keep
 * their old name and are listed in `removed`: a field created since under that name is another
 * field, so the checks must drop them rather than look the name up.
 */
export function applyRenames(
  def: ViewDefinition,
  refs: FieldRefs,
  names: Map<string, string | null>,
): { def: ViewDefinition; refs: FieldRefs; removed: Set<string> } {
  const rename = (path: string) => names.get(path) ?? path;
  const renamedRefs: FieldRefs = {};
  const removed = new Set<string>();
  for (const [path, ref] of Object.entries(refs)) {
    renamedRefs[rename(path)] = ref;
    if (names.get(path) === null) removed.add(path);
  }
  const out: ViewDefinition = { columns: def.columns.map(rename) };
  if (def.filter !== undefined) out.filter = renameFilterKeys(def.filter, rename) as Record<string, unknown>;
  if (def.sort !== undefined)
    out.sort = def.sort
      .split(',')
      .map((p) => (p.startsWith('-') ? `-${rename(p.slice(1))}` : rename(p)))
      .join(',');
  return { def: out, refs: renamedRefs, removed };
}

function renameFilterKeys(filter: unknown, rename: (path: string) => string): unknown {
  if (Array.isArray(filter)) return filter.map((f) => renameFilterKeys(f, rename));
  if (!filter || typeof filter !== 'object') return filter;
  return Object.fromEntries(
    Object.entries(filter).map(([key, value]) =>
      CONNECTIVES.has(key) ? [key, renameFilterKeys(value, rename)] : [rename(key), value],
    ),
  );
}
