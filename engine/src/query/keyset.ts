import type { Knex } from 'knex';
import { UUID } from '../lib/ids.js';
import { badRequest } from '../errors.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import { isSystem, lookupField, type ResolvePath, type SystemField } from './filter-parser.js';

/**
 * Sorting and keyset pagination. The cursor holds the last row's sort values and id, so a page
 * boundary stays put while rows are inserted. Postgres' default null order is kept (NULLS LAST
 * ascending, NULLS FIRST descending) so a plain index on the sort columns can serve the query;
 * the keyset condition below handles null values explicitly.
 *
 * The cursor carries each sort value in Postgres' own text form (selected as `_k0`, `_k1` …),
 * never as the API value: timestamptz keeps microseconds that a JS Date drops, and a cursor
 * value one microsecond short of the row's would hand that row out again on the next page.
 */

export interface SortKey {
  column: string;
  desc: boolean;
  /** Set for a sort through a lookup (`account.name`): the join's alias. */
  alias?: string;
  /** The column can never be null (id, created_at …): the keyset needs no null branch, so an index serves it. */
  notNull?: boolean;
}

const NOT_NULL_SYSTEM = new Set(['id', 'owner_id', 'created_at', 'updated_at', 'version']);

const keyName = (k: SortKey) => (k.alias ? `${k.alias}.${k.column}` : k.column);

export function parseSort(object: CompiledObject, input: unknown, resolve?: ResolvePath): SortKey[] {
  const keys: SortKey[] = [];
  if (input !== undefined && input !== '') {
    if (typeof input !== 'string' || input.length > 500)
      throw badRequest('sort must be a list like -amount,name', [
        { field: 'sort', code: 'type', message: 'sort must be a string' },
      ]);
    for (const part of input.split(',')) {
      const desc = part.startsWith('-');
      const name = desc ? part.slice(1) : part;
      const own = lookupField(object, name);
      const resolved: ReturnType<ResolvePath> = resolve ? resolve(name) : own && { field: own };
      const field: CompiledField | SystemField | undefined = resolved?.field;
      if (!field)
        throw badRequest(`cannot sort by "${name}"`, [
          { field: 'sort', code: 'unknownField', message: `"${name}" is not a field of ${object.def.apiName}` },
        ]);
      if (!isSystem(field) && !field.type.sortable) {
        throw badRequest(`cannot sort by "${name}"`, [
          {
            field: 'sort',
            code: 'notSortable',
            message: field.type.encryption
              ? `${name} is encrypted: the database cannot order values it only holds encrypted`
              : `${field.def.type} fields cannot be sorted`,
          },
        ]);
      }
      const notNull = isSystem(field) && !resolved?.alias && NOT_NULL_SYSTEM.has(field.name);
      const key: SortKey = {
        column: field.columns[0],
        desc,
        ...(resolved?.alias ? { alias: resolved.alias } : {}),
        ...(notNull ? { notNull } : {}),
      };
      if (keys.some((k) => keyName(k) === keyName(key))) continue;
      keys.push(key);
    }
  }
  // Newest first by default: ids are UUIDv7, so they order by creation time.
  if (!keys.some((k) => k.column === 'id' && !k.alias))
    keys.push({ column: 'id', desc: keys[0]?.desc ?? true, notNull: true });
  return keys;
}

/** Column alias of the i-th sort value in its exact text form; `_` cannot start an API name. */
export const sortValueAlias = (i: number) => `_k${i}`;

/** Selects the sort values losslessly (as text) for the next page's cursor. */
export function selectSortValues(knex: Knex, qb: Knex.QueryBuilder, keys: SortKey[], alias: string): void {
  qb.select(keys.map((k, i) => knex.raw('??::text as ??', [`${k.alias ?? alias}.${k.column}`, sortValueAlias(i)])));
}

export function encodeCursor(keys: SortKey[], row: Record<string, unknown>): string {
  const values = keys.map((_k, i) => row[sortValueAlias(i)] ?? null);
  return Buffer.from(
    JSON.stringify({ s: keys.map((k) => (k.desc ? '-' : '') + keyName(k)).join(','), v: values }),
  ).toString('base64url');
}

/** The answer to a cursor that was not made by encodeCursor for this sort. */
export const cursorRefused = () =>
  badRequest('cursor is not valid for this query', [
    { field: 'cursor', code: 'cursor', message: 'use the nextCursor of the previous page, with the same sort' },
  ]);

export function decodeCursor(keys: SortKey[], cursor: unknown): unknown[] | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const refuse = cursorRefused;
  if (typeof cursor !== 'string' || cursor.length > 4000) throw refuse();
  let parsed: { s?: unknown; v?: unknown };
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof parsed;
  } catch {
    throw refuse();
  }
  const signature = keys.map((k) => (k.desc ? '-' : '') + keyName(k)).join(',');
  if (parsed?.s !== signature || !Array.isArray(parsed.v) || parsed.v.length !== keys.length) throw refuse();
  // encodeCursor writes text or null only. A value of the wrong type for its column (a tampered
  // cursor) can still get past here; the records service answers Postgres' refusal with a 400.
  if (parsed.v.some((v) => v !== null && (typeof v !== 'string' || v.includes('\u0000')))) throw refuse();
  if (
    keys[keys.length - 1]?.column === 'id' &&
    !keys[keys.length - 1]?.alias &&
    !UUID.test(String(parsed.v[parsed.v.length - 1]))
  )
    throw refuse();
  return parsed.v as unknown[];
}

/** Rows strictly after the cursor position, in the sort order. */
export function applyKeyset(qb: Knex.QueryBuilder, keys: SortKey[], values: unknown[], alias: string): void {
  const col = (k: SortKey) => `${k.alias ?? alias}.${k.column}`;
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
          else
            branch.where((s) => {
              s.where(col(key), '>', v as Knex.Value).orWhereNull(col(key));
            });
        } else if (v === null) {
          // descending, nulls first: after the nulls come all values
          branch.whereNotNull(col(key));
        } else {
          branch.where(col(key), '<', v as Knex.Value);
        }
      });
    });
  });
  // The same condition says the first key cannot go back past the cursor's value. Postgres uses
  // that (not the OR chain) as an index bound, so page 200 starts reading where page 199 ended
  // instead of at the top of the range. Nulls sort first when descending and last when
  // ascending, so it is a bound only for descending keys, or ascending ones without nulls.
  const [first] = keys;
  const start = values[0];
  if (first && start !== null) {
    if (first.desc) qb.where(col(first), '<=', start as Knex.Value);
    else if (first.notNull) qb.where(col(first), '>=', start as Knex.Value);
  }
}

export function applySort(qb: Knex.QueryBuilder, keys: SortKey[], alias: string): void {
  for (const k of keys) qb.orderBy(`${k.alias ?? alias}.${k.column}`, k.desc ? 'desc' : 'asc');
}
