import type { Knex } from 'knex';

/** An index of one of the tenant's tables, as the catalog and the statistics hold it. */
export interface CatalogIndex {
  table: string;
  name: string;
  /** Key columns in order (an expression key has column null). */
  columns: { column: string | null; desc: boolean }[];
  /** false while a concurrent build runs, or after one failed. */
  valid: boolean;
  unique: boolean;
  primary: boolean;
  /**
   * Expression indexes, partial ones other than "live records only", and those that keep no
   * order (a trigram GIN index) serve only the queries written for them.
   */
  partial: boolean;
  sizeBytes: number;
  /** Index scans since the statistics were last reset. */
  scans: number;
}

interface IndexRow {
  table: string;
  name: string;
  columns: CatalogIndex['columns'] | string;
  valid: boolean;
  unique: boolean;
  primary: boolean;
  partial: boolean;
  size: string | number;
  scans: string | number;
}

// indoption is an int2vector (subscripts from 0); its bit 1 marks a DESC key.
const INDEXES = `
select t.relname as "table", i.relname as name, x.indisvalid as valid, x.indisunique as "unique",
  x.indisprimary as "primary",
  (x.indexprs is not null or coalesce(pg_get_expr(x.indpred, x.indrelid) <> '(deleted_at IS NULL)', false)
    or (select amname from pg_am where oid = i.relam) <> 'btree') as partial,
  pg_relation_size(i.oid) as size, coalesce(s.idx_scan, 0) as scans,
  (select json_agg(json_build_object('column', a.attname, 'desc', (x.indoption[k.n - 1] & 1) = 1) order by k.n)
     from unnest(x.indkey::int2[]) with ordinality k(attnum, n)
     left join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
     where k.n <= x.indnkeyatts) as columns
from pg_index x
join pg_class i on i.oid = x.indexrelid
join pg_class t on t.oid = x.indrelid
join pg_namespace n on n.oid = t.relnamespace
left join pg_stat_user_indexes s on s.indexrelid = x.indexrelid
where n.nspname = ? and t.relname in (%)`;

// The planner's estimate; reltuples is -1 until the table is first analyzed.
const ROWS = `
select t.relname as "table", t.reltuples as rows
from pg_class t join pg_namespace n on n.oid = t.relnamespace
where n.nspname = ? and t.relkind = 'r' and t.relname in (%)`;

/**
 * Rows of a table never analyzed (PGlite runs no autovacuum; an import analyzes what it wrote),
 * counted up to COUNT_CAP: past that a table is big whatever the exact figure.
 */
const COUNT_CAP = 100_000;
async function countCapped(knex: Knex, schema: string, table: string): Promise<number> {
  const { rows } = await knex.raw<{ rows: [{ n: string }] }>(
    'select count(*) as n from (select 1 from ??.?? limit ?) s',
    [schema, table, COUNT_CAP],
  );
  return Number(rows[0].n);
}

export async function readIndexes(
  knex: Knex,
  schema: string,
  tables: readonly string[],
): Promise<{ indexes: CatalogIndex[]; rows: Map<string, number> }> {
  if (!tables.length) return { indexes: [], rows: new Map() };
  const list = tables.map(() => '?').join(', ');
  const [indexes, rows] = await Promise.all([
    knex.raw<{ rows: IndexRow[] }>(INDEXES.replace('%', list), [schema, ...tables]),
    knex.raw<{ rows: { table: string; rows: string | number }[] }>(ROWS.replace('%', list), [schema, ...tables]),
  ]);
  return {
    indexes: indexes.rows.map((r) => ({
      table: r.table,
      name: r.name,
      columns: typeof r.columns === 'string' ? (JSON.parse(r.columns) as CatalogIndex['columns']) : r.columns,
      valid: r.valid,
      unique: r.unique,
      primary: r.primary,
      partial: r.partial,
      sizeBytes: Number(r.size),
      scans: Number(r.scans),
    })),
    rows: new Map(
      await Promise.all(
        rows.rows.map(
          async (r) =>
            [r.table, Number(r.rows) >= 0 ? Number(r.rows) : await countCapped(knex, schema, r.table)] as const,
        ),
      ),
    ),
  };
}
