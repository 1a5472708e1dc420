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
import { BulkWriter, checkUpsertOn, type BulkRequest } from './bulk.js';
import { csvLine, numberCell, textCell } from './csv.js';
import { coerceRow, mapHeaders, parseMapping, type ImportColumn } from './csv-import.js';
import { translateDbError } from './db-errors.js';
import { validateBody } from './record-validator.js';
import type { Caller } from './caller.js';

/**
 * CSV import as a background job. The request only stores the upload in a private temp folder,
 * reads its header row (an unknown header is a 400 before any job exists) and records the job;
 * the 202 goes out and the job runs in this process, in batches of 1,000 rows, every batch
 * through BulkWriter: the same checks and writes as POST …/bulk, nothing around them.
 *
 *   allOrNone (default)  pass 1 checks every row (no writes); a bad row fails the job with the
 *                        error report and nothing is written. Pass 2 writes all rows in ONE
 *                        transaction, which also marks the job completed.
 *   skipBadRows          each batch is checked and its good rows written in its own transaction,
 *                        with the batch's error rows and the job's progress.
 *
 * Only one connection is used at a time (PGlite has one): the file is read between queries, and
 * pass 2 runs every statement on its transaction. While pass 2 is open, other requests on an
 * embedded database wait for it, as they do for a bulk request.
 *
 * Unique fields (and the upsert key) are also checked between rows of the file, not only within
 * a batch; the keys seen are kept in memory for the length of the job.
 */

export type ImportMode = 'allOrNone' | 'skipBadRows';
export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';
/** What a running job is doing: counting rows, checking them (allOrNone pass 1), writing them. */
export type ImportPhase = 'counting' | 'validating' | 'writing';

export interface ImportJob {
  id: string;
  object: string;
  status: ImportStatus;
  phase: ImportPhase | null;
  mode: ImportMode;
  upsertOn: string | null;
  /** Data rows in the file (the header row not counted); null until counted. */
  rowsTotal: number | null;
  /** Rows read and checked (and, in skipBadRows, written) so far. */
  rowsProcessed: number;
  rowsCreated: number;
  rowsUpdated: number;
  rowsFailed: number;
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

export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;
const BATCH = 1000;
/** Imports writing at least this many rows refresh the table's planner statistics when done. */
const ANALYZE_AFTER = 10_000;
/** A record longer than this is a broken file (an unclosed quote swallowing the rest), not data. */
const MAX_RECORD_CHARS = 8_000_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface CsvRow {
  /** The row number a spreadsheet shows: the header is row 1. */
  row: number;
  cells: string[];
}
interface BadRow extends CsvRow {
  errors: FieldError[];
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
}

type Row = Record<string, unknown>;

export class ImportJobs {
  private readonly writer: BulkWriter;

  constructor(private readonly knex: Knex, private readonly schema: string, private readonly metadata: () => CompiledMetadata, corporateCurrency: () => string) {
    this.writer = new BulkWriter(knex, schema, metadata, corporateCurrency);
  }

  private get jobs() {
    return `${this.schema}._import_jobs`;
  }

  private get errorRows() {
    return `${this.schema}._import_errors`;
  }

  /** Stores the upload, checks its header row, records the job and starts it; the job's first state. */
  async start(objectName: string, upload: Upload, options: ImportOptions, caller: Caller): Promise<ImportJob> {
    const object = this.metadata().objects.get(objectName);
    if (!object) throw notFound(`object "${objectName}" does not exist`);
    const mode = parseMode(options.mode);
    const upsertOn = options.upsertOn === undefined || options.upsertOn === '' ? undefined : options.upsertOn;
    if (upsertOn !== undefined) checkUpsertOn(object, upsertOn, 'upsertOn');
    const mapping = parseMapping(options.mapping);
    if (upload.length !== undefined && upload.length > MAX_IMPORT_BYTES) throw tooLarge();

    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tessera-import-'));
    const file = path.join(dir, 'upload.csv');
    let run: Run;
    let job: ImportJob;
    try {
      await saveUpload(upload.body, file);
      const headers = await readHeader(file);
      if (!headers || headers.every((h) => h.trim() === '')) {
        throw badRequest('the file has no header row; its first line must name the columns', [{ field: '/', code: 'noHeader', message: 'the first line names the fields, for example name,amount' }]);
      }
      const columns = mapHeaders(object, headers, mapping);
      if (upsertOn !== undefined && !columns.some((c) => c.field?.def.apiName === upsertOn)) {
        throw badRequest(`upsertOn is ${upsertOn}, but no column of the file fills it`, [{ field: 'upsertOn', code: 'missingColumn', message: `add a ${upsertOn} column, or map one to it` }]);
      }
      const id = uuidv7();
      const [row] = await this.knex(this.jobs).insert({
        id, object: object.def.apiName, status: 'queued', mode, upsert_on: upsertOn ?? null, headers: JSON.stringify(headers), created_by: caller.userId,
      }).returning('*');
      job = toJob(row);
      run = { id, object, mode, ...(upsertOn !== undefined ? { upsertOn } : {}), columns, headerCount: headers.length, file, caller, written: 0 };
    } catch (e) {
      await fs.promises.rm(dir, { recursive: true, force: true });
      throw e;
    }
    setImmediate(() => void this.run(run).finally(() => fs.promises.rm(dir, { recursive: true, force: true })).catch((e) => console.error(e)));
    return job;
  }

  async get(id: string): Promise<ImportJob> {
    const row = UUID.test(id) ? await this.knex(this.jobs).where({ id }).first() : undefined;
    if (!row) throw notFound(`import ${id} does not exist`);
    return toJob(row);
  }

  /**
   * The rows the job refused, as CSV: row number, the fields at fault, the messages, then the
   * row's own cells under the file's own headers, so it can be fixed and imported again.
   */
  async errorReport(id: string): Promise<{ filename: string; chunks: AsyncGenerator<string> }> {
    const job = UUID.test(id) ? await this.knex(this.jobs).where({ id }).first('headers') : undefined;
    if (!job) throw notFound(`import ${id} does not exist`);
    const knex = this.knex;
    const table = this.errorRows;
    // Rows with more cells than the header get extra columns, so the report stays rectangular.
    const headers = job.headers as string[];
    const [{ widest }] = await knex(table).where({ job_id: id }).select(knex.raw('coalesce(max(jsonb_array_length(cells)), 0)::int as widest'));
    const width = Math.max(headers.length, widest as number);
    const extra = Array.from({ length: width - headers.length }, (_, i) => `(extra ${i + 1})`);
    async function* chunks(): AsyncGenerator<string> {
      yield csvLine(['row', 'fields', 'errors', ...headers, ...extra].map(textCell));
      let after = 0;
      for (;;) {
        const rows: { row: number; errors: FieldError[]; cells: string[] }[] = await knex(table).where({ job_id: id }).where('row', '>', after).orderBy('row').limit(BATCH).select('row', 'errors', 'cells');
        if (rows.length) {
          yield rows.map((r) => csvLine([
            numberCell(r.row),
            textCell([...new Set(r.errors.map((e) => e.field).filter((f) => f !== ''))].join(';')),
            textCell(r.errors.map((e) => e.message).join('; ')),
            ...Array.from({ length: width }, (_, i) => textCell(r.cells[i] ?? '')),
          ])).join('');
        }
        if (rows.length < BATCH) return;
        after = rows[rows.length - 1]!.row;
      }
    }
    return { filename: `import-${id}-errors.csv`, chunks: chunks() };
  }

  private async run(run: Run): Promise<void> {
    try {
      await this.progress(run.id, { status: 'running', phase: 'counting' });
      const total = await countRows(run.file);
      await this.progress(run.id, { rows_total: total, phase: run.mode === 'allOrNone' ? 'validating' : 'writing' });
      if (run.mode === 'skipBadRows') await this.writeEachBatch(run);
      else if (await this.checkAll(run)) await this.writeAll(run, total);
    } catch (e) {
      let message = 'the import stopped on an error on our side';
      if (e instanceof CsvError) message = `the file is not valid CSV: ${e.message}`;
      else if (e instanceof Problem) message = e.detail;
      else console.error(e);
      const stopped = run.committed ? '; the rows before it were imported' : '; nothing was imported';
      await this.progress(run.id, { status: 'failed', phase: null, error: message + stopped, finished_at: this.knex.fn.now() }).catch((err) => console.error(err));
    }
  }

  /** skipBadRows: each batch in its own transaction, with its error rows and the job's counts. */
  private async writeEachBatch(run: Run): Promise<void> {
    const keys = new KeysSeen(run);
    for await (const batch of readBatches(run.file)) {
      const { good, bad } = prepare(run, batch, keys);
      await this.knex.transaction(async (trx) => {
        let created = 0;
        let updated = 0;
        if (good.length) {
          const result = await this.writer.write(trx, run.object, request(run, good, false), run.caller);
          created = result.created;
          updated = result.updated;
          for (const r of result.results) if (!r.ok) bad.push({ ...good[r.index]!, errors: r.errors });
        }
        await this.saveErrors(trx, run.id, bad);
        await this.count(trx, run.id, { rows_processed: batch.length, rows_created: created, rows_updated: updated, rows_failed: bad.length });
        run.written += created + updated;
      });
      run.committed = true;
    }
    await this.progress(run.id, { status: 'completed', phase: null, finished_at: this.knex.fn.now() });
    await this.analyze(run.object, run.written);
  }

  /** allOrNone pass 1: checks every row, writes none; true when all are good. */
  private async checkAll(run: Run): Promise<boolean> {
    const keys = new KeysSeen(run);
    let failed = 0;
    for await (const batch of readBatches(run.file)) {
      const { good, bad } = prepare(run, batch, keys);
      await this.knex.transaction(async (trx) => {
        if (good.length) {
          const { errors } = await this.writer.check(trx, run.object, request(run, good, false), run.caller);
          errors.forEach((e, i) => e.length && bad.push({ ...good[i]!, errors: e }));
        }
        await this.saveErrors(trx, run.id, bad);
        await this.count(trx, run.id, { rows_processed: batch.length, rows_failed: bad.length });
      });
      failed += bad.length;
    }
    if (failed === 0) return true;
    await this.progress(run.id, {
      status: 'failed', phase: null, finished_at: this.knex.fn.now(),
      error: `${failed} row${failed > 1 ? 's are' : ' is'} not valid; nothing was imported (see the error report)`,
    });
    return false;
  }

  /** allOrNone pass 2: every row in one transaction, which also completes the job. */
  private async writeAll(run: Run, total: number): Promise<void> {
    await this.progress(run.id, { phase: 'writing' });
    let current: CsvRow[] = [];
    try {
      await this.knex.transaction(async (trx) => {
        let created = 0;
        let updated = 0;
        for await (const batch of readBatches(run.file)) {
          const { good, bad } = prepare(run, batch);
          if (bad.length) throw new Problem(409, 'Conflict', 'the file changed between checking and writing');
          current = good;
          if (!good.length) continue;
          const result = await this.writer.write(trx, run.object, request(run, good, true), run.caller);
          created += result.created;
          updated += result.updated;
        }
        run.written = created + updated;
        await trx(this.jobs).where({ id: run.id }).update({
          status: 'completed', phase: null, rows_processed: total, rows_created: created, rows_updated: updated,
          updated_at: trx.fn.now(), finished_at: trx.fn.now(),
        });
      });
      await this.analyze(run.object, run.written);
    } catch (e) {
      // Rows that turned bad after pass 1 (another write took a unique value, a lookup target was
      // deleted): the transaction is rolled back, and the rows go to the error report.
      const problem = translateDbError(run.object, e);
      if (!(problem instanceof Problem) || problem.status !== 422) throw e;
      const byRow = new Map<number, BadRow>();
      for (const { index, ...error } of problem.errors) {
        const source = current[index ?? -1];
        if (!source) continue;
        const entry = byRow.get(source.row) ?? { ...source, errors: [] };
        entry.errors.push(error);
        byRow.set(source.row, entry);
      }
      await this.knex.transaction(async (trx) => {
        await this.saveErrors(trx, run.id, [...byRow.values()]);
        await trx(this.jobs).where({ id: run.id }).update({
          status: 'failed', phase: null, rows_failed: byRow.size, updated_at: trx.fn.now(), finished_at: trx.fn.now(),
          error: `the rows could not be written (${problem.errors.map((x) => x.message).join('; ') || problem.detail}); nothing was imported`,
        });
      });
    }
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
    await trx(this.errorRows).insert(bad.map((b) => ({
      job_id: id, row: b.row,
      errors: JSON.stringify(b.errors.map((e) => ({ ...e, message: storable(e.message) }))),
      cells: JSON.stringify(b.cells.map(storable)),
    })));
  }

  private async count(trx: Knex.Transaction, id: string, by: Record<string, number>): Promise<void> {
    const update: Record<string, unknown> = { updated_at: trx.fn.now() };
    for (const [column, n] of Object.entries(by)) update[column] = trx.raw('?? + ?', [column, n]);
    await trx(this.jobs).where({ id }).update(update);
  }

  private async progress(id: string, values: Row): Promise<void> {
    await this.knex(this.jobs).where({ id }).update({ ...values, updated_at: this.knex.fn.now() });
  }
}

function parseMode(input: unknown): ImportMode {
  if (input === undefined || input === '') return 'allOrNone';
  if (input === 'allOrNone' || input === 'skipBadRows') return input;
  throw badRequest('mode is allOrNone or skipBadRows', [{ field: 'mode', code: 'enum', message: 'allOrNone (the default) writes nothing when a row is bad; skipBadRows writes the good rows' }]);
}

const tooLarge = () => new Problem(413, 'Payload too large', `a CSV import holds at most ${MAX_IMPORT_BYTES / 1024 / 1024} MB`, [{ field: '/', code: 'size', message: 'split the file' }]);

/** NUL cannot be stored in jsonb; the report shows U+FFFD in its place. */
const storable = (text: string) => text.replace(/\u0000/g, '\ufffd');

/** Streams the request body to the file, refusing it past MAX_IMPORT_BYTES. */
async function saveUpload(body: Readable, file: string): Promise<void> {
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
}

/** The records of a CSV file, one array of cells each; the first is the header row. */
async function* readRecords(file: string): AsyncGenerator<string[]> {
  const source = fs.createReadStream(file);
  const parser = parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: MAX_RECORD_CHARS });
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  try {
    for await (const record of parser) yield record as string[];
  } finally {
    source.destroy();
    parser.destroy();
  }
}

async function readHeader(file: string): Promise<string[] | undefined> {
  try {
    for await (const record of readRecords(file)) return record;
  } catch (e) {
    if (e instanceof CsvError) throw badRequest(`the file is not valid CSV: ${e.message}`, [{ field: '/', code: 'csv', message: e.message }]);
    throw e;
  }
  return undefined;
}

async function countRows(file: string): Promise<number> {
  let n = -1;
  for await (const _record of readRecords(file)) n++;
  return Math.max(n, 0);
}

/** The data rows in batches of BATCH, numbered as a spreadsheet numbers them. */
async function* readBatches(file: string): AsyncGenerator<CsvRow[]> {
  let batch: CsvRow[] = [];
  let row = 0;
  for await (const cells of readRecords(file)) {
    row++;
    if (row === 1) continue;
    batch.push({ row, cells });
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

const request = (run: Run, good: (CsvRow & { body: Row })[], allOrNone: boolean): BulkRequest =>
  ({ records: good.map((g) => g.body), ...(run.upsertOn !== undefined ? { upsertOn: run.upsertOn } : {}), allOrNone });

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
        const more = validateBody(run.object, body, 'create', run.caller.locale).errors
          .filter((e) => !errors.some((x) => x.field === e.field) && !(run.upsertOn !== undefined && e.code === 'required'));
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
      .filter((c): c is ImportColumn & { field: CompiledField } => !!c.field && !!c.field.def.unique && c.field.columns.length === 1)
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
      if (first !== undefined) errors.push({ field: name, code: name === this.upsertOn ? 'duplicate' : 'unique', message: `row ${first} has the same ${name}` });
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
    error: (row.error as string | null) ?? null,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    finishedAt: iso(row.finished_at),
  };
}
