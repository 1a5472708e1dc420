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

/** Records per published object, by the object's apiName in the current release. */
export async function recordCounts(knex: Knex, schema: string, published: MetadataSnapshot) {
  const counts: Record<string, number> = {};
  for (const obj of published.objects) counts[obj.apiName] = (await countRecords(knex, schema, published, obj)).records;
  return counts;
}
