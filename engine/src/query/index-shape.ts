import type { CompiledObject } from '../metadata/compile.js';
import { SYSTEM_SORT } from '../schema/list-indexes.js';
import type { FilterNode } from './filter-parser.js';
import type { SortKey } from './keyset.js';
import type { ListPlan } from './list-plan.js';

/**
 * The index a list would read instead of sorting the table: its equality filters' columns, then
 * its sort's columns, then id (keyset.ts's tie-break). As data over field ids, so a field renamed
 * between two requests is still the same shape, and the index advisor (records/index-advisor.ts)
 * can count shapes across processes and days.
 *
 * One index serves a sort and its reverse, so directions are kept relative to the first sort key:
 * `-amount` and `amount` are one shape. Equality columns come first in a fixed order, since any
 * order serves `stage = ? and region = ?` equally.
 */

/** One key: a field's column by field id and part (`fld_1#0`), or a system column by name. */
export interface ShapeKey {
  field: string;
  desc?: true;
}

export interface IndexShape {
  /** The keys in index order. */
  keys: ShapeKey[];
  /** How many leading keys are equality columns. */
  equal: number;
  /** The shape as text, the same for every request it serves: `fld_1#0=,fld_2#0,id`. */
  text: string;
}

/** Equality columns per index; each narrows the rows before the sort is read. */
const MAX_EQUAL = 2;
/** Sort columns per index (id comes on top); a longer sort is served by its prefix. */
const MAX_SORT = 3;

const SYSTEM = new Set(Object.keys(SYSTEM_SORT));

/** A column of the object → its key identity (`fld_1#0`), or undefined when it is not the object's. */
function identity(object: CompiledObject, column: string): string | undefined {
  if (SYSTEM.has(column)) return column;
  for (const field of object.fields.values()) {
    const part = field.columns.indexOf(column);
    if (part >= 0) return `${field.def.id}#${part}`;
  }
  return undefined;
}

/** Columns compared for equality with one value at the top level of the filter (`stage = 'won'`). */
function equalColumns(filter: FilterNode | undefined): string[] {
  if (!filter) return [];
  const items = filter.kind === 'and' ? filter.items : [filter];
  return items.flatMap((c) =>
    c.kind === 'cond' && c.op === 'eq' && c.compare === 'plain' && !c.alias && c.columns.length === 1
      ? [c.columns[0]!]
      : [],
  );
}

/**
 * The shape of a list's filter and sort, or undefined when no index could do better than the
 * primary key (no equality filter, newest first) or the sort begins through a lookup. `owned`
 * puts owner_id first: the list's "records I own" branch (query/access-predicate.ts).
 */
export function shapeOf(
  object: CompiledObject,
  filter: FilterNode | undefined,
  sort: readonly SortKey[],
  owned = false,
): IndexShape | undefined {
  const equal = [...new Set([...(owned ? ['owner_id'] : []), ...equalColumns(filter)])]
    .map((c) => identity(object, c))
    .filter((id): id is string => id !== undefined)
    .sort((a, b) => (a === 'owner_id' ? -1 : b === 'owner_id' ? 1 : a < b ? -1 : a > b ? 1 : 0))
    .slice(0, MAX_EQUAL);
  const ordered: ShapeKey[] = [];
  let flip: boolean | undefined;
  for (const key of sort) {
    const id = key.alias ? undefined : identity(object, key.column);
    if (!id) break;
    // A column held to one value orders nothing.
    if (equal.includes(id) || ordered.some((k) => k.field === id)) continue;
    if (id !== 'id' && ordered.length === MAX_SORT) break;
    flip ??= key.desc;
    ordered.push(key.desc !== flip ? { field: id, desc: true } : { field: id });
    if (id === 'id') break;
  }
  if (!ordered.length && sort.length && !equal.length) return undefined;
  // Cut short (a lookup or a long sort): the index serves the prefix, id keeps its entries unique.
  if (!ordered.some((k) => k.field === 'id')) ordered.push({ field: 'id' });
  // Newest first and nothing to narrow it: the primary key reads it already.
  if (!equal.length && ordered.length === 1) return undefined;
  const keys: ShapeKey[] = [...equal.map((field) => ({ field })), ...ordered];
  return { keys, equal: equal.length, text: shapeText(keys, equal.length) };
}

export function shapeText(keys: readonly ShapeKey[], equal: number): string {
  return keys.map((k, i) => `${k.field}${i < equal ? '=' : k.desc ? '-' : ''}`).join(',');
}

/** The shape of a planned list; the owner branch when the caller reaches records by ownership. */
export function listShape(object: CompiledObject, plan: ListPlan): IndexShape | undefined {
  if (plan.deleted) return undefined;
  const owned = plan.access?.some((arm) => arm.kind === 'owner') ?? false;
  return shapeOf(object, plan.filter, plan.sort, owned);
}

/** An index's columns and directions, as the catalog holds them. */
export interface IndexColumns {
  columns: readonly { column: string | null; desc: boolean }[];
}

/**
 * Whether an index reads a shape in order: its first columns are the shape's equality columns
 * (in any order), then its sort columns all in the shape's directions or all reversed. The
 * trailing id may be missing: within equal sort values Postgres then sorts a few rows by id.
 */
export function serves(
  index: IndexColumns,
  shapeColumns: readonly { column: string; desc: boolean }[],
  equal: number,
): boolean {
  const cols = index.columns;
  if (cols.length < equal) return false;
  const head = new Set(cols.slice(0, equal).map((c) => c.column));
  if (shapeColumns.slice(0, equal).some((c) => !head.has(c.column))) return false;
  const wanted = shapeColumns.slice(equal);
  const sortNeeded = wanted.at(-1)?.column === 'id' && wanted.length > 1 ? wanted.slice(0, -1) : wanted;
  let flip: boolean | undefined;
  for (const [i, want] of sortNeeded.entries()) {
    const have = cols[equal + i];
    if (!have || have.column !== want.column) return false;
    const reversed = have.desc !== want.desc;
    flip ??= reversed;
    if (flip !== reversed) return false;
  }
  return true;
}
