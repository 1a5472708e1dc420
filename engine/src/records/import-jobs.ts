import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { badRequest, notFound, Problem } from '../errors.js';
import { uuidv7 } from '../lib/ids.js';
import type { Logger } from '../lib/log.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { Caller } from '../security/caller.js';
import { BulkWriter, checkUpsertOn } from './bulk.js';
import { serverIsPGlite } from './copy-writer.js';
import { CsvError } from 'csv-parse';
import { CsvSyntaxError } from './csv-reader.js';
import { mapHeaders, parseMapping } from './csv-import.js';
import {
  MAX_IMPORT_BYTES,
  readHeader,
  saveUpload,
  tempFolder,
  tempFolders,
  tooLarge,
  type Upload,
} from './import-file.js';
import { ImportStore, type ImportJob, type ImportMode } from './import-store.js';
import type { Run } from './import-rows.js';
import { Stopping } from './import-batches.js';
import { ImportWrites } from './import-writes.js';
import { refuseUneditable } from '../security/field-guard.js';
import { systemCaller } from '../security/system-caller.js';
import { AppliedLog } from './import-undo.js';

/**
 * CSV import as a background job. The request only stores the upload in a private temp folder,
 * reads its header row (an unknown header is a 400 before any job exists) and records the job;
 * the 202 goes out and the job runs in this process, reading the file in batches
 * (import-file.ts), written by the job's mode (import-writes.ts), its state kept in the job row
 * (import-store.ts). On PostgreSQL the file is read once and each row checked once; an
 * allOrNone job on embedded PGlite reads and checks it twice (all rows, then each chunk as it is
 * written), so that no transaction of it is long.
 *
 * Progress is the share of the file's bytes read, kept in memory for polls and written to the
 * job row: with each short transaction on PGlite (and, once applying, rowsCreated/rowsUpdated
 * climb); on PostgreSQL, from a second connection about once a second while the allOrNone
 * transaction is open. That write is also the job's heartbeat.
 *
 * Housekeeping (`recover` on start, then every minute): a job left queued or running by a process
 * that stopped is marked failed (at once on embedded PGlite, where no other process can be running
 * it; after STALE_MS without a heartbeat on PostgreSQL) after what it had applied is undone,
 * finished jobs are deleted with their error rows after the retention period, and temp folders of
 * finished jobs are removed.
 */

export type { ImportJob } from './import-store.js';
export { MAX_IMPORT_BYTES, type Upload } from './import-file.js';

export interface ImportOptions {
  mode?: unknown;
  upsertOn?: unknown;
  mapping?: unknown;
}

export interface ImportHousekeeping {
  /** Finished jobs and their error reports are deleted this long after they finished. */
  retentionMs?: number;
  /** PostgreSQL: a queued or running job without a heartbeat for this long is taken as orphaned. */
  staleMs?: number;
  /** How often housekeeping runs; 0 turns the timer off (it still runs from `recover`). */
  intervalMs?: number;
  /** Where uploads wait in folders of their own, and housekeeping looks for those left behind. */
  folder?: string;
}

const DAY_MS = 86_400_000;
const DEFAULT_HOUSEKEEPING: Required<ImportHousekeeping> = {
  retentionMs: 7 * DAY_MS,
  staleMs: 2 * 60_000,
  intervalMs: 60_000,
  folder: os.tmpdir(),
};

export class ImportJobs {
  private readonly writer: BulkWriter;
  private readonly store: ImportStore;
  private readonly applied: AppliedLog;
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
    private readonly logger: Logger,
    housekeeping: ImportHousekeeping = {},
  ) {
    this.writer = new BulkWriter(knex, schema, metadata, corporateCurrency);
    this.store = new ImportStore(knex, schema);
    this.applied = new AppliedLog(knex, schema);
    this.housekeeping = { ...DEFAULT_HOUSEKEEPING, ...housekeeping };
  }

  /** Embedded PGlite takes no COPY FROM STDIN and has one connection; asked once. */
  private pglite(): Promise<boolean> {
    this.server ??= serverIsPGlite(this.knex).then((pglite) => ({ pglite }));
    return this.server.then((s) => s.pglite);
  }

  private async writes(): Promise<ImportWrites> {
    return new ImportWrites(
      this.knex,
      this.schema,
      this.writer,
      this.store,
      this.metadata,
      this.logger,
      await this.pglite(),
      () => this.closing,
    );
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
      throw new Problem('service-unavailable', 'the server is shutting down; send the file again in a moment');

    const id = uuidv7();
    const dir = await tempFolder(this.housekeeping.folder, id);
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
      job = await this.store.insert({
        id,
        object: object.def.apiName,
        status: 'queued',
        mode,
        upsert_on: upsertOn ?? null,
        headers: JSON.stringify(headers),
        created_by: caller.userId,
        bytes_total: bytes,
      });
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
      .catch((err: unknown) => this.logger.error({ err, job: id }, 'an import failed'))
      .finally(() =>
        fs.promises
          .rm(dir, { recursive: true, force: true })
          .catch((err: unknown) => this.logger.error({ err, job: id }, 'an import folder was not removed')),
      )
      .finally(() => this.live.delete(id));
    this.live.set(id, { run, done });
    return job;
  }

  /** A job by id; with `createdBy`, only that user's job (another's reads as missing). */
  async get(id: string, createdBy?: string): Promise<ImportJob> {
    const job = await this.store.find(id, createdBy);
    // A running job's progress may be ahead of its row (allOrNone writes the row at commit).
    const run = this.live.get(id)?.run;
    if (run && job.status === 'running') {
      job.phase = run.phase;
      job.rowsProcessed = Math.max(job.rowsProcessed, run.rowsProcessed);
      job.bytesProcessed = Math.max(job.bytesProcessed, run.bytesProcessed);
    }
    return job;
  }

  /** The rows the job refused, as CSV, to fix and import again (import-store.ts). */
  errorReport(id: string, createdBy?: string) {
    return this.store.errorReport(id, createdBy);
  }

  private async run(run: Run): Promise<void> {
    try {
      if (this.closing) throw new Stopping();
      await this.store.progress(run.id, { status: 'running', phase: 'writing' });
      const writes = await this.writes();
      if (run.mode === 'skipBadRows') await writes.writeEachBatch(run);
      else await writes.writeAllOrNone(run);
    } catch (e) {
      let message = 'the import stopped on an error on our side';
      if (e instanceof Stopping) message = 'the server stopped during the import';
      else if (e instanceof CsvError || e instanceof CsvSyntaxError)
        message = `the file is not valid CSV: ${e.message}`;
      else if (e instanceof Problem) message = e.detail;
      else this.logger.error({ err: e, job: run.id }, 'an import failed');
      const stopped = run.committed ? '; the rows before it were imported' : '; nothing was imported';
      await this.store
        .progress(run.id, {
          status: 'failed',
          phase: null,
          error: message + stopped,
          finished_at: this.knex.fn.now(),
          rows_processed: run.rowsProcessed,
          bytes_processed: run.bytesProcessed,
        })
        .catch((err: unknown) => this.logger.error({ err, job: run.id }, 'a failed import was not recorded'));
    }
  }

  /** On start: housekeeping once, then every `intervalMs`. */
  async recover(): Promise<void> {
    await this.sweep();
    if (this.housekeeping.intervalMs > 0 && !this.closing) {
      this.timer = setInterval(
        () => void this.sweep().catch((err: unknown) => this.logger.error({ err }, 'import housekeeping failed')),
        this.housekeeping.intervalMs,
      );
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
    // One process owns an embedded database: a job it is not running is running nowhere.
    const stale = pglite ? undefined : new Date(now.getTime() - this.housekeeping.staleMs);
    let undone = 0;
    for (const job of await this.store.applyingOrphans(mine, stale)) undone += await this.undoOrphan(job, now);
    const orphaned = undone + (await this.store.markOrphans(mine, stale, now));
    const byJob = await tempFolders(this.housekeeping.folder, mine);
    const done = byJob.size ? await this.store.finished([...byJob.keys()]) : [];
    for (const id of done) await fs.promises.rm(byJob.get(id)!, { recursive: true, force: true });
    const expired = await this.store.deleteFinished(new Date(now.getTime() - this.housekeeping.retentionMs));
    const folders = done.length;
    return { orphaned, expired, folders };
  }

  /**
   * An allOrNone job that stopped while writing in steps (embedded PGlite, import-steps.ts): what
   * it wrote is undone before it is marked failed, so it leaves nothing behind. 1 when marked.
   */
  private async undoOrphan(job: { id: string; object: string; created_by: string }, now: Date): Promise<number> {
    const failed = { status: 'failed', phase: null, finished_at: now, rows_created: 0, rows_updated: 0 };
    const metadata = this.metadata();
    const object = metadata.objects.get(job.object);
    try {
      if (!object) throw new Error(`the object ${job.object} no longer exists`);
      const caller = { ...systemCaller(metadata, 'import'), userId: job.created_by };
      await this.applied.undo(job.id, object, metadata, caller);
    } catch (err) {
      this.logger.error({ err, job: job.id }, 'an interrupted import was not undone');
      await this.store.progress(job.id, {
        ...failed,
        error: `the server stopped during the import; the rows written could not all be removed (${(err as Error).message})`,
      });
      return 1;
    }
    await this.store.progress(job.id, {
      ...failed,
      error: 'the server stopped during the import; nothing was imported',
    });
    return 1;
  }

  /** Stops housekeeping and the running jobs (each rolls back and is marked failed); before the database closes. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.all([...this.live.values()].map((j) => j.done));
  }
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
