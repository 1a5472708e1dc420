import type { Knex } from 'knex';
import type { CompiledObject } from '../metadata/compile.js';
import type { BulkWriter } from './bulk.js';
import { RowWriter } from './copy-writer.js';
import type { Batch } from './import-file.js';
import { request, secretColumns, type GoodRow, type Pacer, type Run } from './import-rows.js';
import type { BadRow, ImportStore } from './import-store.js';

/**
 * What every import write mode does with a batch (import-writes.ts, import-steps.ts): check it,
 * cut it into paced transactions, count it, and what ends a job — a refusal, the statistics.
 */

/** Imports writing at least this many rows refresh the table's planner statistics when done. */
const ANALYZE_AFTER = 10_000;

/**
 * A bad row while writing allOrNone: thrown inside the one transaction to roll it back (the
 * batch, its bad rows, and its rows still to check), or while applying, to undo the chunks.
 */
export class RowsRefused extends Error {
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

export class ImportBatches {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly writer: BulkWriter,
    private readonly store: ImportStore,
    /** Embedded PGlite: one connection, and no COPY FROM STDIN. */
    private readonly pglite: boolean,
  ) {}

  /**
   * COPY where the database takes it. Pipelined (the next batch checked while this one is
   * written) when checking and writing a batch sends no statement but the insert and its
   * history: no lookups or unique fields to look up, no upsert, no rollups over the object.
   */
  rowWriter(run: Run): RowWriter {
    const fields = [...run.object.fields.values()];
    const quiet =
      run.upsertOn === undefined &&
      run.object.summarisedBy.length === 0 &&
      !fields.some((f) => f.def.target !== undefined || f.def.unique);
    return new RowWriter(this.schema, this.pglite ? 'insert' : 'copy', !this.pglite && quiet);
  }

  /** A batch's rows checked (nothing written), its bad rows saved for the report; how many were bad. */
  async checkBatch(run: Run, batch: Batch, good: GoodRow[], bad: BadRow[], pacer: Pacer): Promise<number> {
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
  async refuse(run: Run, failed: number): Promise<void> {
    await this.store.progress(run.id, {
      status: 'failed',
      phase: null,
      rows_total: run.rowsProcessed,
      finished_at: this.knex.fn.now(),
      error: `${failed} row${failed > 1 ? 's are' : ' is'} not valid; nothing was imported (see the error report)`,
    });
  }

  /**
   * A piece written through BulkWriter, its new rows flushed; on a failure nothing is left
   * running on the connection (the ROLLBACK follows).
   */
  async write(trx: Knex.Transaction, run: Run, rows: RowWriter, piece: GoodRow[], allOrNone: boolean) {
    try {
      const result = await this.writer.write(trx, run.object, request(run, piece, allOrNone), run.caller, rows.insert);
      await rows.flush();
      return result;
    } catch (e) {
      await rows.abandon();
      throw e;
    }
  }

  /**
   * A batch's good rows in pieces as the pacer sizes them, each in a transaction of its own with
   * `work`: the first piece also carries the batch's unreadable rows (`refused`, to which work
   * adds), the last is the one that reads to the batch's end. The number of rows refused.
   */
  async inPieces(
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

  advance(run: Run, batch: Batch): void {
    run.rowsProcessed += batch.rows.length;
    run.bytesProcessed = batch.bytes;
  }

  /**
   * Fresh planner statistics after a large load, as Postgres advises for bulk loads. Embedded
   * PGlite has no autovacuum to do it later: without them a table just filled plans its list
   * and export queries as if it were empty. Only an optimisation, so a failure is ignored.
   */
  async analyze(object: CompiledObject, written: number): Promise<void> {
    if (written < ANALYZE_AFTER) return;
    await this.knex.raw('analyze ??', [`${this.schema}.${object.table}`]).catch(() => undefined);
  }
}
