import fs from 'node:fs';
import type { Knex } from 'knex';

/**
 * The live schema as the planner sees it: Tessera's tables and columns, each tagged by the
 * metadata id in its comment (`tessera:{"o":…}` on tables, `tessera:{"f":…,"p":…}` on columns).
 * Archived tables and columns keep their tag with "archived": true, so they can be restored.
 */

export interface CatalogColumn {
  name: string;
  sqlType: string;
  fieldId?: string;
  part: string;
  archived: boolean;
  autonumberHash?: string;
  /** Hash of a formula column's generation expression. */
  generatedHash?: string;
  /** The column holds an encrypted field's ciphertext. */
  encrypted?: boolean;
}

export interface CatalogTable {
  name: string;
  objectId: string;
  archived: boolean;
  columns: CatalogColumn[];
  /** Tessera's constraints and indexes by name → the column their first key is on. */
  constraints: Map<string, string | null>;
}

export interface Catalog {
  tables: CatalogTable[];
  sequences: Set<string>;
}

const sql = (file: string) => fs.readFileSync(new URL(file, import.meta.url), 'utf8');
const TABLES_SQL = sql('./catalog.sql');
const CONSTRAINTS_SQL = sql('./catalog-constraints.sql');
const SEQUENCES_SQL = sql('./catalog-sequences.sql');

export const TAG = 'tessera:';

function parseTag(comment: string | null): Record<string, unknown> | undefined {
  if (!comment?.startsWith(TAG)) return undefined;
  try {
    return JSON.parse(comment.slice(TAG.length)) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

export async function readCatalog(db: Knex | Knex.Transaction, schema: string): Promise<Catalog> {
  const { rows } = await db.raw<{
    rows: {
      table_name: string;
      table_comment: string;
      column_name: string;
      sql_type: string;
      column_comment: string | null;
    }[];
  }>(TABLES_SQL, [schema]);
  const tables = new Map<string, CatalogTable>();
  for (const row of rows) {
    let table = tables.get(row.table_name);
    if (!table) {
      const tag = parseTag(row.table_comment);
      if (!tag || typeof tag.o !== 'string') continue;
      table = {
        name: row.table_name,
        objectId: tag.o,
        archived: tag.archived === true,
        columns: [],
        constraints: new Map(),
      };
      tables.set(row.table_name, table);
    }
    const tag = parseTag(row.column_comment);
    table.columns.push({
      name: row.column_name,
      sqlType: row.sql_type,
      fieldId: typeof tag?.f === 'string' ? tag.f : undefined,
      part: typeof tag?.p === 'string' ? tag.p : '',
      archived: tag?.archived === true,
      autonumberHash: typeof tag?.a === 'string' ? tag.a : undefined,
      generatedHash: typeof tag?.g === 'string' ? tag.g : undefined,
      encrypted: tag?.e === 1,
    });
  }
  const constraints = await db.raw<{ rows: { table_name: string; name: string; column_name: string | null }[] }>(
    CONSTRAINTS_SQL,
    [schema, schema],
  );
  for (const row of constraints.rows) {
    tables.get(row.table_name)?.constraints.set(row.name, row.column_name);
  }
  const sequences = new Set(
    (await db.raw<{ rows: { name: string }[] }>(SEQUENCES_SQL, [schema])).rows.map((r) => r.name),
  );
  return { tables: [...tables.values()], sequences };
}
