import { equalityColumn } from '../fields/index.js';
import type { Knex } from 'knex';
import { badRequest, invalid, type FieldError } from '../errors.js';
import { idempotent, requestHash } from './idempotency.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { uuidv7 } from '../lib/ids.js';
import { missingReferences } from './lookups.js';
import { refreshRollups } from './rollups.js';
import { selectColumns, toColumnValues, toRecord } from './record-shape.js';
import { validateBody } from './record-validator.js';
import type { Caller } from '../security/caller.js';
import { recordEvents, recordManyChanges } from './history.js';
import type { Access } from '../security/access.js';
import { readableField, refuseUneditableRows } from '../security/field-guard.js';
import { recordAccessSql } from '../security/record-access.js';

/**
 * Bulk create and upsert, up to 10,000 records a request, through the same checks as single
 * writes (validateBody, missingReferences). All-or-none by default: every row is checked before
 * anything is written, and one bad row refuses the whole request with each bad row's index.
 * With allOrNone: false, good rows are written and bad ones reported row by row.
 */

export const MAX_BULK = 10_000;
const CHUNK = 500;
const ANALYZE_AFTER = 5_000;

export interface BulkRequest {
  records: Record<string, unknown>[];
  upsertOn?: string;
  allOrNone: boolean;
}

export type BulkRowResult =
  | { index: number; ok: true; id: string; created: boolean; version?: number }
  | { index: number; ok: false; errors: FieldError[] };
export interface BulkCheck {
  /** Row index → the live record its upsert key matched. */
  existing: Map<number, Record<string, unknown>>;
  /** Each row's checked values, defaults applied. */
  checked: Map<string, unknown>[];
  /** Each row's errors; empty for a good row. */
  errors: FieldError[][];
}
export interface BulkResult {
  created: number;
  updated: number;
  failed: number;
  results: BulkRowResult[];
}

type Row = Record<string, unknown>;
/**
 * Writes new rows (system and field columns; a column a row lacks is NULL, which is its default:
 * only system and read-only columns have other defaults) and their `created` history entries.
 * It may return before the database has taken them if its own flush, awaited before commit,
 * reports any failure.
 */
export type RowInserter = (trx: Knex.Transaction, object: CompiledObject, rows: Row[], caller: Caller) => Promise<void>;
export const isPlainObject = (v: unknown): v is Row => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseBulkRequest(object: CompiledObject, body: unknown, access: Access): BulkRequest {
  if (!isPlainObject(body) || !Array.isArray(body.records)) {
    throw badRequest('the body must be { "records": [...] }', [
      { field: '/records', code: 'type', message: 'expected an array of records' },
    ]);
  }
  const { records, upsertOn, allOrNone } = body;
  if (records.length === 0 || records.length > MAX_BULK) {
    throw badRequest(`send 1 to ${MAX_BULK} records`, [
      { field: '/records', code: 'size', message: `1 to ${MAX_BULK} records` },
    ]);
  }
  const notObject = records.findIndex((r) => !isPlainObject(r));
  if (notObject >= 0)
    throw badRequest('every record must be a JSON object', [
      { field: `/records/${notObject}`, code: 'type', message: 'expected an object', index: notObject },
    ]);
  const unknownKey = Object.keys(body).find((k) => !['records', 'upsertOn', 'allOrNone'].includes(k));
  if (unknownKey)
    throw badRequest(`unknown property "${unknownKey}"`, [
      { field: `/${unknownKey}`, code: 'unknownProperty', message: 'use records, upsertOn and allOrNone' },
    ]);
  if (allOrNone !== undefined && typeof allOrNone !== 'boolean')
    throw badRequest('allOrNone is true or false', [
      { field: '/allOrNone', code: 'type', message: 'expected a boolean' },
    ]);
  if (upsertOn !== undefined) checkUpsertOn(object, upsertOn, '/upsertOn', access);
  return {
    records: records as Row[],
    ...(upsertOn ? { upsertOn } : {}),
    allOrNone: allOrNone !== false,
  };
}

/**
 * Upserts match on one unique, single-column field; `where` names the parameter in the 400. With
 * the caller's `access`, only a field they may read (field-guard.ts).
 */
export function checkUpsertOn(
  object: CompiledObject,
  upsertOn: unknown,
  where: string,
  access?: Access,
): asserts upsertOn is string {
  const name = typeof upsertOn === 'string' ? upsertOn : undefined;
  const field = name === undefined ? undefined : access ? readableField(object, name, access) : object.fields.get(name);
  if (!field || !field.def.unique || field.columns.length !== 1) {
    throw badRequest('upsertOn must name a unique field', [
      {
        field: where,
        code: 'notUnique',
        message: `${String(upsertOn)} is not a unique field of ${object.def.apiName}`,
      },
    ]);
  }
}

export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

export class BulkWriter {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: () => CompiledMetadata,
    private readonly corporateCurrency: () => string,
  ) {}

  private table(object: CompiledObject, db: Knex | Knex.Transaction) {
    return db(`${this.schema}.${object.table}`);
  }

  async run(
    object: CompiledObject,
    request: BulkRequest,
    caller: Caller,
    idempotencyKey?: string,
  ): Promise<{ result: BulkResult; replayed: boolean }> {
    const hash = requestHash({ o: object.def.apiName, r: request });
    return this.knex.transaction((trx) =>
      idempotent(trx, this.schema, caller.userId, idempotencyKey, hash, () => this.write(trx, object, request, caller)),
    );
  }

  /**
   * Checks every row of a request against its object and the database, in the caller's
   * transaction, and writes nothing: each row's errors, its checked values, and the live record
   * its upsert key matched. CSV import checks a whole file this way before writing any of it.
   */
  async check(trx: Knex.Transaction, object: CompiledObject, request: BulkRequest, caller: Caller): Promise<BulkCheck> {
    const { records, upsertOn } = request;
    checkBulkAccess(object, request, caller);
    const errors: FieldError[][] = records.map(() => []);
    const existing = upsertOn
      ? await this.findExisting(trx, object, records, upsertOn, errors, caller)
      : new Map<number, Row>();
    const checked = records.map((body, i) => {
      const current = existing.get(i);
      const { values, errors: rowErrors } = validateBody(
        object,
        body,
        current ? 'update' : 'create',
        caller.locale,
        current ? toRecord(object, current) : undefined,
        caller.access,
      );
      errors[i]!.push(...rowErrors);
      return values;
    });
    (await missingReferences(trx, this.schema, this.metadata(), object, checked, caller.access)).forEach((e, i) =>
      errors[i]!.push(...e),
    );
    await uniqueClashes(trx, this.table(object, trx), object, checked, existing, errors);
    return { existing, checked, errors };
  }

  /**
   * Checks and writes one request in the caller's transaction, so several requests can share one
   * (CSV import writes an all-or-none file batch after batch in a single transaction).
   * `insertRows` replaces the multi-row INSERTs of new rows (CSV import sends them with COPY).
   */
  async write(
    trx: Knex.Transaction,
    object: CompiledObject,
    request: BulkRequest,
    caller: Caller,
    insertRows?: RowInserter,
  ): Promise<BulkResult> {
    const { records } = request;
    const { existing, checked, errors } = await this.check(trx, object, request, caller);

    const bad = errors.flatMap((e, index) => e.map((err) => ({ ...err, index })));
    if (bad.length && request.allOrNone) {
      throw invalid(
        `${new Set(bad.map((e) => e.index)).size} of ${records.length} records are not valid; nothing was saved`,
        bad,
      );
    }
    const results: BulkRowResult[] = records.map((_, index) => ({ index, ok: false, errors: errors[index]! }));
    const inserts: { index: number; row: Row }[] = [];
    const touched: Row[] = [];
    const changes: [Row, Row][] = [];
    for (const [index, values] of checked.entries()) {
      if (errors[index]!.length) continue;
      const current = existing.get(index);
      if (current) {
        const [updated] = await this.table(object, trx)
          .where({ id: current.id })
          .update({
            ...toColumnValues(object, values, this.corporateCurrency()),
            version: trx.raw('version + 1'),
            updated_at: trx.fn.now(),
            updated_by: caller.userId,
          })
          .returning<Row[]>('*');
        touched.push(current, updated!);
        changes.push([current, updated!]);
        results[index] = { index, ok: true, id: current.id as string, created: false };
      } else {
        const id = uuidv7();
        // Object.assign, not a spread: spreading rows of differing shapes cost 4 µs a row.
        inserts.push({
          index,
          row: Object.assign(toColumnValues(object, values, this.corporateCurrency()), {
            id,
            owner_id: caller.userId,
            created_by: caller.userId,
            updated_by: caller.userId,
          }),
        });
        results[index] = { index, ok: true, id, created: true };
      }
    }
    // Rows may lack optional columns; knex fills a multi-row insert's gaps with DEFAULT.
    if (insertRows)
      await insertRows(
        trx,
        object,
        inserts.map((i) => i.row),
        caller,
      );
    else {
      for (const chunk of chunks(inserts, CHUNK)) await this.table(object, trx).insert(chunk.map((c) => c.row));
      await recordEvents(
        trx,
        this.schema,
        object,
        inserts.map((i) => i.row.id as string),
        'created',
        caller,
      );
    }
    // Embedded PGlite has no autovacuum: without fresh statistics the planner takes a table that
    // just grew by thousands of rows for empty and stops using its indexes.
    if (inserts.length >= ANALYZE_AFTER) await trx.raw('analyze ??', [`${this.schema}.${object.table}`]);
    await refreshRollups(trx, this.schema, this.metadata(), object, [...touched, ...inserts.map((i) => i.row)]);
    await recordManyChanges(
      trx,
      this.schema,
      object,
      changes.map(([before, after]) => [toRecord(object, before), toRecord(object, after)]),
      caller,
    );
    const ok = results.filter((r) => r.ok);
    return {
      created: ok.filter((r) => r.created).length,
      updated: ok.filter((r) => !r.created).length,
      failed: results.length - ok.length,
      results,
    };
  }

  /** Live records matched by the upsert key, by row index; duplicate or missing keys are row errors. */
  private async findExisting(
    trx: Knex.Transaction,
    object: CompiledObject,
    records: Row[],
    upsertOn: string,
    errors: FieldError[][],
    caller: Caller,
  ): Promise<Map<number, Row>> {
    const editable = recordAccessSql(caller.access, object, this.schema, object.table, 'edit');
    const field = object.fields.get(upsertOn)!;
    const seen = new Map<unknown, number>();
    records.forEach((r, i) => {
      const key = r[upsertOn];
      if (key === undefined || key === null || key === '')
        errors[i]!.push({ field: upsertOn, code: 'required', message: `${upsertOn} is needed to upsert` });
      else if (!field.validate(key))
        errors[i]!.push({ field: upsertOn, code: 'type', message: `${upsertOn} is not a valid ${field.def.type}` });
      else if (seen.has(key))
        errors[i]!.push({
          field: upsertOn,
          code: 'duplicate',
          message: `row ${seen.get(key)} has the same ${upsertOn}`,
        });
      else seen.set(key, i);
    });
    const byKey = new Map<unknown, Row>();
    for (const keys of chunks([...seen.keys()], 1000)) {
      const rows: Row[] = await this.table(object, trx)
        .select(selectColumns(object))
        .select<Row[]>(
          trx.raw('? as _can_edit', [editable ? trx.raw(editable.sql, editable.bindings as Knex.RawBinding[]) : true]),
        )
        .whereIn(field.columns[0]!, keys as Knex.Value[])
        .whereNull('deleted_at')
        .forUpdate();
      for (const row of rows) byKey.set(row[field.columns[0]!], row);
    }
    const existing = new Map<number, Row>();
    for (const [key, index] of seen) {
      const row = byKey.get(field.type.toColumns(key, field.def)[0]);
      if (row && !row._can_edit)
        errors[index]!.push({
          field: upsertOn,
          code: 'recordAccess',
          message: `you may not change the ${object.def.apiName} with this ${upsertOn}`,
        });
      else if (row) existing.set(index, row);
    }
    return existing;
  }
}

/**
 * Object and field permissions of a whole request, before any row is looked at: creating needs
 * create, upserting also edit, and no row may carry a field the caller cannot edit (403 naming
 * the field and the first row that has it; nothing is written).
 */
function checkBulkAccess(object: CompiledObject, request: BulkRequest, caller: Caller): void {
  caller.access.require(object, 'create');
  if (request.upsertOn) caller.access.require(object, 'edit');
  refuseUneditableRows(object, caller.access, request.records);
}

/**
 * Unique fields: clashes with live records and between rows of a request, found before writing.
 * `existing` maps a row to the record it changes, which may keep its own value.
 */
export async function uniqueClashes(
  trx: Knex.Transaction,
  table: Knex.QueryBuilder,
  object: CompiledObject,
  rows: Map<string, unknown>[],
  existing: Map<number, Row>,
  errors: FieldError[][],
): Promise<void> {
  for (const field of object.fields.values()) {
    if (!field.def.unique) continue;
    const { name: column, at } = equalityColumn(field.def);
    const owners = new Map<unknown, number>();
    rows.forEach((values, i) => {
      const v = values.get(field.def.apiName);
      if (v === undefined || v === null) return;
      const stored = field.type.toColumns(v, field.def)[at];
      if (owners.has(stored))
        errors[i]!.push({
          field: field.def.apiName,
          code: 'unique',
          message: `row ${owners.get(stored)} has the same ${field.def.apiName}`,
        });
      else owners.set(stored, i);
    });
    for (const values of chunks([...owners.keys()], 1000)) {
      const taken: Row[] = await table
        .clone()
        .select<Row[]>('id', column)
        .whereIn(column, values as Knex.Value[])
        .whereNull('deleted_at');
      for (const row of taken) {
        const i = owners.get(row[column])!;
        if (existing.get(i)?.id !== row.id)
          errors[i]!.push({
            field: field.def.apiName,
            code: 'unique',
            message: `another ${object.def.apiName} already has this ${field.def.apiName}`,
          });
      }
    }
  }
}
