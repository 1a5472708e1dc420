import type { Knex } from 'knex';
import { readCatalog } from './catalog.js';

/**
 * Drops for good the archived tables and columns of some objects and fields — a pack purged —
 * found by the ids their tags carry, as a restore finds them. Live tables and columns are never
 * touched: only what a publish archived. The caller's transaction holds it all.
 */
export async function dropArchived(
  trx: Knex.Transaction,
  schema: string,
  objectIds: ReadonlySet<string>,
  fieldIds: ReadonlySet<string>,
): Promise<{ tables: number; columns: number }> {
  const catalog = await readCatalog(trx, schema);
  let tables = 0;
  let columns = 0;
  for (const table of catalog.tables) {
    if (table.archived) {
      if (!objectIds.has(table.objectId)) continue;
      await trx.raw('drop table ??.?? cascade', [schema, table.name]);
      tables++;
      continue;
    }
    for (const column of table.columns) {
      if (!column.archived || !column.fieldId || !fieldIds.has(column.fieldId)) continue;
      await trx.raw('alter table ??.?? drop column ??', [schema, table.name, column.name]);
      columns++;
    }
  }
  return { tables, columns };
}
