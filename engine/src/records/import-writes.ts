import type { Knex } from 'knex';
import { Problem } from '../errors.js';
import type { Logger } from '../lib/log.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import type { BulkResult, BulkWriter } from './bulk.js';
import { RowWriter } from './copy-writer.js';
import { translateDbError } from './db-errors.js';
import { readBatches, type Batch } from './import-file.js';
import { byRow, KeysSeen, Pacer, prepare, request, secretColumns, type GoodRow, type Run } from './import-rows.js';
import type { BadRow, ImportStore } from './import-store.js';
import { AppliedLog } from './import-undo.js';
import { hideImport, IMPORT_JOB_COLUMN, IMPORT_JOB_SETTING, showImport } from '../query/import-visibility.js';

/**
 * How an import writes its file, through BulkWriter (the same checks, rollups and writes as POST
 * …/bulk) with new rows sent by COPY where the database takes it (copy-writer.ts):
 *
 *   allOrNone (default)  PostgreSQL: every batch is checked and written in ONE transaction, which
 *                        also marks the job completed; other requests see all rows at once or
 *                        none. The first bad row rolls it back; the rest of the file is then only
 *                        checked, batch by batch, so the error report is complete.
 *                        Embedded PGlite, whose one connection every request waits for while a
 *                        transaction holds it: in steps, each a short transaction. Every row is
 *                        checked first, nothing written (`checking`); a bad row fails the job
 *                        with its report. Once all are accepted the job turns `applying` and
 *                        writes the file again chunk by chunk, each chunk checked again (another
 *                        request may have changed a record meanwhile) and logged (import-undo.ts),
 *                        its created rows out of others' sight until the last chunk is written
 *                        (query/import-visibility.ts);
 *                        a refusal then, or a shutdown, undoes every chunk written and fails the
 *                        job; a crash is undone when the engine next starts (ImportJobs.sweep).
 *   skipBadRows          each batch is checked and its good rows written in its own transaction
 *                        (on PGlite, pieces of a batch short enough for others to interleave),
 *                        with the batch's error rows and the job's progress.
 *
 * Unique fields (and the upsert key) are also checked between rows of the file, not only within
 * a batch; the keys seen are kept in memory for the length of the job.
 */

/** Imports writing at least this many rows refresh the table's planner statistics when done. */
const ANALYZE_AFTER = 10_000;
/** How often a job open in one transaction writes its progress (and heartbeat) to its row. */
const HEARTBEAT_MS = 1000;

/**
 * A bad row while writing allOrNone: thrown inside the one transaction to roll it back (the
 * batch, its bad rows, and its rows still to check), or while applying, to undo the chunks.
 */
class RowsRefused extends Error {
  constructor(
    readonly batch: Batch,
    readonly bad: BadRow[],
    readonly unchecked: GoodRow[],
  ) {
    super('rows refused');
  }
}
/** Thrown by a run when the engine is shutting down. */
export class Stopping extends Error {}

export class ImportWrites {
  private readonly applied: AppliedLog;

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly writer: BulkWriter,
    private readonly store: ImportStore,
    private readonly metadata: () => CompiledMetadata,
    private readonly logger: Logger,
    /** Embedded PGlite: one connection, and no COPY FROM STDIN. */
    private readonly pglite: boolean,
    /** The engine is shutting down: a run stops between batches. */
    private readonly stopping: () => boolean,
  ) {
    this.applied = new AppliedLog(knex, schema);
  }

  /**
   * skipBadRows: each batch (on PGlite, each piece of one) in its own transaction, with its error
   * rows and the job's counts.
   */
  async writeEachBatch(run: Run): Promise<void> {
    const keys = new KeysSeen(run);
    const rows = this.rowWriter(run);
    const pacer = new Pacer(this.pglite);
    for await (const batch of readBatches(run.file)) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      await this.inPieces(batch, good, bad, pacer, async (trx, piece, refused, processed, last) => {
        let created = 0;
        let updated = 0;
        if (piece.length) {
          let result: BulkResult;
          try {
            result = await this.writer.write(trx, run.object, request(run, piece, false), run.caller, rows.insert);
            await rows.flush();
          } catch (e) {
            await rows.abandon();
            throw e;
          }
          created = result.created;
          updated = result.updated;
          for (const r of result.results) if (!r.ok) refused.push({ ...piece[r.index]!, errors: r.errors });
        }
        await this.store.saveErrors(trx, run.id, refused, secretColumns(run));
        await this.store.count(
          trx,
          run.id,
          {
            rows_processed: processed,
            rows_created: created,
            rows_updated: updated,
            rows_failed: refused.length,
          },
          last ? batch.bytes : run.bytesProcessed,
        );
        run.written += created + updated;
        run.committed = true;
      });
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

  /** allOrNone: in one transaction on PostgreSQL, in steps on PGlite. */
  async writeAllOrNone(run: Run): Promise<void> {
    if (this.pglite) await this.writeInSteps(run);
    else await this.writeInOne(run);
  }

  /**
   * allOrNone on PostgreSQL: one pass over the file, every batch checked and written in one
   * transaction that also completes the job. A bad row rolls it back, and the rest of the file
   * is only checked.
   */
  private async writeInOne(run: Run): Promise<void> {
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
    const pacer = new Pacer(this.pglite);
    // The counts of the batches written (and rolled back) before.
    await this.store.progress(run.id, {
      phase: 'validating',
      rows_processed: run.rowsProcessed,
      bytes_processed: run.bytesProcessed,
    });
    let failed = await this.checkBatch(run, refused.batch, refused.unchecked, refused.bad, pacer);
    for await (const batch of batches) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      failed += await this.checkBatch(run, batch, good, bad, pacer);
    }
    await this.refuse(run, failed);
  }

  /** A batch's rows checked (nothing written), its bad rows saved for the report; how many were bad. */
  private async checkBatch(run: Run, batch: Batch, good: GoodRow[], bad: BadRow[], pacer: Pacer): Promise<number> {
    const failed = await this.inPieces(batch, good, bad, pacer, async (trx, piece, refused, processed, last) => {
      if (piece.length) {
        const { errors } = await this.writer.check(trx, run.object, request(run, piece, false), run.caller);
        errors.forEach((e, i) => e.length && refused.push({ ...piece[i]!, errors: e }));
      }
      await this.store.saveErrors(trx, run.id, refused, secretColumns(run));
      await this.store.count(
        trx,
        run.id,
        { rows_processed: processed, rows_failed: refused.length },
        last ? batch.bytes : run.bytesProcessed,
      );
    });
    this.advance(run, batch);
    return failed;
  }

  /** allOrNone with bad rows: the job fails, pointing at its report. */
  private async refuse(run: Run, failed: number): Promise<void> {
    await this.store.progress(run.id, {
      status: 'failed',
      phase: null,
      rows_total: run.rowsProcessed,
      finished_at: this.knex.fn.now(),
      error: `${failed} row${failed > 1 ? 's are' : ' is'} not valid; nothing was imported (see the error report)`,
    });
  }

  /**
   * allOrNone on PGlite (see the top of this file): every row checked in short transactions;
   * then, all accepted, the decision (`applying`), and the rows written chunk by chunk.
   */
  private async writeInSteps(run: Run): Promise<void> {
    run.phase = 'checking';
    await this.store.progress(run.id, { phase: 'checking' });
    const keys = new KeysSeen(run);
    const pacer = new Pacer(true);
    let failed = 0;
    for await (const batch of readBatches(run.file)) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      failed += await this.checkBatch(run, batch, good, bad, pacer);
      if (failed) run.phase = 'validating';
    }
    if (failed) return await this.refuse(run, failed);

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
    await this.analyze(run.object, run.written);
  }

  /**
   * The accepted file written again, a chunk a transaction: each chunk through BulkWriter as a
   * bulk request (checked again against what others changed since), logged for an undo, and
   * counted, so polls see rowsCreated and rowsUpdated climb.
   */
  private async apply(run: Run): Promise<void> {
    const rows = this.rowWriter(run);
    const pacer = new Pacer(true);
    const key = run.upsertOn === undefined ? undefined : run.object.fields.get(run.upsertOn)!.columns[0]!;
    let chunk = 0;
    for await (const batch of readBatches(run.file)) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows);
      // The file was read the same way a moment ago; only the file changing could get here.
      if (bad.length) throw new RowsRefused(batch, bad, []);
      await this.inPieces(batch, good, [], pacer, async (trx, piece) => {
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
          result = await this.writer.write(trx, run.object, request(run, piece, true), run.caller, rows.insert);
          await rows.flush();
        } catch (e) {
          await rows.abandon();
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
   * A batch's good rows in pieces as the pacer sizes them, each in a transaction of its own with
   * `work`: the first piece also carries the batch's unreadable rows (`refused`, to which work
   * adds), the last is the one that reads to the batch's end. The number of rows refused.
   */
  private async inPieces(
    batch: Batch,
    good: GoodRow[],
    bad: BadRow[],
    pacer: Pacer,
    work: (
      trx: Knex.Transaction,
      piece: GoodRow[],
      refused: BadRow[],
      processed: number,
      last: boolean,
    ) => Promise<void>,
  ): Promise<number> {
    let failed = 0;
    let at = 0;
    do {
      const piece = good.slice(at, at + pacer.take(good.length - at));
      const first = at === 0;
      const refused = first ? [...bad] : [];
      at += piece.length;
      await this.knex.transaction(async (trx) => {
        // Timed once the transaction has the connection: the wait for it is other requests' time.
        const started = performance.now();
        // The first piece also counts the batch's rows not among `good`: refused already, or (the
        // batch whose write refused rows in the one allOrNone transaction) not to be checked again.
        const processed = piece.length + (first ? batch.rows.length - good.length : 0);
        await work(trx, piece, refused, processed, at >= good.length);
        pacer.took(piece.length, performance.now() - started);
      });
      failed += refused.length;
    } while (at < good.length);
    return failed;
  }

  private advance(run: Run, batch: Batch): void {
    run.rowsProcessed += batch.rows.length;
    run.bytesProcessed = batch.bytes;
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
