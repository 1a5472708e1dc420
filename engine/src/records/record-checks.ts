import { badRequest, invalid, Problem } from '../errors.js';
import { UUID } from '../lib/ids.js';
import type { CompiledObject } from '../metadata/compile.js';
import { forbidden } from '../security/access.js';
import type { Caller } from '../security/caller.js';
import { refuseUneditable } from '../security/field-guard.js';
import { validateBody } from './record-validator.js';

/** The checks of a single-record write that need no database, in the order they answer. */

type Row = Record<string, unknown>;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * owner_id is the one system field a body may carry: setting it on create needs modifyAll,
 * changing it (transfer) needs full access to the record — checked where the record is read.
 */
export function splitOwner(
  object: CompiledObject,
  body: unknown,
  caller: Caller,
  mode: 'create' | 'update',
): { fields: unknown; owner?: string } {
  if (!isPlainObject(body) || !Object.hasOwn(body, 'owner_id')) return { fields: body };
  const { owner_id: owner, ...fields } = body;
  if (typeof owner !== 'string' || !UUID.test(owner))
    throw invalid(`the ${object.def.apiName} was not saved`, [
      { field: 'owner_id', code: 'format', message: 'owner_id is the id of a user' },
    ]);
  if (mode === 'create' && !caller.access.object(object.def.apiName).modifyAll) {
    throw forbidden(
      `you may not create ${object.def.apiName} records for someone else`,
      'owner_id',
      'transfer',
      'needs modifyAll on the object',
    );
  }
  return { fields, owner };
}

/** The body's values, checked as the caller writes them (403 for a field they may read but not edit). */
export function checkBody(
  object: CompiledObject,
  body: unknown,
  mode: 'create' | 'update' | 'patch',
  caller: Caller,
  existing?: Row,
): Map<string, unknown> {
  if (!isPlainObject(body))
    throw badRequest('the body must be a JSON object of field values', [
      { field: '/', code: 'type', message: 'expected an object' },
    ]);
  refuseUneditable(object, caller.access, Object.keys(body));
  const { values, errors } = validateBody(object, body, mode, caller.locale, existing, caller.access);
  if (errors.length) throw invalid(`the ${object.def.apiName} was not saved`, errors);
  return values;
}

/** 403 when the caller can see the record but lacks `need` access to it (saying so reveals nothing). */
export function requireRecordAccess(
  object: CompiledObject,
  row: { _can_edit?: unknown; _can_full?: unknown },
  need: 'edit' | 'full',
): void {
  if (row[`_can_${need}`]) return;
  throw forbidden(
    `you can see this ${object.def.apiName} but not ${need === 'edit' ? 'change' : 'delete, share or transfer'} it`,
    'id',
    'recordAccess',
    need === 'edit' ? 'read-only access to this record' : 'only its owner, their managers or users with modifyAll may',
  );
}

/** 412 when If-Match names another version than the record's. */
export function requireVersion(row: Record<string, unknown>, ifMatch: number | undefined): void {
  if (ifMatch === undefined || row.version === ifMatch) return;
  throw new Problem(
    'stale-version',
    `the record changed since version ${ifMatch}; it is now at version ${String(row.version)}`,
    [{ field: 'If-Match', code: 'stale', message: 'reload the record and try again' }],
  );
}
