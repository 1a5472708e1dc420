import type { Knex } from 'knex';
import { hiddenImportsSql } from '../query/import-visibility.js';
import { badRequest, notFound } from '../errors.js';
import type { CompiledField, CompiledMetadata } from '../metadata/compile.js';
import { applyFilter } from '../query/filter-compiler.js';
import { parseFilter } from '../query/filter-parser.js';
import { applyKeyset, applySort, decodeCursor, encodeCursor, parseSort, selectSortValues } from '../query/keyset.js';
import { PathResolver, type Join } from '../query/paths.js';
import type { CsvKind } from '../fields/field-type.js';
import { factsOf } from '../fields/index.js';
import { csvLine, numberCell, textCell } from './csv.js';
import { selectColumns } from './record-shape.js';
import { recordReads } from './read-audit.js';
import type { AuditedRead } from './reveal.js';
import type { Via } from '../security/caller.js';
import type { Access } from '../security/access.js';
import { guardedResolver } from '../security/field-guard.js';
import { recordAccessSql } from '../security/record-access.js';

/**
 * CSV export of a list: the same filter and sort as GET /records/{object}, read in keyset batches
 * of 1,000 rows. Each batch is one short query (no cursor, no transaction held open), so memory
 * stays flat for any number of rows and other requests get the connection between batches.
 * Batches are read as the consumer pulls lines, so a slow client slows the reads down.
 *
 * The batches are separate statements: a row written during a long export may or may not be in
 * it, but no row is written twice or skipped for moving pages.
 */

export interface ExportQuery {
  format?: unknown;
  filter?: unknown;
  sort?: unknown;
  fields?: unknown;
}

export interface CsvExport {
  filename: string;
  /** The file, a few hundred KB at a time: the header line, then one chunk per batch. */
  chunks: AsyncGenerator<string>;
}

const BATCH = 1000;
const ALIAS = 'r';

/** One field in the file: the object's own (no join), or one reached through a lookup (`account.name`). */
interface ExportField {
  field: CompiledField;
  header: string;
  join?: Join;
}

export class CsvExporter {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: () => CompiledMetadata,
  ) {}

  /** Checks the request (400 before anything is sent) and returns the file to stream. */
  export(objectName: string, query: ExportQuery, access: Access, via: Via = 'api'): CsvExport {
    // Permissions first: whether the object exists is not for a caller who may not export.
    access.requireSystem('exportData');
    access.require(objectName, 'read');
    const object = this.metadata().objects.get(objectName);
    if (!object) throw notFound(`object "${objectName}" does not exist`);
    if (query.format !== undefined && query.format !== 'csv') {
      throw badRequest('format must be csv', [
        { field: 'format', code: 'enum', message: 'the only export format is csv' },
      ]);
    }
    const paths = new PathResolver(object, this.metadata().objects);
    const resolve = guardedResolver(paths, access);
    const fields = exportFields(paths, query.fields, resolve, access);
    const restrict = recordAccessSql(access, object, this.schema, ALIAS, 'read');
    const filter = parseFilter(object, query.filter, resolve);
    // Without a sort, oldest first: ids are UUIDv7, so that is the order records were created in.
    const sort = parseSort(object, query.sort === undefined || query.sort === '' ? 'id' : query.sort, resolve);
    const only = new Set(fields.filter((f) => !f.join).map((f) => f.field.def.apiName));
    const knex = this.knex;
    const schema = this.schema;

    const batch = (after: unknown[] | undefined) => {
      const qb = knex(`${this.schema}.${object.table} as ${ALIAS}`)
        .select(selectColumns(object, ALIAS, only))
        .whereNull(`${ALIAS}.deleted_at`);
      const importing = hiddenImportsSql(schema, object.table, ALIAS);
      if (importing) qb.whereRaw(importing.sql, importing.bindings as Knex.RawBinding[]);
      paths.applyJoins(qb, this.schema, ALIAS, (j) => recordAccessSql(access, j.target, this.schema, j.alias, 'read'));
      if (restrict) qb.whereRaw(restrict.sql, restrict.bindings as Knex.RawBinding[]);
      for (const f of fields) {
        if (!f.join) continue;
        for (const c of f.field.columns)
          qb.select(knex.raw('?? as ??', [`${f.join.alias}.${c}`, joinedAlias(f.join, c)]));
        // The read audit names the record an audited field came from.
        if (f.field.def.auditReads) qb.select(knex.raw('?? as ??', [`${f.join.alias}.id`, joinedAlias(f.join, 'id')]));
      }
      selectSortValues(knex, qb, sort, ALIAS);
      if (filter) applyFilter(qb, filter, ALIAS);
      // Non-null sort columns such as id get a plain bound, so the index serves every batch.
      if (after) applyKeyset(qb, sort, after, ALIAS);
      applySort(qb, sort, ALIAS);
      return qb.limit(BATCH) as Promise<Record<string, unknown>[]>;
    };
    async function* chunks(): AsyncGenerator<string> {
      yield csvLine(['id', ...fields.flatMap(headersOf)].map(textCell));
      let after: unknown[] | undefined;
      for (;;) {
        const rows = await batch(after);
        await recordReads(
          knex,
          schema,
          auditedReads(objectName, fields, rows),
          { userId: access.userId, via },
          'export',
        );
        if (rows.length)
          yield rows
            .map((row) => csvLine([textCell(String(row.id)), ...fields.flatMap((f) => cells(f, row))]))
            .join('');
        if (rows.length < BATCH) return;
        // The keyset position in the exact form the list API's cursors carry it.
        after = decodeCursor(sort, encodeCursor(sort, rows[rows.length - 1]!));
      }
    }
    return { filename: `${object.def.apiName}.csv`, chunks: chunks() };
  }
}

/** The records of a batch whose audited fields the file shows with a value, the joined ones' too. */
function auditedReads(object: string, fields: ExportField[], rows: Record<string, unknown>[]): AuditedRead[] {
  const audited = fields.filter((f) => f.field.def.auditReads);
  if (!audited.length) return [];
  const reads = new Map<string, AuditedRead>();
  for (const row of rows) {
    for (const { field, join } of audited) {
      const value = row[join ? joinedAlias(join, field.columns[0]!) : field.columns[0]!];
      const id = join ? row[joinedAlias(join, 'id')] : row.id;
      if (value === null || value === undefined || typeof id !== 'string') continue;
      const target = join ? join.target.def.apiName : object;
      const key = `${target}/${id}`;
      const read = reads.get(key) ?? { object: target, recordId: id, fields: [] };
      if (!read.fields.includes(field.def.apiName)) read.fields.push(field.def.apiName);
      reads.set(key, read);
    }
  }
  return [...reads.values()];
}

/** Column alias of a joined field's column: `_j0__name`. */
const joinedAlias = (join: Join, column: string) => `${join.alias}__${column}`;

/** `fields` as for lists: own fields, and `lookup.field` one level through a lookup; all own fields when absent. */
function exportFields(
  paths: PathResolver,
  input: unknown,
  resolve: (path: string) => unknown,
  access: Access,
): ExportField[] {
  const object = paths.object;
  if (input === undefined || input === '') {
    return [...object.fields.values()]
      .filter((f) => access.canReadField(object.def.apiName, f.def.apiName))
      .map((field) => ({ field, header: field.def.apiName }));
  }
  if (typeof input !== 'string')
    throw badRequest('fields must be a comma-separated list', [
      { field: 'fields', code: 'type', message: 'expected a string' },
    ]);
  const refuse = (name: string) =>
    badRequest(`"${name}" is not a field of ${object.def.apiName}`, [
      { field: 'fields', code: 'unknownField', message: `"${name}" is not a field of ${object.def.apiName}` },
    ]);
  return [...new Set(input.split(','))]
    .filter((name) => name !== 'id')
    .map((name) => {
      if (!resolve(name)) throw refuse(name); // also a field the caller may not read (field-guard.ts)
      const [head, tail, ...rest] = name.split('.');
      if (tail === undefined) {
        const field = object.fields.get(name);
        if (!field) throw refuse(name);
        return { field, header: name };
      }
      const join = rest.length === 0 ? paths.join(head!) : undefined;
      const field = join?.target.fields.get(tail);
      if (!join || !field) throw refuse(name);
      return { field, header: name, join };
    });
}

/**
 * A field's columns in the file: its own, then the values read beside it (`amount__currency`), as the API shows them.
 */
const headersOf = ({ field, header }: ExportField): string[] => [
  header,
  ...Object.keys(field.type.companions ?? {}).map((key) => `${header}__${key}`),
];

function cells({ field, join }: ExportField, row: Record<string, unknown>): string[] {
  const raw = field.columns.map((c) => row[join ? joinedAlias(join, c) : c]);
  const companions = Object.values(field.type.companions ?? {}).map((c) => {
    const value = c.read(raw, field.def);
    return value === null || value === undefined ? '' : textCell(String(value).trim());
  });
  return [cell(field, raw), ...companions];
}

/**
 * A non-empty value as a cell, by the kind of value it is (fields/ says which kind each type's
 * values are). Numbers are written from the column as Postgres sent it, so no digit is lost.
 */
type CellWriter = (value: unknown, raw: unknown[]) => string;

const asText: CellWriter = (value) => textCell(String(value));
// A rollup never computed reads as 0 but holds nothing: its cell stays empty, as the column is.
const asNumber: CellWriter = (_value, raw) => (raw[0] == null ? '' : numberCell(raw[0] as number | string));

const WRITERS: Record<CsvKind, CellWriter> = {
  text: asText,
  token: asText,
  choice: asText,
  choices: (value) => ((value as string[]).length ? textCell((value as string[]).join(';')) : ''),
  integer: asNumber,
  decimal: asNumber,
  boolean: (value) => (value ? 'true' : 'false'),
  date: asText,
  datetime: asText,
  json: (value) => textCell(JSON.stringify(value)),
};

/** One field of a row as a cell. */
function cell(field: CompiledField, raw: unknown[]): string {
  const value = field.type.fromColumns(raw, field.def);
  if (value === null || value === undefined) return '';
  return WRITERS[factsOf(field.def).csv](value, raw);
}
