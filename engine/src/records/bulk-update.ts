import type { Knex } from 'knex';
import { UUID } from '../lib/ids.js';
import { badRequest, invalid, type FieldError } from '../errors.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { chunks, isPlainObject, MAX_BULK, uniqueClashes, type BulkResult, type BulkRowResult } from './bulk.js';
import { lockTargets, rowIds } from './bulk-targets.js';
import type { Caller } from '../security/caller.js';
import { translateDbError } from './db-errors.js';
import { recordManyChanges } from './history.js';
import { idempotent, requestHash } from './idempotency.js';
import { missingReferences } from './lookups.js';
import { selectColumns, toColumnValues, toRecord } from './record-shape.js';
import { validateBody } from './record-validator.js';
import { refreshRollups } from './rollups.js';
import { refuseUneditableRows } from '../security/field-guard.js';

/**
 * Bulk update by id (PATCH /records/{object}/bulk): up to 10,000 rows `{ id, version?, owner_id?,
 * …fields }`, each through what a single PATCH checks — edit access to the record (a hidden one
 * is `notFound`), field-level edit permission, `version` as If-Match, the transfer rights an
 * owner_id change needs, field values, validation rules, lookups, unique fields — all checked
 * before anything is written. All-or-none by default; history entries and rollups as single writes.
 */

type Row = Record<string, unknown>;
/** Keys of a row that are not field values. */
const CONTROL = new Set(['id', 'version', 'owner_id']);

export interface BulkUpdateRequest {
  records: Row[];
  allOrNone: boolean;
}

export function parseBulkUpdate(body: unknown): BulkUpdateRequest {
  if (!isPlainObject(body) || !Array.isArray(body.records)) {
    throw badRequest('the body must be { "records": [{ "id": …, …changes }] }', [
      { field: '/records', code: 'type', message: 'expected an array of changes' },
    ]);
  }
  const { records, allOrNone } = body;
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
  const unknownKey = Object.keys(body).find((k) => k !== 'records' && k !== 'allOrNone');
  if (unknownKey)
    throw badRequest(`unknown property "${unknownKey}"`, [
      { field: `/${unknownKey}`, code: 'unknownProperty', message: 'use records and allOrNone' },
    ]);
  if (allOrNone !== undefined && typeof allOrNone !== 'boolean')
    throw badRequest('allOrNone is true or false', [
      { field: '/allOrNone', code: 'type', message: 'expected a boolean' },
    ]);
  return { records: records as Row[], allOrNone: allOrNone !== false };
}

export class BulkUpdater {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: () => CompiledMetadata,
    private readonly corporateCurrency: () => string,
  ) {}

  private table(object: CompiledObject, trx: Knex.Transaction) {
    return trx(`${this.schema}.${object.table}`);
  }

  run(
    object: CompiledObject,
    request: BulkUpdateRequest,
    caller: Caller,
    idempotencyKey?: string,
  ): Promise<{ result: BulkResult; replayed: boolean }> {
    const hash = requestHash({ o: object.def.apiName, update: request });
    return this.knex.transaction((trx) =>
      idempotent(trx, this.schema, caller.userId, idempotencyKey, hash, () => this.write(trx, object, request, caller)),
    );
  }

  async write(
    trx: Knex.Transaction,
    object: CompiledObject,
    request: BulkUpdateRequest,
    caller: Caller,
  ): Promise<BulkResult> {
    const { records } = request;
    caller.access.require(object, 'edit');
    refuseUneditableRows(object, caller.access, records);
    const errors: FieldError[][] = records.map(() => []);
    const transfers = (i: number) => Object.hasOwn(records[i]!, 'owner_id');
    const ids = rowIds(
      records.map((r) => r.id),
      errors,
    );
    const current = await lockTargets(
      trx,
      this.schema,
      object,
      ids,
      caller,
      selectColumns(object),
      (i) => (transfers(i) ? 'full' : 'edit'),
      errors,
      'owner_id',
    );

    const checked = records.map((body, i) => {
      const row = current.get(i);
      if (!row) return new Map<string, unknown>();
      errors[i]!.push(...staleVersion(body.version, row.version as number));
      const fields: Row = {};
      for (const key of Object.keys(body)) if (!CONTROL.has(key)) fields[key] = body[key];
      const { values, errors: rowErrors } = validateBody(
        object,
        fields,
        'update',
        caller.locale,
        toRecord(object, row),
        caller.access,
      );
      errors[i]!.push(...rowErrors);
      return values;
    });
    (await missingReferences(trx, this.schema, this.metadata(), object, checked, caller.access)).forEach((e, i) =>
      errors[i]!.push(...e),
    );
    await uniqueClashes(trx, this.table(object, trx), object, checked, current, errors);
    await this.checkOwners(trx, records, current, errors);

    const bad = errors.flatMap((e, index) => e.map((err) => ({ ...err, index })));
    if (bad.length && request.allOrNone) {
      throw invalid(
        `${new Set(bad.map((e) => e.index)).size} of ${records.length} records cannot be changed; nothing was saved`,
        bad,
      );
    }
    const good = [...current.keys()].filter((i) => errors[i]!.length === 0);
    const updated = await this.update(
      trx,
      object,
      good.map((i) => ({
        id: current.get(i)!.id as string,
        columns: {
          ...toColumnValues(object, checked[i]!, this.corporateCurrency()),
          ...(transfers(i) ? { owner_id: records[i]!.owner_id } : {}),
        },
      })),
      caller,
    );

    const befores = good.map((i) => current.get(i)!);
    await refreshRollups(trx, this.schema, this.metadata(), object, [...befores, ...updated.values()]);
    await recordManyChanges(
      trx,
      this.schema,
      object,
      befores.map((before) => [toRecord(object, before), toRecord(object, updated.get(before.id as string)!)]),
      caller,
    );
    const results: BulkRowResult[] = records.map((_, index) => {
      const after = errors[index]!.length ? undefined : updated.get(current.get(index)!.id as string);
      return after
        ? { index, ok: true, id: after.id as string, created: false, version: after.version as number }
        : { index, ok: false, errors: errors[index]! };
    });
    return { created: 0, updated: good.length, failed: records.length - good.length, results };
  }

  /**
   * One UPDATE per distinct set of new values (a mass update or a change of owner is a single
   * statement for any number of records), returning the rows as saved, by id.
   */
  private async update(
    trx: Knex.Transaction,
    object: CompiledObject,
    changes: { id: string; columns: Row }[],
    caller: Caller,
  ): Promise<Map<string, Row>> {
    const groups = new Map<string, { columns: Row; ids: string[] }>();
    for (const { id, columns } of changes) {
      const key = JSON.stringify(Object.entries(columns));
      const group = groups.get(key) ?? { columns, ids: [] };
      group.ids.push(id);
      groups.set(key, group);
    }
    const saved = new Map<string, Row>();
    try {
      for (const { columns, ids } of groups.values()) {
        for (const part of chunks(ids, 1000)) {
          const rows: Row[] = await this.table(object, trx)
            .whereIn('id', part)
            .update({
              ...columns,
              version: trx.raw('version + 1'),
              updated_at: trx.fn.now(),
              updated_by: caller.userId,
            })
            .returning(selectColumns(object));
          for (const row of rows) saved.set(row.id as string, row);
        }
      }
    } catch (e) {
      throw translateDbError(object, e);
    }
    return saved;
  }

  /** A new owner must be an active user: one query for every owner the request names. */
  private async checkOwners(
    trx: Knex.Transaction,
    records: Row[],
    current: Map<number, Row>,
    errors: FieldError[][],
  ): Promise<void> {
    const wanted = new Map<number, string>();
    for (const index of current.keys()) {
      const body = records[index]!;
      if (!Object.hasOwn(body, 'owner_id')) continue;
      const owner = body.owner_id;
      if (typeof owner !== 'string' || !UUID.test(owner))
        errors[index]!.push({ field: 'owner_id', code: 'format', message: 'owner_id is the id of a user' });
      else wanted.set(index, owner.toLowerCase());
    }
    if (!wanted.size) return;
    const active = new Set(
      (
        await trx(`${this.schema}._users`)
          .whereIn('id', [...new Set(wanted.values())])
          .where({ active: true })
          .select('id')
      ).map((u: { id: string }) => u.id),
    );
    for (const [index, owner] of wanted)
      if (!active.has(owner))
        errors[index]!.push({ field: 'owner_id', code: 'reference', message: `no active user ${owner}` });
  }
}

/** `version` acts as If-Match: a row naming a version the record has moved past is refused as stale. */
function staleVersion(version: unknown, now: number): FieldError[] {
  if (version === undefined) return [];
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    return [{ field: 'version', code: 'type', message: "version is the record's version number, as read" }];
  if (version !== now)
    return [
      {
        field: 'version',
        code: 'stale',
        message: `the record changed since version ${String(version)}; it is now at version ${now}`,
      },
    ];
  return [];
}
