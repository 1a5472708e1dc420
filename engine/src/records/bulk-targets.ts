import type { Knex } from 'knex';
import { UUID } from '../lib/ids.js';
import type { FieldError } from '../errors.js';
import type { CompiledObject } from '../metadata/compile.js';
import { recordAccessSql } from '../security/record-access.js';
import { lockedByApproval, lockedError } from './approval-lock.js';
import { chunks } from './bulk.js';
import type { Caller } from '../security/caller.js';

/**
 * The records a bulk update or delete names by id, read and locked in one pass with what the
 * caller may do to each. A record the caller cannot see reads exactly like a missing one
 * (`notFound`), as a single GET, PATCH or DELETE answers 404 for both; one they can see but not
 * change is `recordAccess`, as the single request's 403.
 */

type Row = Record<string, unknown>;

/**
 * Row index → the id it names; a row without a usable id, or repeating an earlier row's, gets an error on `id` instead.
 */
export function rowIds(ids: unknown[], errors: FieldError[][]): Map<number, string> {
  const byIndex = new Map<number, string>();
  const first = new Map<string, number>();
  ids.forEach((id, i) => {
    if (id === undefined || id === null || id === '')
      return void errors[i]!.push({ field: 'id', code: 'required', message: 'the id of the record to change' });
    if (typeof id !== 'string' || !UUID.test(id))
      return void errors[i]!.push({ field: 'id', code: 'format', message: 'an id is a UUID' });
    const key = id.toLowerCase();
    const seen = first.get(key);
    if (seen !== undefined)
      return void errors[i]!.push({ field: 'id', code: 'duplicate', message: `row ${seen} names the same record` });
    first.set(key, i);
    byIndex.set(i, key);
  });
  return byIndex;
}

export type Need = 'edit' | 'full';

/**
 * Live records by row index, locked (FOR UPDATE, in id order so two bulk requests cannot
 * deadlock on each other), each with `_can_edit` and `_can_full`. Rows naming a record the caller
 * cannot see, or lacking `need` on it, get their error and no entry: on `id`, or for a lacking
 * full access on `fullField` (owner_id, when what needs it is a transfer).
 */
export async function lockTargets(
  trx: Knex.Transaction,
  schema: string,
  object: CompiledObject,
  ids: Map<number, string>,
  caller: Caller,
  columns: string[],
  need: (index: number) => Need,
  errors: FieldError[][],
  fullField = 'id',
): Promise<Map<number, Row>> {
  const readable = recordAccessSql(caller.access, object, schema, 'r', 'read');
  const flags = (['edit', 'full'] as const).map((mode) => {
    const condition = recordAccessSql(caller.access, object, schema, 'r', mode);
    return trx.raw('? as ??', [
      condition ? trx.raw(condition.sql, condition.bindings as Knex.RawBinding[]) : true,
      `_can_${mode}`,
    ]);
  });
  const found = new Map<string, Row>();
  for (const part of chunks([...new Set(ids.values())].sort(), 1000)) {
    const qb = trx(`${schema}.${object.table} as r`)
      .select(columns.map((c) => `r.${c}`))
      .select(flags)
      .whereIn('r.id', part)
      .whereNull('r.deleted_at')
      .orderBy('r.id')
      .forUpdate();
    if (readable) qb.whereRaw(readable.sql, readable.bindings as Knex.RawBinding[]);
    for (const row of (await qb) as Row[]) found.set(row.id as string, row);
  }
  const locked = await lockedByApproval(trx, schema, object, [...found.keys()], caller);
  const targets = new Map<number, Row>();
  for (const [index, id] of ids) {
    const row = found.get(id);
    const wanted = need(index);
    if (!row) errors[index]!.push({ field: 'id', code: 'notFound', message: `no ${object.def.apiName} ${id}` });
    else if (locked.has(id)) errors[index]!.push(lockedError(object));
    else if (!row[`_can_${wanted}`]) {
      errors[index]!.push(
        wanted === 'edit'
          ? { field: 'id', code: 'recordAccess', message: `you can see this ${object.def.apiName} but not change it` }
          : {
              field: fullField,
              code: 'recordAccess',
              message: `only its owner, their managers or users with modifyAll may ${fullField === 'id' ? 'delete' : 'transfer'} it`,
            },
      );
    } else targets.set(index, row);
  }
  return targets;
}
