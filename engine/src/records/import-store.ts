import type { Knex } from 'knex';
import { UUID } from '../lib/ids.js';
import { notFound, type FieldError } from '../errors.js';
import { csvLine, numberCell, textCell } from './csv.js';
import type { CsvRow } from './import-file.js';

/**
 * Where import jobs are kept: the job rows (_import_jobs) with their counts and progress, and the
 * rows each refused (_import_errors), read back as the CSV error report.
 */

export type ImportMode = 'allOrNone' | 'skipBadRows';
export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed';
/**
 * What a running job is doing: writing rows, or (allOrNone, after a bad row) only checking the
 * rest. An allOrNone job on embedded PGlite first checks every row (`checking`, nothing written),
 * then, every row accepted, writes them chunk by chunk (`applying`).
 */
export type ImportPhase = 'writing' | 'validating' | 'checking' | 'applying';

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

/** A refused row of the file and why. */
export interface BadRow extends CsvRow {
  errors: FieldError[];
}

type Row = Record<string, unknown>;
const REPORT_BATCH = 1000;

export class ImportStore {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
  ) {}

  get jobs() {
    return `${this.schema}._import_jobs`;
  }

  private get errorRows() {
    return `${this.schema}._import_errors`;
  }

  async insert(values: Row): Promise<ImportJob> {
    const [row] = await this.knex(this.jobs).insert(values).returning<Row[]>('*');
    return toJob(row!);
  }

  /** A job by id; with `createdBy`, only that user's job (another's reads as missing). */
  async find(id: string, createdBy?: string): Promise<ImportJob> {
    const row = UUID.test(id)
      ? await this.knex(this.jobs)
          .where({ id, ...(createdBy ? { created_by: createdBy } : {}) })
          .first<Row | undefined>()
      : undefined;
    if (!row) throw notFound(`import ${id} does not exist`);
    return toJob(row);
  }

  /**
   * The rows the job refused, as CSV: row number, the fields at fault, the messages, then the
   * row's own cells under the file's own headers, so it can be fixed and imported again.
   */
  async errorReport(id: string, createdBy?: string): Promise<{ filename: string; chunks: AsyncGenerator<string> }> {
    const job = UUID.test(id)
      ? await this.knex(this.jobs)
          .where({ id, ...(createdBy ? { created_by: createdBy } : {}) })
          .first<{ headers: string[] } | undefined>('headers')
      : undefined;
    if (!job) throw notFound(`import ${id} does not exist`);
    const knex = this.knex;
    const table = this.errorRows;
    // Rows with more cells than the header get extra columns, so the report stays rectangular.
    const headers = job.headers;
    const { widest } = (
      await knex(table)
        .where({ job_id: id })
        .select<{ widest: number }[]>(knex.raw('coalesce(max(jsonb_array_length(cells)), 0)::int as widest'))
    )[0]!;
    const width = Math.max(headers.length, widest);
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

  /**
   * The refused rows with their cells, for the error report; `secret` marks the columns of
   * encrypted fields, whose cells are left empty: the report (and this table) never holds
   * their values in clear.
   */
  async saveErrors(trx: Knex.Transaction, id: string, bad: BadRow[], secret: ReadonlySet<number>): Promise<void> {
    if (!bad.length) return;
    await trx(this.errorRows).insert(
      bad.map((b) => ({
        job_id: id,
        row: b.row,
        errors: JSON.stringify(b.errors.map((e) => ({ ...e, message: storable(e.message) }))),
        cells: JSON.stringify(b.cells.map((c, i) => (secret.has(i) ? '' : storable(c)))),
      })),
    );
  }

  /** Adds to the job's counts; `bytes` is how far into the file the job has read. */
  async count(trx: Knex.Transaction, id: string, by: Record<string, number>, bytes: number): Promise<void> {
    const update: Record<string, unknown> = { updated_at: trx.fn.now(), bytes_processed: bytes };
    for (const [column, n] of Object.entries(by)) update[column] = trx.raw('?? + ?', [column, n]);
    await trx(this.jobs).where({ id }).update(update);
  }

  async progress(id: string, values: Row, db: Knex = this.knex): Promise<void> {
    await db(this.jobs)
      .where({ id })
      .update({ ...values, updated_at: db.fn.now() });
  }

  /**
   * Marks failed the jobs left queued or running by a process that stopped: on PostgreSQL (not
   * `single`) only those without a heartbeat since `stale`, since another process may run them.
   */
  markOrphans(mine: string[], stale: Date | undefined, now: Date): Promise<number> {
    const orphans = this.knex(this.jobs).whereIn('status', ['queued', 'running']).whereNotIn('id', mine);
    if (stale) orphans.where('updated_at', '<', stale);
    return orphans.update({
      status: 'failed',
      phase: null,
      finished_at: now,
      updated_at: now,
      error: this.knex.raw(
        "'the server stopped during the import; ' || case when rows_created + rows_updated > 0 and mode = 'skipBadRows' then 'the rows before it were imported' else 'nothing was imported' end",
      ),
    });
  }

  /** Of the jobs `markOrphans` would mark, those that had begun writing in steps (phase `applying`). */
  async applyingOrphans(
    mine: string[],
    stale: Date | undefined,
  ): Promise<{ id: string; object: string; created_by: string }[]> {
    const orphans = this.knex(this.jobs)
      .where({ status: 'running', phase: 'applying' })
      .whereNotIn('id', mine)
      .select<{ id: string; object: string; created_by: string }[]>('id', 'object', 'created_by');
    if (stale) orphans.where('updated_at', '<', stale);
    return await orphans;
  }

  /** Deletes finished jobs (their error rows go with them) that finished before `before`. */
  deleteFinished(before: Date): Promise<number> {
    return this.knex(this.jobs).whereIn('status', ['completed', 'failed']).where('finished_at', '<', before).delete();
  }

  /** Of these jobs, the ids that have finished. */
  async finished(ids: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.knex(this.jobs)
      .whereIn('id', ids)
      .whereIn('status', ['completed', 'failed'])
      .select('id');
    return rows.map((r) => r.id);
  }
}

/** NUL cannot be stored in jsonb; the report shows U+FFFD in its place. */
// eslint-disable-next-line no-control-regex -- NUL is the character being replaced
const storable = (text: string) => text.replace(/\u0000/g, '\ufffd');

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
