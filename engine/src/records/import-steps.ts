import type { Knex } from 'knex';
import { Problem } from '../errors.js';
import type { Logger } from '../lib/log.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { hideImport, IMPORT_JOB_COLUMN, IMPORT_JOB_SETTING, showImport } from '../query/import-visibility.js';
import type { BulkResult } from './bulk.js';
import { translateDbError } from './db-errors.js';
import { readBatches } from './import-file.js';
import { ImportBatches, RowsRefused, Stopping } from './import-batches.js';
import { byRow, KeysSeen, Pacer, prepare, secretColumns, type Run } from './import-rows.js';
import type { ImportStore } from './import-store.js';
import { AppliedLog } from './import-undo.js';

/**
 * allOrNone on embedded PGlite, whose one connection every request waits for while a transaction
 * holds it: in steps, each a short transaction. Every row is checked first, nothing written
 * (`checking`); a bad row fails the job with its report. Once all are accepted the job turns
 * `applying` and writes the file again chunk by chunk, each chunk checked again (another request
 * may have changed a record meanwhile) and logged (import-undo.ts), its created rows out of
 * others' sight until the last chunk is written (query/import-visibility.ts); a refusal then, or
 * a shutdown, undoes every chunk written and fails the job; a crash is undone when the engine
 * next starts (ImportJobs.sweep).
 */
export class ImportSteps {
  private readonly applied: AppliedLog;

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly store: ImportStore,
    private readonly metadata: () => CompiledMetadata,
    private readonly logger: Logger,
    private readonly batches: ImportBatches,
    /** The engine is shutting down: a run stops between batches. */
    private readonly stopping: () => boolean,
  ) {
    this.applied = new AppliedLog(knex, schema);
  }

  /**
   * allOrNone on PGlite (see the top of this file): every row checked in short transactions;
   * then, all accepted, the decision (`applying`), and the rows written chunk by chunk.
   */
  async write(run: Run): Promise<void> {
    run.phase = 'checking';
    await this.store.progress(run.id, { phase: 'checking' });
    const keys = new KeysSeen(run);
    const pacer = new Pacer(true);
    let failed = 0;
    for await (const batch of readBatches(run.file)) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      failed += await this.batches.checkBatch(run, batch, good, bad, pacer);
      if (failed) run.phase = 'validating';
    }
    if (failed) return await this.batches.refuse(run, failed);

    // The decision, one statement: from here only a change another request makes meanwhile can refuse a row.
    run.phase = 'applying';
    await this.store.progress(run.id, { phase: 'applying', rows_total: run.rowsProcessed });
    await this.markable(run.object);
    hideImport(this.schema, run.object.table, run.id);
    try {
      await this.apply(run);
      // The one step that shows every row at once; then the rollups over them count them, and
      // the job completes (a failure or a crash before that is undone, as while writing).
      showImport(this.schema, run.object.table, run.id);
      await this.applied.countCreated(run.id, run.object, this.metadata());
    } catch (e) {
      try {
        await this.undo(run, e);
      } finally {
        showImport(this.schema, run.object.table, run.id);
      }
      return;
    }
    // Completed and the log gone together: no state where the job is done and its undo remains.
    await this.knex.transaction(async (trx) => {
      await this.store.progress(run.id, { status: 'completed', phase: null, finished_at: trx.fn.now() }, trx);
      await this.applied.clear(run.id, trx);
    });
    await this.batches.analyze(run.object, run.written);
  }

  /**
   * The accepted file written again, a chunk a transaction: each chunk through BulkWriter as a
   * bulk request (checked again against what others changed since), logged for an undo, and
   * counted, so polls see rowsCreated and rowsUpdated climb.
   */
  private async apply(run: Run): Promise<void> {
    const rows = this.batches.rowWriter(run);
    const pacer = new Pacer(true);
    const key = run.upsertOn === undefined ? undefined : run.object.fields.get(run.upsertOn)!.columns[0]!;
    let chunk = 0;
    for await (const batch of readBatches(run.file)) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows);
      // The file was read the same way a moment ago; only the file changing could get here.
      if (bad.length) throw new RowsRefused(batch, bad, []);
      await this.batches.inPieces(batch, good, [], pacer, async (trx, piece) => {
        chunk++;
        // The rows this transaction creates carry the job (the column's default reads it).
        await trx.raw('select set_config(?, ?, true)', [IMPORT_JOB_SETTING, run.id]);
        if (key)
          await this.applied.before(
            trx,
            run.id,
            chunk,
            run.object,
            key,
            piece.map((g) => g.body[run.upsertOn!]),
          );
        const outboxAfter = await this.applied.outboxMark(trx);
        let result: BulkResult;
        try {
          result = await this.batches.write(trx, run, rows, piece, true);
        } catch (e) {
          if (e instanceof Problem && e.status === 422 && e.errors.some((x) => x.index !== undefined))
            throw new RowsRefused(batch, byRow(piece, e.errors), []);
          throw e;
        }
        await this.applied.created(
          trx,
          run.id,
          chunk,
          result.results.flatMap((r) => (r.ok && r.created ? [r.id] : [])),
          outboxAfter,
        );
        await this.store.count(
          trx,
          run.id,
          { rows_created: result.created, rows_updated: result.updated },
          run.bytesProcessed,
        );
        run.written += result.created + result.updated;
      });
    }
  }

  /**
   * A refusal while applying (a row another request made bad meanwhile: its unique value taken,
   * its lookup's record deleted), a shutdown or an error: what was written is undone and the job
   * fails naming the row; a shutdown or an error then goes on to ImportJobs.run as before.
   */
  private async undo(run: Run, e: unknown): Promise<void> {
    const problem = e instanceof RowsRefused ? undefined : translateDbError(run.object, e);
    let reason: string | undefined;
    if (e instanceof RowsRefused) {
      const first = e.bad[0]!;
      reason = `row ${first.row} was refused while the rows were written (${first.errors.map((x) => x.message).join('; ')})`;
    } else if (problem instanceof Problem && problem.status === 422)
      reason = `the rows could not be written (${problem.errors.map((x) => x.message).join('; ') || problem.detail})`;
    try {
      await this.applied.undo(run.id, run.object, this.metadata(), run.caller);
    } catch (undoError) {
      this.logger.error({ err: undoError, job: run.id }, 'an import was not undone');
      await this.store.progress(run.id, {
        status: 'failed',
        phase: null,
        finished_at: this.knex.fn.now(),
        error: `${reason ?? 'the import stopped'}; the rows written could not all be removed (${(undoError as Error).message})`,
      });
      return;
    }
    run.written = 0;
    if (reason === undefined) {
      await this.store.progress(run.id, { rows_created: 0, rows_updated: 0 });
      throw e;
    }
    if (e instanceof RowsRefused)
      await this.knex.transaction((trx) => this.store.saveErrors(trx, run.id, e.bad, secretColumns(run)));
    await this.store.progress(run.id, {
      status: 'failed',
      phase: null,
      rows_created: 0,
      rows_updated: 0,
      rows_failed: e instanceof RowsRefused ? e.bad.length : 0,
      finished_at: this.knex.fn.now(),
      error: `${reason}; nothing was imported${e instanceof RowsRefused ? ' (see the error report)' : ''}`,
    });
  }

  /**
   * The table's column marking the rows of an import still writing (query/import-visibility.ts):
   * added once, by the first such import, with a default and no rewrite of the table.
   */
  private async markable(object: CompiledObject): Promise<void> {
    await this.knex.raw(
      `alter table ?? add column if not exists ?? uuid default nullif(current_setting('${IMPORT_JOB_SETTING}', true), '')::uuid`,
      [`${this.schema}.${object.table}`, IMPORT_JOB_COLUMN],
    );
  }
}
