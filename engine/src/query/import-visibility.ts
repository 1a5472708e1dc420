import type { SqlFragment } from '../fields/field-type.js';

/**
 * The records an all-or-none import is still writing, kept out of what others find until it
 * completes. On embedded PGlite such an import writes its rows a step at a time
 * (records/import-steps.ts), and no transaction may hold the one connection for the whole file;
 * so its created rows carry its job id (the `_import_job` column, set by the column's default
 * from a setting of each step's transaction), and lists, counts, search, aggregates and exports
 * leave rows of a job still writing out. Completing the job is then one step: forgetting it.
 * A row's id is a random UUIDv7 nobody else has seen, so reads by id need no such condition.
 *
 * Kept in this process: on PGlite one process owns the data folder, and an import interrupted by
 * a crash is undone before the next process serves. PostgreSQL never registers a job (its import
 * is one transaction, hidden by MVCC), so its statements never carry the condition.
 */

export const IMPORT_JOB_COLUMN = '_import_job';
/** The transaction setting the column's default reads. */
export const IMPORT_JOB_SETTING = 'tessera.import_job';

const writing = new Map<string, Set<string>>();
const key = (schema: string, table: string) => `${schema}.${table}`;

export function hideImport(schema: string, table: string, job: string): void {
  const jobs = writing.get(key(schema, table)) ?? new Set<string>();
  jobs.add(job);
  writing.set(key(schema, table), jobs);
}

export function showImport(schema: string, table: string, job: string): void {
  const jobs = writing.get(key(schema, table));
  jobs?.delete(job);
  if (jobs && !jobs.size) writing.delete(key(schema, table));
}

/** The tables of `schema` an import is writing to now. */
export function tablesImporting(schema: string): string[] {
  const prefix = `${schema}.`;
  return [...writing.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/** The condition that leaves out rows of imports still writing to the table; null when none is. */
export function hiddenImportsSql(schema: string, table: string, alias: string): SqlFragment | null {
  const jobs = writing.get(key(schema, table));
  if (!jobs) return null;
  return {
    sql: `(??.?? is null or ??.?? <> all(?::uuid[]))`,
    bindings: [alias, IMPORT_JOB_COLUMN, alias, IMPORT_JOB_COLUMN, [...jobs]],
  };
}
