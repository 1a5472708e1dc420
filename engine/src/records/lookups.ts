import type { Knex } from 'knex';
import type { FieldError } from '../errors.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import type { Access } from '../security/access.js';
import { hiddenImportsSql } from '../query/import-visibility.js';
import { recordAccessSql } from '../security/record-access.js';

/**
 * Checks that every lookup value points at a live record of its target, for any number of rows
 * at once: one query per target object, not one per value. Returns the errors of each row.
 * With `access`, a record the writer cannot read counts as missing: pointing at it would confirm
 * that it exists (and would hang the writer's record under it).
 */
export async function missingReferences(
  trx: Knex.Transaction,
  schema: string,
  metadata: CompiledMetadata,
  object: CompiledObject,
  rows: Map<string, unknown>[],
  access?: Access,
): Promise<FieldError[][]> {
  const errors: FieldError[][] = rows.map(() => []);
  // Most objects written in bulk have no lookups: nothing to look at row by row (CSV import).
  let lookups = false;
  for (const field of object.fields.values()) if (field.def.target) lookups = true;
  if (!lookups) return errors;
  const wanted = new Map<string, Set<string>>();
  for (const values of rows) {
    for (const [name, value] of values) {
      const field = object.fields.get(name)!;
      if (value === null || value === undefined || !field.def.target) continue;
      const ids = wanted.get(field.def.target) ?? new Set<string>();
      ids.add(value as string);
      wanted.set(field.def.target, ids);
    }
  }
  const found = new Map<string, Map<string, boolean>>();
  for (const [target, ids] of wanted) {
    const targetObject = metadata.objects.get(target)!;
    // A record an all-or-none import is still writing on PGlite (query/import-visibility.ts) is
    // not pointed at yet: if the import fails, its undo deletes the record, and would take the
    // pointing one with it (cascade), clear it, or be stopped (restrict). Only while such an
    // import writes to the target does the statement ask.
    const hidden = hiddenImportsSql(schema, targetObject.table, 'r');
    const qb = trx(`${schema}.${targetObject.table} as r`)
      .whereIn('r.id', [...ids])
      .whereNull('r.deleted_at')
      .select(
        'r.id',
        hidden
          ? trx.raw(`not ${hidden.sql} as importing`, hidden.bindings as Knex.RawBinding[])
          : trx.raw('false as importing'),
      );
    const visible = access && recordAccessSql(access, targetObject, schema, 'r', 'read');
    if (visible) qb.whereRaw(visible.sql, visible.bindings as Knex.RawBinding[]);
    const rowsFound = (await qb) as { id: string; importing: boolean }[];
    found.set(target, new Map(rowsFound.map((r) => [r.id, r.importing])));
  }
  rows.forEach((values, i) => {
    for (const [name, value] of values) {
      const target = object.fields.get(name)!.def.target;
      if (value === null || value === undefined || !target) continue;
      const importing = found.get(target)!.get(value as string);
      if (importing === undefined)
        errors[i]!.push({ field: name, code: 'reference', message: `no ${target} with id ${value as string}` });
      else if (importing)
        errors[i]!.push({
          field: name,
          code: 'reference',
          message: `${target} ${value as string} is still being imported; point at it once the import is done`,
        });
    }
  });
  return errors;
}
