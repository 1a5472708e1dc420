import type { Knex } from 'knex';
import { hiddenImportsSql } from '../query/import-visibility.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import type { FieldDef } from '../metadata/types.js';
import { applyFilter } from '../query/filter-compiler.js';
import { parseFilter } from '../query/filter-parser.js';

/**
 * Rollup fields: the parent's summary of its children, kept current in the same transaction as
 * every child write (create, update, delete, restore, bulk, import), and recomputed for every
 * parent when a rollup is published. Each refresh is one UPDATE with a correlated subquery.
 */

const AGGREGATES = { count: 'count(*)', sum: 'coalesce(sum(??), 0)', min: 'min(??)', max: 'max(??)' } as const;

export interface RollupOnChild {
  parent: CompiledObject;
  field: FieldDef;
  /** The child's column that points at the parent. */
  relationColumn: string;
}

/** The rollups that summarise `child` (compiled once per release). */
export function rollupsOver(metadata: CompiledMetadata, child: CompiledObject): RollupOnChild[] {
  return child.summarisedBy.map(({ parent, field }) => ({
    parent: metadata.objects.get(parent)!,
    field,
    relationColumn: child.fields.get(field.relationField!)!.columns[0]!,
  }));
}

/**
 * Recomputes the rollups over `child` for the parents the given child rows point at (pass the
 * rows before and after a change, so a re-parented child updates both parents). `parentIds`
 * undefined recomputes every parent (publish).
 */
export async function refreshRollups(
  trx: Knex.Transaction,
  schema: string,
  metadata: CompiledMetadata,
  child: CompiledObject,
  rows: Record<string, unknown>[] | undefined,
): Promise<void> {
  for (const rollup of rollupsOver(metadata, child)) {
    const ids = rows && [
      ...new Set(rows.map((r) => r[rollup.relationColumn]).filter((v): v is string => typeof v === 'string')),
    ];
    if (ids && ids.length === 0) continue;
    await refreshOne(trx, schema, child, rollup, ids);
  }
}

/** A publish's record step (metadata/publish.ts): new or changed rollups computed for every parent. */
export const refreshPublishedRollups = async (
  trx: Knex.Transaction,
  schema: string,
  next: CompiledMetadata,
  changed: ReadonlySet<string>,
): Promise<void> => {
  for (const child of next.objects.values()) {
    if (child.summarisedBy.some(({ field }) => changed.has(field.id)))
      await refreshRollups(trx, schema, next, child, undefined);
  }
};

async function refreshOne(
  trx: Knex.Transaction,
  schema: string,
  child: CompiledObject,
  rollup: RollupOnChild,
  ids: string[] | undefined,
) {
  const { parent, field } = rollup;
  const aggregate = field.aggregate ?? 'count';
  const bindings = aggregate === 'count' ? [] : [`c.${child.fields.get(field.field!)!.columns[0]}`];
  const sub = trx(`${schema}.${child.table} as c`)
    .select(trx.raw(AGGREGATES[aggregate], bindings))
    .whereRaw('?? = ??', [`c.${rollup.relationColumn}`, 'p.id'])
    .whereNull('c.deleted_at');
  // Rows of an import still writing count once it completes (ImportSteps recomputes then).
  const importing = hiddenImportsSql(schema, child.table, 'c');
  if (importing) sub.whereRaw(importing.sql, importing.bindings as Knex.RawBinding[]);
  const filter = field.filter === undefined ? undefined : parseFilter(child, field.filter);
  if (filter) applyFilter(sub, filter, 'c');
  const column = parent.fields.get(field.apiName)!.columns[0]!;
  const update = trx(`${schema}.${parent.table} as p`).update({ [column]: trx.raw('(?)', [sub]) });
  if (ids) {
    for (let i = 0; i < ids.length; i += 1000) await update.clone().whereIn('p.id', ids.slice(i, i + 1000));
  } else {
    await update;
  }
}
