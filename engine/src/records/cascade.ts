import type { Knex } from 'knex';
import { conflict } from '../errors.js';
import { onDeleteOf } from '../fields/index.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import type { Caller } from '../security/caller.js';
import { recordEvents } from './history.js';
import { refreshRollups } from './rollups.js';

/**
 * Moving records to the recycle bin and back with what points at them, in the caller's
 * transaction. A delete follows each lookup's rule in the objects that point here — restrict
 * (refuse while live records point here), setNull (clear the lookup), cascade (masterDetail
 * children, and lookups marked so, go to the bin too) — to at most 10 levels. The records a
 * cascade moved share the deleted_at of its transaction, which is how a restore finds them.
 */

const MAX_DEPTH = 10;

export interface CascadeContext {
  trx: Knex.Transaction;
  schema: string;
  metadata: CompiledMetadata;
  caller: Caller;
}

const table = (ctx: CascadeContext, object: CompiledObject) => ctx.trx(`${ctx.schema}.${object.table}`);

export async function deleteWithChildren(
  ctx: CascadeContext,
  object: CompiledObject,
  ids: string[],
  depth = 0,
): Promise<void> {
  const { trx, caller } = ctx;
  if (depth > MAX_DEPTH) throw conflict('delete cascades more than 10 levels deep; delete the children first');
  for (const ref of object.referencedBy) {
    const child = ctx.metadata.objects.get(ref.object)!;
    const column = ref.field.apiName;
    const rule = onDeleteOf(ref.field) ?? 'setNull';
    const children = table(ctx, child).whereIn(column, ids).whereNull('deleted_at');
    if (rule === 'restrict') {
      const blocking = await children.clone().count<{ n: string }[]>({ n: '*' }).first();
      if (Number(blocking?.n) > 0) {
        throw conflict(
          `${blocking?.n} ${child.def.apiName} record(s) point at this record through ${column}; nothing was deleted`,
          [
            {
              field: `${child.def.apiName}.${column}`,
              code: 'restrict',
              message: 'delete or re-point those records first',
            },
          ],
        );
      }
    } else if (rule === 'setNull') {
      await children.clone().update({
        [column]: null,
        version: trx.raw('version + 1'),
        updated_at: trx.fn.now(),
        updated_by: caller.userId,
      });
    } else {
      const childIds = (await children.clone().select('id')).map((r: { id: string }) => r.id);
      if (childIds.length) await deleteWithChildren(ctx, child, childIds, depth + 1);
    }
  }
  const deleted = await table(ctx, object)
    .whereIn('id', ids)
    .update({ deleted_at: trx.fn.now(), version: trx.raw('version + 1'), updated_by: caller.userId })
    .returning('*');
  await refreshRollups(trx, ctx.schema, ctx.metadata, object, deleted);
  await recordEvents(trx, ctx.schema, object, ids, 'deleted', caller);
}

/** Brings records back with the children their delete cascaded to: those deleted at `stamp` (as text, to the microsecond). */
export async function restoreWithChildren(
  ctx: CascadeContext,
  object: CompiledObject,
  ids: string[],
  stamp: string,
  depth = 0,
): Promise<void> {
  const { trx, caller } = ctx;
  const restored = await table(ctx, object)
    .whereIn('id', ids)
    .update({ deleted_at: null, version: trx.raw('version + 1'), updated_at: trx.fn.now(), updated_by: caller.userId })
    .returning('*');
  await refreshRollups(trx, ctx.schema, ctx.metadata, object, restored);
  await recordEvents(trx, ctx.schema, object, ids, 'restored', caller);
  if (depth >= MAX_DEPTH) return;
  for (const ref of object.referencedBy) {
    if (onDeleteOf(ref.field) !== 'cascade') continue;
    const child = ctx.metadata.objects.get(ref.object)!;
    const childIds = (
      await table(ctx, child)
        .whereIn(ref.field.apiName, ids)
        .where('deleted_at', trx.raw('?::timestamptz', [stamp]))
        .select('id')
    ).map((r: { id: string }) => r.id);
    if (childIds.length) await restoreWithChildren(ctx, child, childIds, stamp, depth + 1);
  }
}
