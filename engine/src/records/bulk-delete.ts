import type { Knex } from 'knex';
import { badRequest, Problem, type FieldError } from '../errors.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { isPlainObject, MAX_BULK } from './bulk.js';
import { lockTargets, rowIds } from './bulk-targets.js';
import type { Caller } from '../security/caller.js';
import { idempotent, requestHash } from './idempotency.js';
import { deleteWithChildren } from './cascade.js';

/**
 * Bulk delete by id (POST /records/{object}/bulk-delete { ids }): up to 10,000 records to the
 * recycle bin in one transaction, each as a single DELETE would — full access to the record (a
 * hidden one is `notFound`), masterDetail children following, each lookup's onDelete honoured
 * (restrict refuses, setNull clears), rollups refreshed, a `deleted` history entry. All-or-none
 * by default.
 */

export interface BulkDeleteRequest {
  ids: unknown[];
  allOrNone: boolean;
}

export type BulkDeleteRowResult =
  { index: number; ok: true; id: string } | { index: number; ok: false; errors: FieldError[] };
export interface BulkDeleteResult {
  deleted: number;
  failed: number;
  results: BulkDeleteRowResult[];
}

export function parseBulkDelete(body: unknown): BulkDeleteRequest {
  if (!isPlainObject(body) || !Array.isArray(body.ids)) {
    throw badRequest('the body must be { "ids": [...] }', [
      { field: '/ids', code: 'type', message: 'expected an array of record ids' },
    ]);
  }
  const { ids, allOrNone } = body;
  if (ids.length === 0 || ids.length > MAX_BULK)
    throw badRequest(`send 1 to ${MAX_BULK} ids`, [{ field: '/ids', code: 'size', message: `1 to ${MAX_BULK} ids` }]);
  const unknownKey = Object.keys(body).find((k) => k !== 'ids' && k !== 'allOrNone');
  if (unknownKey)
    throw badRequest(`unknown property "${unknownKey}"`, [
      { field: `/${unknownKey}`, code: 'unknownProperty', message: 'use ids and allOrNone' },
    ]);
  if (allOrNone !== undefined && typeof allOrNone !== 'boolean')
    throw badRequest('allOrNone is true or false', [
      { field: '/allOrNone', code: 'type', message: 'expected a boolean' },
    ]);
  return { ids, allOrNone: allOrNone !== false };
}

export class BulkDeleter {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: () => CompiledMetadata,
  ) {}

  private toBin(trx: Knex.Transaction, object: CompiledObject, ids: string[], caller: Caller): Promise<void> {
    return deleteWithChildren({ trx, schema: this.schema, metadata: this.metadata(), caller }, object, ids);
  }

  run(
    object: CompiledObject,
    request: BulkDeleteRequest,
    caller: Caller,
    idempotencyKey?: string,
  ): Promise<{ result: BulkDeleteResult; replayed: boolean }> {
    const hash = requestHash({ o: object.def.apiName, delete: request });
    return this.knex.transaction((trx) =>
      idempotent(trx, this.schema, caller.userId, idempotencyKey, hash, () => this.write(trx, object, request, caller)),
    );
  }

  async write(
    trx: Knex.Transaction,
    object: CompiledObject,
    request: BulkDeleteRequest,
    caller: Caller,
  ): Promise<BulkDeleteResult> {
    caller.access.require(object, 'delete');
    const errors: FieldError[][] = request.ids.map(() => []);
    const targets = await lockTargets(
      trx,
      this.schema,
      object,
      rowIds(request.ids, errors),
      caller,
      ['id'],
      () => 'full',
      errors,
    );
    const refuse = () => {
      const bad = errors.flatMap((e, index) => e.map((err) => ({ ...err, index })));
      if (bad.length && request.allOrNone) {
        throw new Problem(
          'not-deleted',
          `${new Set(bad.map((e) => e.index)).size} of ${request.ids.length} records cannot be deleted; nothing was deleted`,
          bad,
        );
      }
    };
    refuse();
    const good = [...targets.keys()].filter((i) => errors[i]!.length === 0);
    const idOf = (i: number) => targets.get(i)!.id as string;
    try {
      // A savepoint: a refusal part-way through a cascade leaves nothing behind.
      await trx.transaction((sp) => this.toBin(sp, object, good.map(idOf), caller));
    } catch (e) {
      if (!isConflict(e)) throw e;
      // Some record is held by a restrict lookup (its own or a cascaded child's): find which,
      // one savepoint a record, so every refused row is named and the others still go.
      for (const i of good) {
        try {
          await trx.transaction((sp) => this.toBin(sp, object, [idOf(i)], caller));
        } catch (one) {
          if (!isConflict(one)) throw one;
          const first = one.errors[0];
          errors[i]!.push({ field: first?.field ?? 'id', code: first?.code ?? 'conflict', message: one.detail });
        }
      }
      refuse();
    }
    const results: BulkDeleteRowResult[] = request.ids.map((_, index) =>
      errors[index]!.length ? { index, ok: false, errors: errors[index]! } : { index, ok: true, id: idOf(index) },
    );
    const deleted = results.filter((r) => r.ok).length;
    return { deleted, failed: results.length - deleted, results };
  }
}

const isConflict = (e: unknown): e is Problem => e instanceof Problem && e.status === 409;
