import { compile, type CompiledObject } from './compile.js';
import type { ObjectDef } from './types.js';

/**
 * Draft objects compiled for validation. A list view's sort and filter are checked by the list
 * API's own parsers (query/), which read CompiledObjects, so a view that saves is a view that
 * lists. Compiling costs an ajv compile per field, so only the objects asked for are compiled,
 * and each at most once per validation pass (one pass shares one objects map: a save, a publish).
 * What comes out is for parsing only: `referencedBy` and `summarisedBy` know only the objects
 * compiled with it.
 */

const passes = new WeakMap<ReadonlyMap<string, ObjectDef>, Map<string, CompiledObject | undefined>>();

/**
 * The schema planner inside compile() names every lookup's target: targets not compiled here stand in with no fields.
 */
function standIn(name: string, def: ObjectDef | undefined): ObjectDef {
  return def
    ? { ...def, fields: [] }
    : { id: `missing:${name}`, apiName: name, label: name, pluralLabel: name, nameField: '', fields: [] };
}

/** Compiles `defs` in one go (one ajv shares the schemas fields have in common). */
function compileSet(defs: ObjectDef[], objects: ReadonlyMap<string, ObjectDef>): ReadonlyMap<string, CompiledObject> {
  const names = new Set(defs.map((d) => d.apiName));
  const targets = new Set(
    defs.flatMap((d) => d.fields.flatMap((f) => (f.target !== undefined && !names.has(f.target) ? [f.target] : []))),
  );
  return compile(0, {
    objects: [...defs, ...[...targets].map((t) => standIn(t, objects.get(t)))],
    layouts: [],
    listViews: [],
  }).objects;
}

/** The objects named, compiled; one that does not exist or does not compile is left out. */
export function compiledDraftObjects(
  objects: ReadonlyMap<string, ObjectDef>,
  names: Iterable<string>,
): Map<string, CompiledObject> {
  let pass = passes.get(objects);
  if (!pass) passes.set(objects, (pass = new Map<string, CompiledObject | undefined>()));
  const wanted = [...new Set(names)].filter((name) => objects.has(name));
  const todo = wanted.filter((name) => !pass.has(name)).map((name) => objects.get(name)!);
  if (todo.length) {
    let compiled: ReadonlyMap<string, CompiledObject> | undefined;
    try {
      compiled = compileSet(todo, objects);
    } catch {
      // One object that does not compile (a formula that does not) must not hide the others.
    }
    for (const def of todo) pass.set(def.apiName, compiled ? compiled.get(def.apiName) : compileAlone(def, objects));
  }
  const out = new Map<string, CompiledObject>();
  for (const name of wanted) {
    const compiled = pass.get(name);
    if (compiled) out.set(name, compiled);
  }
  return out;
}

/**
 * An object that does not compile is refused by its own checks, which run in the same pass;
 * an item naming it can only say it cannot be checked.
 */
function compileAlone(def: ObjectDef, objects: ReadonlyMap<string, ObjectDef>): CompiledObject | undefined {
  try {
    return compileSet([def], objects).get(def.apiName);
  } catch {
    return undefined;
  }
}
