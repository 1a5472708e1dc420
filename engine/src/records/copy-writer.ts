import type { Knex } from 'knex';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CompiledObject } from '../metadata/compile.js';
import type { Caller } from '../security/caller.js';
import { recordEvents } from './history.js';

/**
 * New rows of a CSV import, sent to their table in one statement a batch: `COPY … FROM STDIN` on
 * PostgreSQL, or `INSERT … SELECT … FROM unnest(…)` where COPY cannot run (embedded PGlite: its
 * socket server cannot carry COPY's sub-protocol and drops the connection). Either way every value
 * becomes the text node-postgres would send for it as a query parameter, and PostgreSQL reads that
 * text with the column type's input function, so the rows stored are the ones the bulk path's
 * parameterised INSERT stores.
 *
 * The rows' `created` field-history entries (history.ts) follow HISTORY_BATCH records at a time,
 * and at `flush`, which must be awaited before commit. When pipelined, `insert` returns once
 * PostgreSQL has the batch, so the next one is read and checked while it stores this one; one
 * batch is in flight at a time, and its failure comes out of the next `insert` or `flush`.
 */

type Row = Record<string, unknown>;
export type RowWriteMethod = 'copy' | 'insert';

/** node-postgres' own parameter serialiser (arrays, dates, JSON objects), so both paths agree. */
const prepareValue = (pg as unknown as { utils: { prepareValue: (value: unknown) => string | Buffer | null } }).utils
  .prepareValue;
/** The system columns a new row is given in Node; the others come from column defaults. */
const SYSTEM_UUID_COLUMNS = ['id', 'owner_id', 'created_by', 'updated_by'];
const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value as the text a parameter carries; null stays null. */
function asText(value: unknown): string | null {
  const text = prepareValue(value);
  if (text === null) return null;
  return typeof text === 'string' ? text : `\\x${text.toString('hex')}`;
}

/** A cell of COPY's text format: \N for null, backslash escapes for the four special characters. */
function copyCell(value: unknown): string {
  // Strings and numbers are most cells; prepareValue would give the same text for them.
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : asText(value);
  if (text === null) return '\\N';
  return COPY_SPECIAL.test(text) ? text.replace(COPY_SPECIAL_ALL, (c) => COPY_ESCAPES[c]!) : text;
}

interface TableColumns {
  /** Every column a new row may fill: the system columns given in Node, then each writable field's. */
  names: string[];
  /** Their SQL types, for the casts of the unnest path. */
  types: string[];
  known: Set<string>;
}
const tableColumns = new WeakMap<CompiledObject, TableColumns>();

/**
 * The columns of every statement for the object (compiled once per object version). Listing a
 * column no row fills costs a \N a row and stores what leaving it out stores: NULL, since only
 * system and read-only columns (never written here) have other defaults.
 */
function columnsOf(object: CompiledObject): TableColumns {
  let columns = tableColumns.get(object);
  if (!columns) {
    columns = { names: [...SYSTEM_UUID_COLUMNS], types: SYSTEM_UUID_COLUMNS.map(() => 'uuid'), known: new Set() };
    for (const field of object.fields.values()) {
      if (field.type.readOnly) continue;
      const specs = field.type.columns(field.def);
      field.columns.forEach((column, i) => {
        columns!.names.push(column);
        columns!.types.push(specs[i]!.sqlType);
      });
    }
    columns.known = new Set(columns.names);
    tableColumns.set(object, columns);
  }
  return columns;
}

/** Embedded PGlite: no COPY FROM STDIN over its socket, and a single connection. */
export async function serverIsPGlite(knex: Knex): Promise<boolean> {
  const { rows } = await knex.raw<{ rows: [{ version: string }] }>('select version() as version');
  return String(rows[0].version).includes('PGlite');
}

/** `created` history entries are written this many records at a time (one statement, not one a batch). */
const HISTORY_BATCH = 20_000;

export class RowWriter {
  private inFlight: Promise<void> | undefined;
  private failure: { error: unknown } | undefined;
  /** Records written whose `created` history entries are still to be written. */
  private history: { trx: Knex.Transaction; object: CompiledObject; caller: Caller; ids: string[] } | undefined;

  /**
   * `pipelined`: `insert` returns once PostgreSQL has the rows, and they are stored while the
   * caller reads and checks the next batch. Only for writes that send no other statement
   * meanwhile (no lookups, unique fields, upserts or rollups to query): the connection runs one
   * statement at a time, and node-postgres' queue for a second one is deprecated.
   */
  constructor(
    private readonly schema: string,
    private readonly method: RowWriteMethod,
    private readonly pipelined: boolean,
  ) {}

  /** The rows' statement; their `created` history entries follow, in bulk; a BulkWriter RowInserter. */
  readonly insert = async (
    trx: Knex.Transaction,
    object: CompiledObject,
    rows: Row[],
    caller: Caller,
  ): Promise<void> => {
    if (!rows.length) return;
    await this.settle();
    const columns = columnsOf(object);
    // Every row comes from the same code (toColumnValues and the system columns): a column this
    // writer does not know would show in the first row, and is refused rather than dropped.
    for (const key of Object.keys(rows[0]!))
      if (!columns.known.has(key)) throw new Error(`${object.table} has no writable column ${key}`);
    if (this.history && (this.history.trx !== trx || this.history.object !== object || this.history.caller !== caller))
      await this.writeHistory();
    this.history ??= { trx, object, caller, ids: [] };
    for (const row of rows) this.history.ids.push(row.id as string);
    // The transaction's own connection: knex hands it out without a second checkout.
    const connection = await (trx.client as { acquireConnection(): Promise<pg.Client> }).acquireConnection();
    let statement: Promise<void>;
    if (this.method === 'copy') {
      const copy = this.copy(connection, object, columns.names, rows);
      statement = copy.done;
      // Once PostgreSQL has answered the COPY, the rows are on their way; it stores them while
      // this process goes on (without the wait they could sit here until the event loop turns).
      await Promise.race([copy.accepted, copy.done.catch(() => undefined)]);
    } else {
      statement = this.insertSelect(connection, object, columns, rows);
    }
    // A full history batch follows the rows in the same chain, so PostgreSQL goes on to it alone.
    const history = this.history.ids.length >= HISTORY_BATCH ? this.takeHistory() : undefined;
    this.inFlight = statement
      .then(
        () => history && recordEvents(history.trx, this.schema, history.object, history.ids, 'created', history.caller),
      )
      .catch((e) => {
        this.failure ??= { error: e };
      });
    if (!this.pipelined) await this.settle();
  };

  /** Waits for the last statement and writes the history entries still due; throws the first failure. */
  async flush(): Promise<void> {
    await this.settle();
    await this.writeHistory();
  }

  /** After a failure: waits for what is still running, writes nothing more. */
  async abandon(): Promise<void> {
    this.history = undefined;
    await this.settle().catch(() => undefined);
  }

  private takeHistory() {
    const due = this.history;
    this.history = undefined;
    return due;
  }

  private async writeHistory(): Promise<void> {
    const due = this.takeHistory();
    if (due?.ids.length) await recordEvents(due.trx, this.schema, due.object, due.ids, 'created', due.caller);
  }

  private async settle(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    this.inFlight = undefined;
    if (this.failure) throw this.failure.error;
  }

  private table(object: CompiledObject): string {
    return `${pg.escapeIdentifier(this.schema)}.${pg.escapeIdentifier(object.table)}`;
  }

  private copy(
    connection: pg.Client,
    object: CompiledObject,
    columns: string[],
    rows: Row[],
  ): { accepted: Promise<void>; done: Promise<void> } {
    // Joined, not concatenated: a concatenation leaves two string pieces per cell to collect.
    const cells = new Array<string>(columns.length);
    const lines = new Array<string>(rows.length + 1);
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      for (let i = 0; i < columns.length; i++) cells[i] = copyCell(row[columns[i]!]);
      lines[r] = cells.join('\t');
    }
    lines[rows.length] = '';
    const text = lines.join('\n');
    const stream = copyFrom(
      `copy ${this.table(object)} (${columns.map((c) => pg.escapeIdentifier(c)).join(', ')}) from stdin`,
    );
    // node-postgres calls handleCopyInResponse when PostgreSQL is ready for the data; the stream
    // then writes what it holds to the socket.
    const submittable = stream as unknown as { handleCopyInResponse(connection: unknown): void };
    const accepted = new Promise<void>((resolve) => {
      const handle = submittable.handleCopyInResponse.bind(stream);
      submittable.handleCopyInResponse = (c) => {
        handle(c);
        resolve();
      };
    });
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    connection.query(stream);
    stream.end(text);
    return { accepted, done };
  }

  /**
   * One INSERT of the batch: a text array per column (bound as array literals), cast to the
   * column's type in SQL. The types come from the field type modules, never from input.
   */
  private async insertSelect(
    connection: pg.Client,
    object: CompiledObject,
    columns: TableColumns,
    rows: Row[],
  ): Promise<void> {
    const names = columns.names.map((c) => pg.escapeIdentifier(c));
    const casts = names.map((name, i) => `u.${name}::${columns.types[i]}`);
    const arrays = columns.names.map((c) => prepareValue(rows.map((row) => asText(row[c]))));
    await connection.query(
      `insert into ${this.table(object)} (${names.join(', ')}) select ${casts.join(', ')} from unnest(${names.map((_, i) => `$${i + 1}::text[]`).join(', ')}) as u(${names.join(', ')})`,
      arrays,
    );
  }
}
