import type { Knex } from 'knex';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { CompiledObject } from '../metadata/compile.js';
import type { Caller } from './caller.js';
import { recordEvents } from './history.js';

/**
 * New rows of a CSV import, sent to their table in one statement a batch: `COPY … FROM STDIN` on
 * PostgreSQL, or `INSERT … SELECT … FROM unnest(…)` where COPY cannot run (embedded PGlite: its
 * socket server cannot carry COPY's sub-protocol and drops the connection). Either way every value
 * becomes the text node-postgres would send for it as a query parameter, and PostgreSQL reads that
 * text with the column type's input function, so the rows stored are the ones the bulk path's
 * parameterised INSERT stores.
 *
 * Each batch's rows are followed by their `created` field-history entries (history.ts). When
 * pipelined, `insert` returns once the statements are sent, so the next batch is read and checked
 * while PostgreSQL takes this one; one batch is in flight at a time, and its failure comes out of
 * the next `insert` or out of `flush`, which must be awaited before commit.
 */

type Row = Record<string, unknown>;
export type RowWriteMethod = 'copy' | 'insert';

/** node-postgres' own parameter serialiser (arrays, dates, JSON objects), so both paths agree. */
const prepareValue = (pg as unknown as { utils: { prepareValue(value: unknown): string | Buffer | null } }).utils.prepareValue;
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
  const text = asText(value);
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
  const { rows } = await knex.raw('select version() as version');
  return String(rows[0].version).includes('PGlite');
}

export class RowWriter {
  private inFlight: Promise<void> | undefined;
  private failure: unknown;

  /**
   * `pipelined`: `insert` returns once its statements are sent, and they finish while the caller
   * reads and checks the next batch. Only for writes that send no other statement meanwhile (no
   * lookups, unique fields, upserts or rollups to query): the connection runs one statement at
   * a time, and node-postgres' queue for a second one is deprecated.
   */
  constructor(private readonly schema: string, private readonly method: RowWriteMethod, private readonly pipelined: boolean) {}

  /** The rows' statement, then their `created` history entries; a BulkWriter RowInserter. */
  readonly insert = async (trx: Knex.Transaction, object: CompiledObject, rows: Row[], caller: Caller): Promise<void> => {
    if (!rows.length) return;
    await this.settle();
    const columns = columnsOf(object);
    for (const row of rows) for (const key in row) if (!columns.known.has(key)) throw new Error(`${object.table} has no writable column ${key}`);
    // The transaction's own connection: knex hands it out without a second checkout.
    const connection = await (trx.client as { acquireConnection(): Promise<pg.Client> }).acquireConnection();
    const ids = rows.map((row) => row.id as string);
    const statement = this.method === 'copy' ? this.copy(connection, object, columns.names, rows) : this.insertSelect(connection, object, columns, rows);
    this.inFlight = statement
      .then(() => recordEvents(trx, this.schema, object, ids, 'created', caller))
      .catch((e) => {
        this.failure ??= e;
      });
    if (!this.pipelined) await this.settle();
  };

  /** Waits for the last statement; throws the first failure. */
  async flush(): Promise<void> {
    await this.settle();
  }

  private async settle(): Promise<void> {
    if (this.inFlight) await this.inFlight;
    this.inFlight = undefined;
    if (this.failure !== undefined) throw this.failure;
  }

  private table(object: CompiledObject): string {
    return `${pg.escapeIdentifier(this.schema)}.${pg.escapeIdentifier(object.table)}`;
  }

  private copy(connection: pg.Client, object: CompiledObject, columns: string[], rows: Row[]): Promise<void> {
    let text = '';
    for (const row of rows) {
      let line = copyCell(row[columns[0]!]);
      for (let i = 1; i < columns.length; i++) line += '\t' + copyCell(row[columns[i]!]);
      text += line + '\n';
    }
    const stream = connection.query(copyFrom(`copy ${this.table(object)} (${columns.map((c) => pg.escapeIdentifier(c)).join(', ')}) from stdin`));
    const done = new Promise<void>((resolve, reject) => {
      stream.on('finish', resolve);
      stream.on('error', reject);
    });
    // Buffered until PostgreSQL answers the COPY, then written to the socket as it takes it.
    stream.end(text);
    return done;
  }

  /**
   * One INSERT of the batch: a text array per column (bound as array literals), cast to the
   * column's type in SQL. The types come from the field type modules, never from input.
   */
  private async insertSelect(connection: pg.Client, object: CompiledObject, columns: TableColumns, rows: Row[]): Promise<void> {
    const names = columns.names.map((c) => pg.escapeIdentifier(c));
    const casts = names.map((name, i) => `u.${name}::${columns.types[i]}`);
    const arrays = columns.names.map((c) => prepareValue(rows.map((row) => asText(row[c]))));
    await connection.query(
      `insert into ${this.table(object)} (${names.join(', ')}) select ${casts.join(', ')} from unnest(${names.map((_, i) => `$${i + 1}::text[]`).join(', ')}) as u(${names.join(', ')})`,
      arrays,
    );
  }
}
