import { fieldType } from '../fields/index.js';
import { shortHash } from '../lib/ids.js';
import type { ListViewDef, ObjectDef } from '../metadata/types.js';
import type { DesiredColumn, DesiredConstraint, IndexKey } from './desired.js';

/**
 * The owner indexes of an object. A user without viewAll on a private object lists "records I
 * own" as one branch of the list statement (security/record-access.ts): `owner_id = me … order by
 * <sort>, id limit n`. An index on (owner_id, <sort columns>, id) answers that branch by reading
 * n entries, as the admin's list reads n entries of an index on the sort columns; an index on
 * owner_id alone makes it fetch and sort every record the user owns.
 *
 * - Private objects get (owner_id, id), which serves lists without a sort (newest first) and
 *   every owner condition the single-column index served, plus one index per distinct sort of
 *   the object's list views (at most MAX_LIST_INDEXES, each costs every write).
 * - Other objects keep the single-column owner_id index (ownership checks, "my records").
 *
 * Names hash the object id and each key's field id, part, direction, SQL type and formula hash:
 * a renamed field or object keeps its indexes, while a sort change, or a column that is replaced
 * (type change, new formula), gets a new name, so the planner drops the old index and builds the
 * new one after the column is in place.
 */

/** At most this many list-view indexes per object, beyond (owner_id, id). */
export const MAX_LIST_INDEXES = 4;
/** Sort columns per index (owner_id and id come on top); a longer sort is served by its prefix. */
const MAX_SORT_KEYS = 3;
/**
 * Characters of bounded text per index. A btree entry cannot exceed 2,704 bytes: 600 characters
 * of up to 4 bytes each stay below that whatever is written, so an index never refuses a write.
 * Unbounded text (text formulas) and long varchar (url, textarea) are not indexed.
 */
export const MAX_TEXT_CHARS = 600;

/** System columns a list can sort by, with their SQL types (they are never replaced). */
export const SYSTEM_SORT: Record<string, string> = {
  id: 'uuid',
  owner_id: 'uuid',
  created_by: 'uuid',
  updated_by: 'uuid',
  created_at: 'timestamp with time zone',
  updated_at: 'timestamp with time zone',
  version: 'integer',
};

/** One sort key as the index sees it: its column, and what identifies it across renames. */
interface SortColumn {
  column: string;
  desc: boolean;
  identity: string;
  chars: number;
}

const TEXT_TYPE = /^(character varying|character)\((\d+)\)$/;

/** Characters of text the column can hold: 0 for fixed-width types, Infinity when unbounded. */
function textChars(sqlType: string): number {
  const m = TEXT_TYPE.exec(sqlType);
  if (m) return Number(m[2]);
  return sqlType === 'text' || sqlType.endsWith('[]') || sqlType === 'jsonb' ? Infinity : 0;
}

function sortColumn(name: string, desc: boolean, obj: ObjectDef, columns: DesiredColumn[]): SortColumn | undefined {
  const system = SYSTEM_SORT[name];
  if (system) return { column: name, desc, identity: name, chars: 0 };
  const field = obj.fields.find((f) => f.apiName === name);
  // Lookup paths (account.name) sort by another table's column, which no index here can hold.
  if (!field || !fieldType(field).sortable) return undefined;
  const part = fieldType(field).columns(field)[0]?.part;
  const column = columns.find((c) => c.fieldId === field.id && c.part === part);
  if (!column) return undefined;
  return {
    column: column.name,
    desc,
    identity: `${field.id}/${part}:${column.sqlType}:${column.generated?.hash ?? ''}`,
    chars: textChars(column.sqlType),
  };
}

/**
 * The order a list with this sort reads, as keyset.ts plans it: the sort keys, then id in the
 * first key's direction, unless id is a key already. Keys past the first that no index can hold
 * end it: the index then serves that prefix (Postgres sorts the rest within it).
 */
function listOrder(sort: string | undefined, obj: ObjectDef, columns: DesiredColumn[]): SortColumn[] | undefined {
  const keys: SortColumn[] = [];
  let firstDesc: boolean | undefined;
  let chars = 0;
  for (const part of (sort ?? '').split(',').filter(Boolean)) {
    const desc = part.startsWith('-');
    const key = sortColumn(desc ? part.slice(1) : part, desc, obj, columns);
    firstDesc ??= desc;
    // Within the owner branch owner_id is one value: sorting by it orders nothing.
    if (key && (keys.some((k) => k.column === key.column) || key.column === 'owner_id')) continue;
    if (!key || keys.length === MAX_SORT_KEYS || chars + key.chars > MAX_TEXT_CHARS)
      return keys.length ? keys : undefined;
    chars += key.chars;
    keys.push(key);
    if (key.column === 'id') return keys;
  }
  return [...keys, { column: 'id', desc: firstDesc ?? true, identity: 'id', chars: 0 }];
}

/**
 * An index on (owner_id, …order) under its id-based name. One index serves an order and its reverse: directions are
 * kept relative to the first key.
 */
function ownerIndex(objectId: string, order: SortColumn[]): DesiredConstraint {
  const flip = order[0]!.desc;
  const keys: IndexKey[] = [
    { column: 'owner_id' },
    ...order.map((k) => (k.desc !== flip ? { column: k.column, desc: true } : { column: k.column })),
  ];
  const spec = order.map((k) => `${k.identity}${k.desc !== flip ? '-' : '+'}`).join(',');
  return {
    name: `tsr_${shortHash(`ix:${objectId}:owner_id,${spec}`, 16)}_ix`,
    kind: 'index',
    column: 'owner_id',
    keys,
  };
}

export function ownerIndexes(
  obj: ObjectDef,
  columns: DesiredColumn[],
  listViews: readonly ListViewDef[],
): DesiredConstraint[] {
  if ((obj.sharing?.default ?? 'private') !== 'private') {
    return [{ name: `tsr_${shortHash(`ix:${obj.id}:owner_id`, 16)}_ix`, kind: 'index', column: 'owner_id' }];
  }
  const byDefault = ownerIndex(obj.id, listOrder(undefined, obj, columns)!);
  // Distinct orders of the object's views; the views that open first for some role, then the
  // most shared orders win the places, so the choice does not depend on the order views are saved in.
  const candidates = new Map<string, { index: DesiredConstraint; opensFirst: boolean; views: number }>();
  for (const view of listViews) {
    if (view.object !== obj.apiName) continue;
    const order = listOrder(view.sort, obj, columns);
    if (!order) continue;
    const index = ownerIndex(obj.id, order);
    if (index.name === byDefault.name) continue;
    const seen = candidates.get(index.name) ?? { index, opensFirst: false, views: 0 };
    seen.opensFirst ||= (view.defaultFor?.length ?? 0) > 0;
    seen.views++;
    candidates.set(index.name, seen);
  }
  const chosen = [...candidates.values()]
    .sort(
      (a, b) =>
        Number(b.opensFirst) - Number(a.opensFirst) || b.views - a.views || (a.index.name < b.index.name ? -1 : 1),
    )
    .slice(0, MAX_LIST_INDEXES);
  return [byDefault, ...chosen.map((c) => c.index)];
}
