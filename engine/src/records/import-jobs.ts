import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import type { Knex } from 'knex';
import { badRequest, notFound, Problem, type FieldError } from '../errors.js';
import type { CompiledField, CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { uuidv7 } from '../metadata/ids.js';
import { BulkWriter, checkUpsertOn, type BulkRequest, type BulkResult } from './bulk.js';
import { RowWriter, serverIsPGlite } from './copy-writer.js';
import { csvLine, numberCell, textCell } from './csv.js';
import { CsvRecordReader, CsvSyntaxError } from './csv-reader.js';
import { coerceRow, mapHeaders, parseMapping, type ImportColumn } from './csv-import.js';
import { translateDbError } from './db-errors.js';
import { validateBody } from './record-validator.js';
import type { Caller } from './caller.js';
import { refuseUneditable } from '../security/field-guard.js';

/**
 * CSV import as a background job. The request only stores the upload in a private temp folder,
 * reads its header row (an unknown header is a 400 before any job exists) and records the job;
 * the 202 goes out and the job runs in this process, reading the file once, in batches, every
 * batch through BulkWriter (the same checks, rollups and writes as POST …/bulk, nothing around
 * them) with its new rows sent by COPY (copy-writer.ts). Each row is checked once.
 *
 *   allOrNone (default)  every batch is checked and written in ONE transaction, which also marks
 *                        the job completed. The first bad row rolls it back; the rest of the file
 *                        is then only checked, batch by batch, so the error report is complete.
 *   skipBadRows          each batch is checked and its good rows written in its own transaction,
 *                        with the batch's error rows and the job's progress.
 *
 * Progress is the share of the file's bytes read, kept in memory for polls and, where a second
 * connection is to be had (PostgreSQL), written to the job row about once a second while the
 * transaction is open; that write is also the job's heartbeat. Embedded PGlite has one
 * connection, so there a poll waits for an allOrNone transaction as it waits for a bulk request.
 *
 * Unique fields (and the upsert key) are also checked between rows of the file, not only within
 * a batch; the keys seen are kept in memory for the length of the job.
 *
 * Housekeeping (`recover` on start, then every minute): a job left queued or running by a process
 * that stopped is marked failed (at once on embedded PGlite, where no other process can be running
 * it; after STALE_MS without a heartbeat on PostgreSQL), finished jobs are deleted with their
 * error rows after the retention period, and temp folders of finished jobs are removed.
 */

export type ImportMode = 'allOrNone' | 'skipBadRows';
export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';
/** What a running job is doing: writing rows, or (allOrNone, after a bad row) only checking the rest. */
export type ImportPhase = 'writing' | 'validating';

export interface ImportJob {
  id: string;
  object: string;
  status: ImportStatus;
  phase: ImportPhase | null;
  mode: ImportMode;
  upsertOn: string | null;
  /** Data rows in the file (the header row not counted); null until the whole file is read. */
  rowsTotal: number | null;
  /** Rows read and checked (and, in skipBadRows, written) so far. */
  rowsProcessed: number;
  rowsCreated: number;
  rowsUpdated: number;
  rowsFailed: number;
  /** The uploaded file's size; progress is bytesProcessed / bytesTotal. */
  bytesTotal: number | null;
  /** Bytes of the file read so far. */
  bytesProcessed: number;
  /** Why the job failed when no single row is to blame (an unreadable file, say). */
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface ImportOptions {
  mode?: unknown;
  upsertOn?: unknown;
  mapping?: unknown;
}

export interface Upload {
  body: Readable;
  /** Content-Length, when the client sent one: a too-large file is refused before it is read. */
  length?: number;
}

export interface ImportHousekeeping {
  /** Finished jobs and their error reports are deleted this long after they finished. */
  retentionMs?: number;
  /** PostgreSQL: a queued or running job without a heartbeat for this long is taken as orphaned. */
  staleMs?: number;
  /** How often housekeeping runs; 0 turns the timer off (it still runs from `recover`). */
  intervalMs?: number;
}

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
/**
 * Rows a batch holds at most; a batch is also cut once its cells reach BATCH_CHARS. Below
 * BulkWriter's ANALYZE threshold (5,000), so a pipelined batch sends no ANALYZE of its own.
 */
const BATCH = 2000;
const BATCH_CHARS = 4_000_000;
/** Imports writing at least this many rows refresh the table's planner statistics when done. */
const ANALYZE_AFTER = 10_000;
/** A record longer than this is a broken file (an unclosed quote swallowing the rest), not data. */
const MAX_RECORD_CHARS = 8_000_000;
/** How often a job open in one transaction writes its progress (and heartbeat) to its row. */
const HEARTBEAT_MS = 1000;
const REPORT_BATCH = 1000;
const DAY_MS = 86_400_000;
const DEFAULT_HOUSEKEEPING: Required<ImportHousekeeping> = {
  retentionMs: 7 * DAY_MS,
  staleMs: 2 * 60_000,
  intervalMs: 60_000,
};
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Temp folders are named after their job, so housekeeping can tell whose they are. */
const TEMP_PREFIX = 'tessera-import-';
const TEMP_DIR = /^tessera-import-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-/;

interface CsvRow {
  /** The row number a spreadsheet shows: the header is row 1. */
  row: number;
  cells: string[];
}
interface BadRow extends CsvRow {
  errors: FieldError[];
}
interface Batch {
  rows: CsvRow[];
  /** Bytes of the file read once this batch is. */
  bytes: number;
}
/** What a run needs besides the job row. */
interface Run {
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
class RowsRefused {
  constructor(
    readonly batch: Batch,
    readonly bad: BadRow[],
    readonly unchecked: (CsvRow & { body: Row })[],
  ) {}
}
/** Thrown by a run when the engine is shutting down. */
class Stopping extends Error {}

export class ImportJobs {
  private readonly writer: BulkWriter;
  private readonly housekeeping: Required<ImportHousekeeping>;
  /** Jobs running in this process, by id. */
  private readonly live = new Map<string, { run: Run; done: Promise<void> }>();
  private server?: Promise<{ pglite: boolean }>;
  private timer?: NodeJS.Timeout;
  private closing = false;

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: () => CompiledMetadata,
    corporateCurrency: () => string,
    housekeeping: ImportHousekeeping = {},
  ) {
    this.writer = new BulkWriter(knex, schema, metadata, corporateCurrency);
    this.housekeeping = { ...DEFAULT_HOUSEKEEPING, ...housekeeping };
  }

  private get jobs() {
    return `${this.schema}._import_jobs`;
  }

  private get errorRows() {
    return `${this.schema}._import_errors`;
  }

  /** Embedded PGlite takes no COPY FROM STDIN and has one connection; asked once. */
  private pglite(): Promise<boolean> {
    this.server ??= serverIsPGlite(this.knex).then((pglite) => ({ pglite }));
    return this.server.then((s) => s.pglite);
  }

  /** Stores the upload, checks its header row, records the job and starts it; the job's first state. */
  async start(objectName: string, upload: Upload, options: ImportOptions, caller: Caller): Promise<ImportJob> {
    const object = this.metadata().objects.get(objectName);
    if (!object) throw notFound(`object "${objectName}" does not exist`);
    const mode = parseMode(options.mode);
    const upsertOn = options.upsertOn === undefined || options.upsertOn === '' ? undefined : options.upsertOn;
    if (upsertOn !== undefined) checkUpsertOn(object, upsertOn, 'upsertOn', caller.access);
    const mapping = parseMapping(options.mapping);
    if (upload.length !== undefined && upload.length > MAX_IMPORT_BYTES) throw tooLarge();
    if (this.closing)
      throw new Problem(503, 'Service unavailable', 'the server is shutting down; send the file again in a moment');

    const id = uuidv7();
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), `${TEMP_PREFIX}${id}-`));
    const file = path.join(dir, 'upload.csv');
    let run: Run;
    let job: ImportJob;
    try {
      const bytes = await saveUpload(upload.body, file);
      const headers = await readHeader(file);
      if (!headers || headers.every((h) => h.trim() === '')) {
        throw badRequest('the file has no header row; its first line must name the columns', [
          { field: '/', code: 'noHeader', message: 'the first line names the fields, for example name,amount' },
        ]);
      }
      const columns = mapHeaders(object, headers, mapping, caller.access);
      // Field-level security before any row is read: a column the importer may not edit refuses the file.
      const named = columns.flatMap((c) => (c.field ? [c.field.def.apiName] : []));
      refuseUneditable(object, caller.access, named, 'nothing was imported');
      if (upsertOn !== undefined && !columns.some((c) => c.field?.def.apiName === upsertOn)) {
        throw badRequest(`upsertOn is ${upsertOn}, but no column of the file fills it`, [
          { field: 'upsertOn', code: 'missingColumn', message: `add a ${upsertOn} column, or map one to it` },
        ]);
      }
      const [row] = await this.knex(this.jobs)
        .insert({
          id,
          object: object.def.apiName,
          status: 'queued',
          mode,
          upsert_on: upsertOn ?? null,
          headers: JSON.stringify(headers),
          created_by: caller.userId,
          bytes_total: bytes,
        })
        .returning('*');
      job = toJob(row);
      run = {
        id,
        object,
        mode,
        ...(upsertOn !== undefined ? { upsertOn } : {}),
        columns,
        headerCount: headers.length,
        file,
        caller: { ...caller, via: 'import' },
        written: 0,
        phase: 'writing',
        rowsProcessed: 0,
        bytesProcessed: 0,
        beatAt: 0,
      };
    } catch (e) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      throw e;
    }
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.run(run))
      .catch((e) => console.error(e))
      .finally(() => fs.promises.rm(dir, { recursive: true, force: true }).catch((e) => console.error(e)))
      .finally(() => this.live.delete(id));
    this.live.set(id, { run, done });
    return job;
  }

  /** A job by id; with `createdBy`, only that user's job (another's reads as missing). */
  async get(id: string, createdBy?: string): Promise<ImportJob> {
    const row = UUID.test(id)
      ? await this.knex(this.jobs)
          .where({ id, ...(createdBy ? { created_by: createdBy } : {}) })
          .first()
      : undefined;
    if (!row) throw notFound(`import ${id} does not exist`);
    const job = toJob(row);
    // A running job's progress may be ahead of its row (allOrNone writes the row at commit).
    const run = this.live.get(id)?.run;
    if (run && job.status === 'running') {
      job.phase = run.phase;
      job.rowsProcessed = Math.max(job.rowsProcessed, run.rowsProcessed);
      job.bytesProcessed = Math.max(job.bytesProcessed, run.bytesProcessed);
    }
    return job;
  }

  /**
   * The rows the job refused, as CSV: row number, the fields at fault, the messages, then the
   * row's own cells under the file's own headers, so it can be fixed and imported again.
   */
  async errorReport(id: string, createdBy?: string): Promise<{ filename: string; chunks: AsyncGenerator<string> }> {
    const job = UUID.test(id)
      ? await this.knex(this.jobs)
          .where({ id, ...(createdBy ? { created_by: createdBy } : {}) })
          .first('headers')
      : undefined;
    if (!job) throw notFound(`import ${id} does not exist`);
    const knex = this.knex;
    const table = this.errorRows;
    // Rows with more cells than the header get extra columns, so the report stays rectangular.
    const headers = job.headers as string[];
    const [{ widest }] = await knex(table)
      .where({ job_id: id })
      .select(knex.raw('coalesce(max(jsonb_array_length(cells)), 0)::int as widest'));
    const width = Math.max(headers.length, widest as number);
    const extra = Array.from({ length: width - headers.length }, (_, i) => `(extra ${i + 1})`);
    async function* chunks(): AsyncGenerator<string> {
      yield csvLine(['row', 'fields', 'errors', ...headers, ...extra].map(textCell));
      let after = 0;
      for (;;) {
        const rows: { row: number; errors: FieldError[]; cells: string[] }[] = await knex(table)
          .where({ job_id: id })
          .where('row', '>', after)
          .orderBy('row')
          .limit(REPORT_BATCH)
          .select('row', 'errors', 'cells');
        if (rows.length) {
          yield rows
            .map((r) =>
              csvLine([
                numberCell(r.row),
                textCell([...new Set(r.errors.map((e) => e.field).filter((f) => f !== ''))].join(';')),
                textCell(r.errors.map((e) => e.message).join('; ')),
                ...Array.from({ length: width }, (_, i) => textCell(r.cells[i] ?? '')),
              ]),
            )
            .join('');
        }
        if (rows.length < REPORT_BATCH) return;
        after = rows[rows.length - 1]!.row;
      }
    }
    return { filename: `import-${id}-errors.csv`, chunks: chunks() };
  }

  private async run(run: Run): Promise<void> {
    try {
      if (this.closing) throw new Stopping();
      await this.progress(run.id, { status: 'running', phase: 'writing' });
      if (run.mode === 'skipBadRows') await this.writeEachBatch(run);
      else await this.writeAllOrNone(run);
    } catch (e) {
      let message = 'the import stopped on an error on our side';
      if (e instanceof Stopping) message = 'the server stopped during the import';
      else if (e instanceof CsvError || e instanceof CsvSyntaxError)
        message = `the file is not valid CSV: ${e.message}`;
      else if (e instanceof Problem) message = e.detail;
      else console.error(e);
      const stopped = run.committed ? '; the rows before it were imported' : '; nothing was imported';
      await this.progress(run.id, {
        status: 'failed',
        phase: null,
        error: message + stopped,
        finished_at: this.knex.fn.now(),
        rows_processed: run.rowsProcessed,
        bytes_processed: run.bytesProcessed,
      }).catch((err) => console.error(err));
    }
  }

  /** skipBadRows: each batch in its own transaction, with its error rows and the job's counts. */
  private async writeEachBatch(run: Run): Promise<void> {
    const keys = new KeysSeen(run);
    const rows = this.rowWriter(run, await this.pglite());
    for await (const batch of readBatches(run.file)) {
      if (this.closing) throw new Stopping();
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
        await this.saveErrors(trx, run.id, bad);
        await this.count(
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
    await this.progress(run.id, {
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
  private async writeAllOrNone(run: Run): Promise<void> {
    const keys = new KeysSeen(run);
    const pglite = await this.pglite();
    const rows = this.rowWriter(run, pglite);
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
            if (this.closing) throw new Stopping();
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
            if (this.secondConnection(pglite) && Date.now() - run.beatAt >= HEARTBEAT_MS) await this.beat(run);
          }
          await rows.flush();
        } catch (e) {
          // Nothing may be left running on the connection when the ROLLBACK is sent.
          await rows.abandon();
          throw e;
        }
        run.written = created + updated;
        await trx(this.jobs).where({ id: run.id }).update({
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
  private rowWriter(run: Run, pglite: boolean): RowWriter {
    const fields = [...run.object.fields.values()];
    const quiet =
      run.upsertOn === undefined &&
      run.object.summarisedBy.length === 0 &&
      !fields.some((f) => f.def.target !== undefined || f.def.unique);
    return new RowWriter(this.schema, pglite ? 'insert' : 'copy', !pglite && quiet);
  }

  /**
   * A write the checks let through but the database refused (another request took a unique
   * value, a lookup target was deleted meanwhile): the transaction is rolled back and the job
   * fails with the database's reason. Anything else is an error on our side.
   */
  private async failOnWrite(run: Run, e: unknown): Promise<void> {
    const problem = translateDbError(run.object, e);
    if (!(problem instanceof Problem) || problem.status !== 422) throw e;
    await this.progress(run.id, {
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
        await this.saveErrors(trx, run.id, bad);
        // The first call also sets the counts of the batches written (and rolled back) before.
        if (first)
          await trx(this.jobs)
            .where({ id: run.id })
            .update({ phase: 'validating', rows_processed: run.rowsProcessed, bytes_processed: run.bytesProcessed });
        await this.count(trx, run.id, { rows_processed: batch.rows.length, rows_failed: bad.length }, batch.bytes);
      });
      failed += bad.length;
      this.advance(run, batch);
    };
    await check(refused.batch, refused.unchecked, refused.bad, true);
    for await (const batch of batches) {
      if (this.closing) throw new Stopping();
      const { good, bad } = prepare(run, batch.rows, keys);
      await check(batch, good, bad, false);
    }
    await this.progress(run.id, {
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
  private secondConnection(pglite: boolean): boolean {
    const pool = (this.knex.client as { config?: { pool?: { max?: number } } }).config?.pool;
    return !pglite && (pool?.max ?? 10) > 1;
  }

  /** Progress and heartbeat, outside the job's transaction. */
  private async beat(run: Run): Promise<void> {
    run.beatAt = Date.now();
    await this.progress(run.id, { rows_processed: run.rowsProcessed, bytes_processed: run.bytesProcessed });
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

  private async saveErrors(trx: Knex.Transaction, id: string, bad: BadRow[]): Promise<void> {
    if (!bad.length) return;
    await trx(this.errorRows).insert(
      bad.map((b) => ({
        job_id: id,
        row: b.row,
        errors: JSON.stringify(b.errors.map((e) => ({ ...e, message: storable(e.message) }))),
        cells: JSON.stringify(b.cells.map(storable)),
      })),
    );
  }

  /** Adds to the job's counts; `bytes` is how far into the file the job has read. */
  private async count(trx: Knex.Transaction, id: string, by: Record<string, number>, bytes: number): Promise<void> {
    const update: Record<string, unknown> = { updated_at: trx.fn.now(), bytes_processed: bytes };
    for (const [column, n] of Object.entries(by)) update[column] = trx.raw('?? + ?', [column, n]);
    await trx(this.jobs).where({ id }).update(update);
  }

  private async progress(id: string, values: Row): Promise<void> {
    await this.knex(this.jobs)
      .where({ id })
      .update({ ...values, updated_at: this.knex.fn.now() });
  }

  /** On start: housekeeping once, then every `intervalMs`. */
  async recover(): Promise<void> {
    await this.sweep();
    if (this.housekeeping.intervalMs > 0 && !this.closing) {
      this.timer = setInterval(() => void this.sweep().catch((e) => console.error(e)), this.housekeeping.intervalMs);
      this.timer.unref();
    }
  }

  /**
   * Marks orphaned jobs failed, deletes finished jobs past the retention period (their error rows
   * go with them) and removes the temp folders of jobs that are no longer running. `now` is for
   * tests. Returns what it did.
   */
  async sweep(now = new Date()): Promise<{ orphaned: number; expired: number; folders: number }> {
    const pglite = await this.pglite();
    const mine = [...this.live.keys()];
    const stale = new Date(now.getTime() - this.housekeeping.staleMs);
    const orphans = this.knex(this.jobs).whereIn('status', ['queued', 'running']).whereNotIn('id', mine);
    // One process owns an embedded database: a job it is not running is running nowhere.
    if (!pglite) orphans.where('updated_at', '<', stale);
    const orphaned = await orphans.update({
      status: 'failed',
      phase: null,
      finished_at: now,
      updated_at: now,
      error: this.knex.raw(
        "'the server stopped during the import; ' || case when rows_created + rows_updated > 0 and mode = 'skipBadRows' then 'the rows before it were imported' else 'nothing was imported' end",
      ),
    });
    const folders = await this.removeTempFolders(mine);
    const expired = await this.knex(this.jobs)
      .whereIn('status', ['completed', 'failed'])
      .where('finished_at', '<', new Date(now.getTime() - this.housekeeping.retentionMs))
      .delete();
    return { orphaned, expired, folders };
  }

  /** Temp folders of this database's jobs that are not running; folders of unknown jobs may be another server's. */
  private async removeTempFolders(running: string[]): Promise<number> {
    const byJob = new Map<string, string>();
    for (const name of await fs.promises.readdir(os.tmpdir()).catch(() => [] as string[])) {
      const id = TEMP_DIR.exec(name)?.[1];
      if (id && !running.includes(id)) byJob.set(id, name);
    }
    if (!byJob.size) return 0;
    const finished: { id: string }[] = await this.knex(this.jobs)
      .whereIn('id', [...byJob.keys()])
      .whereIn('status', ['completed', 'failed'])
      .select('id');
    for (const { id } of finished)
      await fs.promises.rm(path.join(os.tmpdir(), byJob.get(id)!), { recursive: true, force: true });
    return finished.length;
  }

  /** Stops housekeeping and the running jobs (each rolls back and is marked failed); before the database closes. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.live.values()].map((j) => j.done));
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

function parseMode(input: unknown): ImportMode {
  if (input === undefined || input === '') return 'allOrNone';
  if (input === 'allOrNone' || input === 'skipBadRows') return input;
  throw badRequest('mode is allOrNone or skipBadRows', [
    {
      field: 'mode',
      code: 'enum',
      message: 'allOrNone (the default) writes nothing when a row is bad; skipBadRows writes the good rows',
    },
  ]);
}

const tooLarge = () =>
  new Problem(413, 'Payload too large', `a CSV import holds at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB`, [
    { field: '/', code: 'size', message: 'split the file' },
  ]);

/** NUL cannot be stored in jsonb; the report shows U+FFFD in its place. */
const storable = (text: string) => text.replace(/\u0000/g, '\ufffd');

/** Streams the request body to the file, refusing it past MAX_IMPORT_BYTES; the file's size. */
async function saveUpload(body: Readable, file: string): Promise<number> {
  let size = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      callback(size > MAX_IMPORT_BYTES ? tooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(body, limit, fs.createWriteStream(file, { mode: 0o600 }));
  } catch (e) {
    if (e instanceof Problem) throw e;
    throw badRequest('the upload was interrupted', [{ field: '/', code: 'body', message: 'send the file again' }]);
  }
  return size;
}

const csvParser = () =>
  parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_CHARS });

async function readHeader(file: string): Promise<string[] | undefined> {
  const source = fs.createReadStream(file, { highWaterMark: 64 * 1024 });
  const parser = csvParser();
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const record of parser) return record as string[];
  } catch (e) {
    if (e instanceof CsvError)
      throw badRequest(`the file is not valid CSV: ${e.message}`, [{ field: '/', code: 'csv', message: e.message }]);
    throw e;
  } finally {
    source.destroy();
    parser.destroy();
  }
  return undefined;
}

/**
 * The data rows in batches of at most BATCH rows or BATCH_CHARS characters, numbered as a
 * spreadsheet numbers them, each with how far into the file the reader has read.
 */
async function* readBatches(file: string): AsyncGenerator<Batch> {
  let rows: CsvRow[] = [];
  let chars = 0;
  let row = 0;
  const reader = new CsvRecordReader(MAX_RECORD_CHARS);
  const source = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
  try {
    const chunks: AsyncIterator<Buffer> = source[Symbol.asyncIterator]();
    for (;;) {
      const chunk = await chunks.next();
      const records = chunk.done ? reader.end() : reader.push(chunk.value);
      for (const cells of records) {
        if (++row === 1) continue;
        rows.push({ row, cells });
        for (let i = 0; i < cells.length; i++) chars += cells[i]!.length;
        if (rows.length === BATCH || chars >= BATCH_CHARS) {
          yield { rows, bytes: reader.bytes };
          rows = [];
          chars = 0;
        }
      }
      if (chunk.done) break;
    }
    if (rows.length) yield { rows, bytes: reader.bytes };
  } finally {
    source.destroy();
  }
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

function toJob(row: Row): ImportJob {
  const iso = (v: unknown) => (v == null ? null : new Date(v as string).toISOString());
  return {
    id: row.id as string,
    object: row.object as string,
    status: row.status as ImportStatus,
    phase: (row.phase as ImportPhase | null) ?? null,
    mode: row.mode as ImportMode,
    upsertOn: (row.upsert_on as string | null) ?? null,
    rowsTotal: (row.rows_total as number | null) ?? null,
    rowsProcessed: row.rows_processed as number,
    rowsCreated: row.rows_created as number,
    rowsUpdated: row.rows_updated as number,
    rowsFailed: row.rows_failed as number,
    bytesTotal: row.bytes_total == null ? null : Number(row.bytes_total),
    bytesProcessed: Number(row.bytes_processed ?? 0),
    error: (row.error as string | null) ?? null,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    finishedAt: iso(row.finished_at),
  };
}
