import type { Knex } from 'knex';
import { columnName, fieldType } from '../fields/index.js';
import type { MetadataSnapshot, ObjectDef } from './types.js';

/**
 * How many records a published object holds (outside the recycle bin), and how many of them hold
 * a value in one of its fields: what deleting the object or the field would archive. Objects and
 * fields are found in the current release by id, so one renamed in the draft still counts; one
 * only in the draft has no table yet and no records.
 */

export interface RecordCount {
  /** The object (or field) has a table (a column) in the current release. */
  published: boolean;
  records: number;
}

export async function countRecords(
  knex: Knex,
  schema: string,
  published: MetadataSnapshot,
  draft: ObjectDef,
  fieldId?: string,
): Promise<RecordCount> {
  const live = published.objects.find((o) => o.id === draft.id);
  const field = fieldId === undefined ? undefined : live?.fields.find((f) => f.id === fieldId);
  if (!live || (fieldId !== undefined && !field)) return { published: false, records: 0 };
  // Identifiers come from the published metadata (checked names) and reach SQL quoted by knex.
  const query = knex(`${schema}.${live.apiName}`).whereNull('deleted_at');
  if (field) {
    const columns = fieldType(field)
      .columns(field)
      .map((c) => columnName(field, c));
    void query.where((q) => columns.forEach((c) => void q.orWhereNotNull(c)));
  }
  const row = await query.count<{ count: string | number }[]>({ count: '*' }).first();
  return { published: true, records: Number(row?.count ?? 0) };
}

/** Past this many rows (by PostgreSQL's statistics), a table's count is its estimate: counting is a full scan. */
export const EXACT_BELOW = 100_000;

/**
 * Records per published object, by the object's apiName in the current release: counted exactly
 * for tables under EXACT_BELOW rows, else PostgreSQL's estimate (pg_class.reltuples, recycle bin
 * included) — an objects page must not scan a million-row table on every visit.
 */
export async function recordCounts(knex: Knex, schema: string, published: MetadataSnapshot) {
  const { rows } = await knex.raw<{ rows: { table: string; estimate: number }[] }>(
    `select c.relname as table, c.reltuples::float8 as estimate from pg_class c
     join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? and c.relkind = 'r'`,
    [schema],
  );
  const estimates = new Map(rows.map((r) => [r.table, Number(r.estimate)]));
  const counts: Record<string, number> = {};
  for (const obj of published.objects) {
    const estimate = estimates.get(obj.apiName) ?? -1;
    counts[obj.apiName] =
      estimate >= EXACT_BELOW ? Math.round(estimate) : (await countRecords(knex, schema, published, obj)).records;
  }
  return counts;
}
