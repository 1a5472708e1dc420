import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import { accessSql, type AccessArm, type AccessPredicate } from '../query/access-predicate.js';
import type { Access } from './access.js';

/**
 * Record-level access: which records of an object a caller may read, edit or fully control,
 * decided here as data (query/access-predicate.ts has the arms and their SQL), and applied in the
 * WHERE (or JOIN … ON) of the very statement that reads the records: never a filter applied after
 * the rows come back.
 *
 * - read: the org-wide default opens it (read, readWrite), or viewAll/modifyAll, or the caller
 *   owns the record, or a user in a role below the caller's owns it, or it is shared with the
 *   caller or one of their groups (manual share), or a criteria sharing rule reaching the caller
 *   matches it.
 * - edit: as read, with readWrite as the only opening default and only edit shares and rules.
 * - full (delete, share, transfer): owner, above the owner in the hierarchy, or modifyAll.
 *
 * The owner conditions use the owner index every object table has: (owner_id, id) on private
 * objects, beside one (owner_id, <sort>, id) per list-view sort (schema/list-indexes.ts), owner_id
 * alone on the others; shares use _record_shares(user_id | group_name, object_id, record_id).
 */

export type RecordMode = 'read' | 'edit' | 'full';

/** The ways the caller reaches records of the object in this mode; null when every record qualifies. */
export function recordAccess(access: Access, object: CompiledObject, mode: RecordMode): AccessPredicate {
  const grant = access.object(object.def.apiName);
  if (grant.modifyAll) return null;
  const sharing = object.def.sharing?.default ?? 'private';
  if (mode === 'read' && (grant.viewAll || sharing !== 'private')) return null;
  if (mode === 'edit' && sharing === 'readWrite') return null;

  const arms: AccessArm[] = [{ kind: 'owner', userId: access.userId }];
  const below = access.subordinateRoles();
  if (below.length) arms.push({ kind: 'ownerRole', roles: below });
  if (mode !== 'full') {
    arms.push({
      kind: 'shared',
      objectId: object.def.id,
      userId: access.userId,
      groups: access.principal.groups,
      editOnly: mode === 'edit',
    });
    for (const rule of access.sharingRules(object)) {
      if (mode === 'edit' && rule.access !== 'edit') continue;
      arms.push({ kind: 'rule', criteria: rule.criteria });
    }
  }
  return arms;
}

/** recordAccess as one SQL condition on `alias`, or null when every record qualifies. */
export function recordAccessSql(
  access: Access,
  object: CompiledObject,
  schema: string,
  alias: string,
  mode: RecordMode,
): SqlFragment | null {
  return accessSql(recordAccess(access, object, mode), { schema, alias, object });
}
