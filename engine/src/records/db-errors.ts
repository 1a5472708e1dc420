import { invalid } from '../errors.js';
import type { CompiledObject } from '../metadata/compile.js';

/** Turns the constraint violations a write can still hit (races) into field errors; others pass through. */
export function translateDbError(object: CompiledObject, e: unknown): unknown {
  const err = e as { code?: string; constraint?: string };
  if (err.code === '23505' && err.constraint) {
    const field = object.uniqueConstraints.get(err.constraint);
    if (field)
      return invalid(`the ${object.def.apiName} was not saved`, [
        { field, code: 'unique', message: `another ${object.def.apiName} already has this ${field}` },
      ]);
  }
  if (err.code === '23503')
    return invalid(`the ${object.def.apiName} was not saved`, [
      { field: '', code: 'reference', message: 'a referenced record does not exist' },
    ]);
  return e;
}
