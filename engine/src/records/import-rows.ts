import type { FieldError } from '../errors.js';
import type { CompiledField } from '../metadata/compile.js';
import type { Caller } from '../security/caller.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { BulkRequest } from './bulk.js';
import { coerceRow, type ImportColumn } from './csv-import.js';
import type { CsvRow } from './import-file.js';
import type { BadRow, ImportMode, ImportPhase } from './import-store.js';
import { validateBody } from './record-validator.js';

/**
 * An import's rows on their way to BulkWriter: a file row as a record body (or its errors), the
 * unique values seen across the whole file, and how many rows one transaction takes.
 */

/** What a run needs besides the job row. */
export interface Run {
  id: string;
  object: CompiledObject;
  mode: ImportMode;
  upsertOn?: string;
  columns: ImportColumn[];
  headerCount: number;
  file: string;
  caller: Caller;
  /** skipBadRows: a batch has been committed, so a failure leaves the rows before it imported. */
  committed?: boolean;
  /** Records created or updated so far. */
  written: number;
  /** The live progress polls see before it reaches the job row. */
  phase: ImportPhase;
  rowsProcessed: number;
  bytesProcessed: number;
  /** When progress was last written to the job row. */
  beatAt: number;
}

export type Row = Record<string, unknown>;
export type GoodRow = CsvRow & { body: Row };

/** The errors a BulkWriter refusal gives by row index, as the file's rows. */
export function byRow(good: CsvRow[], errors: FieldError[]): BadRow[] {
  const rows = new Map<number, BadRow>();
  for (const { index, ...error } of errors) {
    const source = good[index ?? -1];
    if (!source) continue;
    const entry = rows.get(source.row) ?? { row: source.row, cells: source.cells, errors: [] };
    entry.errors.push(error);
    rows.set(source.row, entry);
  }
  return [...rows.values()];
}

export const request = (run: Run, good: GoodRow[], allOrNone: boolean): BulkRequest => ({
  records: good.map((g) => g.body),
  ...(run.upsertOn !== undefined ? { upsertOn: run.upsertOn } : {}),
  allOrNone,
});

/**
 * A batch's rows as record bodies, and the rows whose cells could not be read. A row with a bad
 * cell is also run through the (database-free) record checks, so its report lists every problem.
 */
export function prepare(run: Run, batch: CsvRow[], keys?: KeysSeen): { good: GoodRow[]; bad: BadRow[] } {
  const good: GoodRow[] = [];
  const bad: BadRow[] = [];
  for (const source of batch) {
    const { body, errors } = coerceRow(run.columns, run.headerCount, source.cells);
    if (errors.length) {
      if (errors[0]!.code !== 'columns') {
        const more = validateBody(run.object, body, 'create', run.caller.locale).errors.filter(
          (e) => !errors.some((x) => x.field === e.field) && !(run.upsertOn !== undefined && e.code === 'required'),
        );
        errors.push(...more);
      }
      bad.push({ ...source, errors });
      continue;
    }
    const clashes = keys?.claim(body, source.row) ?? [];
    if (clashes.length) bad.push({ ...source, errors: clashes });
    else good.push({ ...source, body });
  }
  return { good, bad };
}

/** Values of the file's unique fields already used by an earlier row, in any batch. */
export class KeysSeen {
  private readonly fields: { field: CompiledField; rows: Map<string, number> }[];
  private readonly upsertOn?: string;

  constructor(run: Run) {
    this.upsertOn = run.upsertOn;
    this.fields = run.columns
      .filter(
        (c): c is ImportColumn & { field: CompiledField } =>
          !!c.field && !!c.field.def.unique && c.field.columns.length === 1,
      )
      .map((c) => ({ field: c.field, rows: new Map() }));
  }

  /** The errors of a row whose unique values an earlier row has; otherwise records them as its own. */
  claim(body: Row, row: number): FieldError[] {
    const errors: FieldError[] = [];
    const keys: [Map<string, number>, string][] = [];
    for (const { field, rows } of this.fields) {
      const value = body[field.def.apiName];
      if (value === undefined || value === null) continue;
      const key = JSON.stringify(value);
      const first = rows.get(key);
      const name = field.def.apiName;
      if (first !== undefined)
        errors.push({
          field: name,
          code: name === this.upsertOn ? 'duplicate' : 'unique',
          message: `row ${first} has the same ${name}`,
        });
      else keys.push([rows, key]);
    }
    if (!errors.length) for (const [rows, key] of keys) rows.set(key, row);
    return errors;
  }
}

/** The file's columns that hold an encrypted field's values (by cell index). */
export const secretColumns = (run: Run): ReadonlySet<number> =>
  new Set(run.columns.filter((c) => c.field?.type.encryption).map((c) => c.index));

/**
 * On embedded PGlite every request waits for the one connection while an import's transaction
 * holds it, so a transaction takes as many rows as fit in about TARGET_MS, measured on the
 * transactions before: a batch of an object with lookups, rollups or rules costs many times
 * what a plain one does. Elsewhere (a pool, MVCC) a transaction takes a whole batch.
 */
const TARGET_MS = 150;
const FIRST_ROWS = 250;
const MIN_ROWS = 20;

export class Pacer {
  private rows = FIRST_ROWS;

  constructor(private readonly paced: boolean) {}

  /** How many of the `remaining` rows the next transaction takes. */
  take(remaining: number): number {
    return this.paced ? Math.min(this.rows, remaining) : remaining;
  }

  /** A transaction of `rows` rows took `ms` once it had the connection; sizes the next one. */
  took(rows: number, ms: number): void {
    if (!this.paced) return;
    const next = Math.round((rows * TARGET_MS) / Math.max(ms, 1));
    // A short last piece of a batch may say the size is too large, never that it is too small.
    if (rows < this.rows && next > this.rows) return;
    // At most doubling: one quick transaction (a warm cache) says little about the next.
    this.rows = Math.max(MIN_ROWS, Math.min(next, this.rows * 2));
  }
}
