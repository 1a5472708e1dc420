import type { Knex } from 'knex';
import { badRequest } from '../errors.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import { isSystem, lookupField, type SystemField } from './filter-parser.js';

/**
 * Sorting and keyset pagination. The cursor holds the last row's sort values and id, so a page
 * boundary stays put while rows are inserted. Postgres' default null order is kept (NULLS LAST
 * ascending, NULLS FIRST descending) so a plain index on the sort columns can serve the query;
 * the keyset condition below handles null values explicitly.
 */

export interface SortKey {
  column: string;
  desc: boolean;
}

export function parseSort(object: CompiledObject, input: unknown): SortKey[] {
  const keys: SortKey[] = [];
  if (input !== undefined && input !== '') {
    if (typeof input !== 'string' || input.length > 500) throw badRequest('sort must be a list like -amount,name', [{ field: 'sort', code: 'type', message: 'sort must be a string' }]);
    for (const part of input.split(',')) {
      const desc = part.startsWith('-');
      const name = desc ? part.slice(1) : part;
      const field: CompiledField | SystemField | undefined = lookupField(object, name);
      if (!field) throw badRequest(`cannot sort by "${name}"`, [{ field: 'sort', code: 'unknownField', message: `"${name}" is not a field of ${object.def.apiName}` }]);
      if (!isSystem(field) && !field.type.sortable) {
        throw badRequest(`cannot sort by "${name}"`, [{ field: 'sort', code: 'notSortable', message: `${field.def.type} fields cannot be sorted` }]);
      }
      if (keys.some((k) => k.column === field.columns[0])) continue;
      keys.push({ column: field.columns[0]!, desc });
    }
  }
  // Newest first by default: ids are UUIDv7, so they order by creation time.
  if (!keys.some((k) => k.column === 'id')) keys.push({ column: 'id', desc: keys[0]?.desc ?? true });
  return keys;
}

export function encodeCursor(keys: SortKey[], row: Record<string, unknown>): string {
  const values = keys.map((k) => {
    const v = row[k.column];
    return v instanceof Date ? v.toISOString() : v ?? null;
  });
  return Buffer.from(JSON.stringify({ s: keys.map((k) => (k.desc ? '-' : '') + k.column).join(','), v: values })).toString('base64url');
}

export function decodeCursor(keys: SortKey[], cursor: unknown): unknown[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const refuse = () => badRequest('cursor is not valid for this query', [{ field: 'cursor', code: 'cursor', message: 'use the nextCursor of the previous page, with the same sort' }]);
  if (typeof cursor !== 'string' || cursor.length > 4000) throw refuse();
  let parsed: { s?: unknown; v?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  const signature = keys.map((k) => (k.desc ? '-' : '') + k.column).join(',');
  if (parsed?.s !== signature || !Array.isArray(parsed.v) || parsed.v.length !== keys.length) throw refuse();
  if (parsed.v.some((v) => v !== null && typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) throw refuse();
  return parsed.v;
}

/** Rows strictly after the cursor position, in the sort order. */
export function applyKeyset(qb: Knex.QueryBuilder, keys: SortKey[], values: unknown[], alias: string): void {
  const col = (k: SortKey) => `${alias}.${k.column}`;
  qb.where((outer) => {
    keys.forEach((key, i) => {
      outer.orWhere((branch) => {
        for (let j = 0; j < i; j++) {
          const v = values[j];
          if (v === null) branch.whereNull(col(keys[j]!));
          else branch.where(col(keys[j]!), v as Knex.Value);
        }
        const v = values[i];
        if (!key.desc) {
          // ascending, nulls last: after v come larger values, then nulls
          if (v === null) branch.whereRaw('false');
          else branch.where((s) => s.where(col(key), '>', v as Knex.Value).orWhereNull(col(key)));
        } else if (v === null) {
          // descending, nulls first: after the nulls come all values
          branch.whereNotNull(col(key));
        } else {
          branch.where(col(key), '<', v as Knex.Value);
        }
      });
    });
  });
}

export function applySort(qb: Knex.QueryBuilder, keys: SortKey[], alias: string): void {
  for (const k of keys) qb.orderBy(`${alias}.${k.column}`, k.desc ? 'desc' : 'asc');
}
