import type { Knex } from 'knex';
import { Problem, type FieldError } from '../errors.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import type { Caller } from '../security/caller.js';
import type { BulkRequest, BulkResult, BulkWriter } from './bulk.js';
import { RowWriter } from './copy-writer.js';
import { coerceRow, type ImportColumn } from './csv-import.js';
import { translateDbError } from './db-errors.js';
import { readBatches, type Batch, type CsvRow } from './import-file.js';
import type { BadRow, ImportMode, ImportPhase, ImportStore } from './import-store.js';
import { validateBody } from './record-validator.js';

/**
 * How an import writes its file, through BulkWriter (the same checks, rollups and writes as POST
 * …/bulk) with new rows sent by COPY where the database takes it (copy-writer.ts):
 *
 *   allOrNone (default)  every batch is checked and written in ONE transaction, which also marks
 *                        the job completed. The first bad row rolls it back; the rest of the file
 *                        is then only checked, batch by batch, so the error report is complete.
 *   skipBadRows          each batch is checked and its good rows written in its own transaction,
 *                        with the batch's error rows and the job's progress.
 *
 * Unique fields (and the upsert key) are also checked between rows of the file, not only within
 * a batch; the keys seen are kept in memory for the length of the job.
 */

/** Imports writing at least this many rows refresh the table's planner statistics when done. */
const ANALYZE_AFTER = 10_000;
/** How often a job open in one transaction writes its progress (and heartbeat) to its row. */
const HEARTBEAT_MS = 1000;

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

type Row = Record<string, unknown>;

/**
 * Thrown inside the allOrNone transaction to roll it back once a row is found bad: the batch,
 * its bad rows, and its rows still to check.
 */
class RowsRefused extends Error {
  constructor(
    readonly batch: Batch,
    readonly bad: BadRow[],
    readonly unchecked: (CsvRow & { body: Row })[],
  ) {
    super('rows refused');
  }
}
/** Thrown by a run when the engine is shutting down. */
export class Stopping extends Error {}

export class ImportWrites {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly writer: BulkWriter,
    private readonly store: ImportStore,
    /** Embedded PGlite: one connection, and no COPY FROM STDIN. */
    private readonly pglite: boolean,
    /** The engine is shutting down: a run stops between batches. */
    private readonly stopping: () => boolean,
  ) {}

  /** skipBadRows: each batch in its own transaction, with its error rows and the job's counts. */
  async writeEachBatch(run: Run): Promise<void> {
    const keys = new KeysSeen(run);
    const rows = this.rowWriter(run);
    for await (const batch of readBatches(run.file)) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      await this.knex.transaction(async (trx) => {
        let created = 0;
        let updated = 0;
        if (good.length) {
          let result: BulkResult;
          try {
            result = await this.writer.write(trx, run.object, request(run, good, false), run.caller, rows.insert);
            await rows.flush();
          } catch (e) {
            await rows.abandon();
            throw e;
          }
          created = result.created;
          updated = result.updated;
          for (const r of result.results) if (!r.ok) bad.push({ ...good[r.index]!, errors: r.errors });
        }
        await this.store.saveErrors(trx, run.id, bad, secretColumns(run));
        await this.store.count(
          trx,
          run.id,
          { rows_processed: batch.rows.length, rows_created: created, rows_updated: updated, rows_failed: bad.length },
          batch.bytes,
        );
        run.written += created + updated;
      });
      run.committed = true;
      this.advance(run, batch);
    }
    await this.store.progress(run.id, {
      status: 'completed',
      phase: null,
      rows_total: run.rowsProcessed,
      finished_at: this.knex.fn.now(),
    });
    await this.analyze(run.object, run.written);
  }

  /**
   * allOrNone: one pass over the file, every batch checked and written in one transaction that
   * also completes the job. A bad row rolls it back, and the rest of the file is only checked.
   */
  async writeAllOrNone(run: Run): Promise<void> {
    const keys = new KeysSeen(run);
    const rows = this.rowWriter(run);
    // Iterated by hand: leaving a for-await loop would close the file the rest is checked from.
    const batches = readBatches(run.file);
    let refused: RowsRefused | undefined;
    try {
      await this.knex.transaction(async (trx) => {
        let created = 0;
        let updated = 0;
        try {
          for (let next = await batches.next(); !next.done; next = await batches.next()) {
            const batch = next.value;
            if (this.stopping()) throw new Stopping();
            const { good, bad } = prepare(run, batch.rows, keys);
            if (bad.length) throw new RowsRefused(batch, bad, good);
            if (good.length) {
              try {
                const result = await this.writer.write(
                  trx,
                  run.object,
                  request(run, good, true),
                  run.caller,
                  rows.insert,
                );
                created += result.created;
                updated += result.updated;
              } catch (e) {
                if (e instanceof Problem && e.status === 422 && e.errors.some((x) => x.index !== undefined))
                  throw new RowsRefused(batch, byRow(good, e.errors), []);
                throw e;
              }
            }
            this.advance(run, batch);
            // A second connection writes progress while the transaction is open (not on PGlite's one).
            if (this.secondConnection() && Date.now() - run.beatAt >= HEARTBEAT_MS) await this.beat(run);
          }
          await rows.flush();
        } catch (e) {
          // Nothing may be left running on the connection when the ROLLBACK is sent.
          await rows.abandon();
          throw e;
        }
        run.written = created + updated;
        await trx(this.store.jobs).where({ id: run.id }).update({
          status: 'completed',
          phase: null,
          rows_total: run.rowsProcessed,
          rows_processed: run.rowsProcessed,
          bytes_processed: run.bytesProcessed,
          rows_created: created,
          rows_updated: updated,
          updated_at: trx.fn.now(),
          finished_at: trx.fn.now(),
        });
      });
    } catch (e) {
      if (e instanceof RowsRefused) refused = e;
      else {
        await batches.return(undefined);
        await this.failOnWrite(run, e);
      }
    }
    if (refused) await this.checkRest(run, refused, batches, keys);
    else await this.analyze(run.object, run.written);
  }

  /**
   * COPY where the database takes it. Pipelined (the next batch checked while this one is
   * written) when checking and writing a batch sends no statement but the insert and its
   * history: no lookups or unique fields to look up, no upsert, no rollups over the object.
   */
  private rowWriter(run: Run): RowWriter {
    const fields = [...run.object.fields.values()];
    const quiet =
      run.upsertOn === undefined &&
      run.object.summarisedBy.length === 0 &&
      !fields.some((f) => f.def.target !== undefined || f.def.unique);
    return new RowWriter(this.schema, this.pglite ? 'insert' : 'copy', !this.pglite && quiet);
  }

  /**
   * A write the checks let through but the database refused (another request took a unique
   * value, a lookup target was deleted meanwhile): the transaction is rolled back and the job
   * fails with the database's reason. Anything else is an error on our side.
   */
  private async failOnWrite(run: Run, e: unknown): Promise<void> {
    const problem = translateDbError(run.object, e);
    if (!(problem instanceof Problem) || problem.status !== 422) throw e;
    await this.store.progress(run.id, {
      status: 'failed',
      phase: null,
      finished_at: this.knex.fn.now(),
      rows_processed: run.rowsProcessed,
      bytes_processed: run.bytesProcessed,
      error: `the rows could not be written (${problem.errors.map((x) => x.message).join('; ') || problem.detail}); nothing was imported`,
    });
  }

  /** allOrNone after a bad row: nothing is written; the rest of the file is checked for the report. */
  private async checkRest(
    run: Run,
    refused: RowsRefused,
    batches: AsyncGenerator<Batch>,
    keys: KeysSeen,
  ): Promise<void> {
    run.phase = 'validating';
    let failed = 0;
    const check = async (batch: Batch, good: (CsvRow & { body: Row })[], bad: BadRow[], first: boolean) => {
      await this.knex.transaction(async (trx) => {
        if (good.length) {
          const { errors } = await this.writer.check(trx, run.object, request(run, good, false), run.caller);
          errors.forEach((e, i) => e.length && bad.push({ ...good[i]!, errors: e }));
        }
        bad.sort((a, b) => a.row - b.row);
        await this.store.saveErrors(trx, run.id, bad, secretColumns(run));
        // The first call also sets the counts of the batches written (and rolled back) before.
        if (first)
          await trx(this.store.jobs)
            .where({ id: run.id })
            .update({ phase: 'validating', rows_processed: run.rowsProcessed, bytes_processed: run.bytesProcessed });
        await this.store.count(
          trx,
          run.id,
          { rows_processed: batch.rows.length, rows_failed: bad.length },
          batch.bytes,
        );
      });
      failed += bad.length;
      this.advance(run, batch);
    };
    await check(refused.batch, refused.unchecked, refused.bad, true);
    for await (const batch of batches) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      await check(batch, good, bad, false);
    }
    await this.store.progress(run.id, {
      status: 'failed',
      phase: null,
      rows_total: run.rowsProcessed,
      finished_at: this.knex.fn.now(),
      error: `${failed} row${failed > 1 ? 's are' : ' is'} not valid; nothing was imported (see the error report)`,
    });
  }

  private advance(run: Run, batch: Batch): void {
    run.rowsProcessed += batch.rows.length;
    run.bytesProcessed = batch.bytes;
  }

  /** Whether a query can run beside the job's transaction: not on PGlite, nor with a pool of one. */
  private secondConnection(): boolean {
    const pool = (this.knex.client as { config?: { pool?: { max?: number } } }).config?.pool;
    return !this.pglite && (pool?.max ?? 10) > 1;
  }

  /** Progress and heartbeat, outside the job's transaction. */
  private async beat(run: Run): Promise<void> {
    run.beatAt = Date.now();
    await this.store.progress(run.id, { rows_processed: run.rowsProcessed, bytes_processed: run.bytesProcessed });
  }

  /**
   * Fresh planner statistics after a large load, as Postgres advises for bulk loads. Embedded
   * PGlite has no autovacuum to do it later: without them a table just filled plans its list
   * and export queries as if it were empty. Only an optimisation, so a failure is ignored.
   */
  private async analyze(object: CompiledObject, written: number): Promise<void> {
    if (written < ANALYZE_AFTER) return;
    await this.knex.raw('analyze ??', [`${this.schema}.${object.table}`]).catch(() => undefined);
  }
}

/** The errors a BulkWriter refusal gives by row index, as the file's rows. */
function byRow(good: CsvRow[], errors: FieldError[]): BadRow[] {
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

const request = (run: Run, good: (CsvRow & { body: Row })[], allOrNone: boolean): BulkRequest => ({
  records: good.map((g) => g.body),
  ...(run.upsertOn !== undefined ? { upsertOn: run.upsertOn } : {}),
  allOrNone,
});

/**
 * A batch's rows as record bodies, and the rows whose cells could not be read. A row with a bad
 * cell is also run through the (database-free) record checks, so its report lists every problem.
 */
function prepare(run: Run, batch: CsvRow[], keys?: KeysSeen): { good: (CsvRow & { body: Row })[]; bad: BadRow[] } {
  const good: (CsvRow & { body: Row })[] = [];
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
class KeysSeen {
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
const secretColumns = (run: Run): ReadonlySet<number> =>
  new Set(run.columns.filter((c) => c.field?.type.encryption).map((c) => c.index));
