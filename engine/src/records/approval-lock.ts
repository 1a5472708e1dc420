import type { Knex } from 'knex';
import { conflict, type FieldError } from '../errors.js';
import type { CompiledObject } from '../metadata/compile.js';
import type { Caller } from '../security/caller.js';

/**
 * A record whose approval is pending is locked for edits and deletes (as in Salesforce): only
 * admins and the approval's own actions (runs of event 'approval', via 'approval') change it; other
 * workflows are held like their users. Asked only of
 * objects an active approval process covers, and only about records the caller can see, so the
 * answer never tells them about one they cannot.
 */

export async function lockedByApproval(
  db: Knex | Knex.Transaction,
  schema: string,
  object: CompiledObject,
  ids: readonly string[],
  caller: Caller,
): Promise<Set<string>> {
  if (!object.approvals || caller.access.isAdmin || caller.via === 'approval' || !ids.length) return new Set();
  const rows = await db(`${schema}._approvals`)
    .where({ object: object.def.apiName, status: 'pending' })
    .whereIn('record_id', [...ids])
    .select<{ record_id: string }[]>('record_id');
  return new Set(rows.map((r) => r.record_id));
}

export const lockedError = (object: CompiledObject): FieldError => ({
  field: 'id',
  code: 'approvalPending',
  message: `the ${object.def.apiName} is locked while its approval is pending`,
});

/** Refuses (409) a change to a locked record. */
export async function requireUnlocked(
  db: Knex | Knex.Transaction,
  schema: string,
  object: CompiledObject,
  id: string,
  caller: Caller,
): Promise<void> {
  if ((await lockedByApproval(db, schema, object, [id], caller)).size)
    throw conflict(`the ${object.def.apiName} is locked while its approval is pending; nothing was changed`, [
      lockedError(object),
    ]);
}
