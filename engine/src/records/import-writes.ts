import type { Knex } from 'knex';
import { Problem } from '../errors.js';
import type { Logger } from '../lib/log.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { BulkWriter } from './bulk.js';
import { translateDbError } from './db-errors.js';
import { readBatches, type Batch } from './import-file.js';
import { ImportBatches, RowsRefused, Stopping } from './import-batches.js';
import { byRow, KeysSeen, Pacer, prepare, request, secretColumns, type Run } from './import-rows.js';
import type { ImportStore } from './import-store.js';
import { ImportSteps } from './import-steps.js';

/**
 * How an import writes its file, through BulkWriter (the same checks, rollups and writes as POST
 * …/bulk) with new rows sent by COPY where the database takes it (copy-writer.ts):
 *
 *   allOrNone (default)  PostgreSQL: every batch is checked and written in ONE transaction, which
 *                        also marks the job completed; other requests see all rows at once or
 *                        none. The first bad row rolls it back; the rest of the file is then only
 *                        checked, batch by batch, so the error report is complete.
 *                        Embedded PGlite: in steps, each a short transaction, written only
 *                        once every row is accepted, undone on a later refusal (import-steps.ts).
 *   skipBadRows          each batch is checked and its good rows written in its own transaction
 *                        (on PGlite, pieces of a batch short enough for others to interleave),
 *                        with the batch's error rows and the job's progress.
 *
 * Unique fields (and the upsert key) are also checked between rows of the file, not only within
 * a batch; the keys seen are kept in memory for the length of the job.
 */

/** How often a job open in one transaction writes its progress (and heartbeat) to its row. */
const HEARTBEAT_MS = 1000;

export class ImportWrites {
  private readonly batches: ImportBatches;
  private readonly steps: ImportSteps;

  constructor(
    private readonly knex: Knex,
    schema: string,
    private readonly writer: BulkWriter,
    private readonly store: ImportStore,
    metadata: () => CompiledMetadata,
    logger: Logger,
    /** Embedded PGlite: one connection, and no COPY FROM STDIN. */
    private readonly pglite: boolean,
    /** The engine is shutting down: a run stops between batches. */
    private readonly stopping: () => boolean,
  ) {
    this.batches = new ImportBatches(knex, schema, writer, store, pglite);
    this.steps = new ImportSteps(knex, schema, store, metadata, logger, this.batches, stopping);
  }

  /**
   * skipBadRows: each batch (on PGlite, each piece of one) in its own transaction, with its error
   * rows and the job's counts.
   */
  async writeEachBatch(run: Run): Promise<void> {
    const keys = new KeysSeen(run);
    const rows = this.batches.rowWriter(run);
    const pacer = new Pacer(this.pglite);
    for await (const batch of readBatches(run.file)) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      await this.batches.inPieces(batch, good, bad, pacer, async (trx, piece, refused, processed, last) => {
        let created = 0;
        let updated = 0;
        if (piece.length) {
          const result = await this.batches.write(trx, run, rows, piece, false);
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
      this.batches.advance(run, batch);
    }
    await this.store.progress(run.id, {
      status: 'completed',
      phase: null,
      rows_total: run.rowsProcessed,
      finished_at: this.knex.fn.now(),
    });
    await this.batches.analyze(run.object, run.written);
  }

  /** allOrNone: in one transaction on PostgreSQL, in steps on PGlite. */
  async writeAllOrNone(run: Run): Promise<void> {
    if (this.pglite) await this.steps.write(run);
    else await this.writeInOne(run);
  }

  /**
   * allOrNone on PostgreSQL: one pass over the file, every batch checked and written in one
   * transaction that also completes the job. A bad row rolls it back, and the rest of the file
   * is only checked.
   */
  private async writeInOne(run: Run): Promise<void> {
    const keys = new KeysSeen(run);
    const rows = this.batches.rowWriter(run);
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
            this.batches.advance(run, batch);
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
    else await this.batches.analyze(run.object, run.written);
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
    let failed = await this.batches.checkBatch(run, refused.batch, refused.unchecked, refused.bad, pacer);
    for await (const batch of batches) {
      if (this.stopping()) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      failed += await this.batches.checkBatch(run, batch, good, bad, pacer);
    }
    await this.batches.refuse(run, failed);
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
}
