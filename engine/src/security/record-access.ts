import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import { compileFormula } from '../rules/formula-sql.js';
import type { Access } from './access.js';

/**
 * Record-level access as a SQL condition on one table alias, for the WHERE (or JOIN … ON) of the
 * very statement that reads the records: never a filter applied after the rows come back.
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

/** A SQL condition, or null when every record qualifies. Bindings are values; identifiers are quoted by knex (??). */
export function recordAccessSql(
  access: Access,
  object: CompiledObject,
  schema: string,
  alias: string,
  mode: RecordMode,
): SqlFragment | null {
  const arms = recordAccessArms(access, object, schema, alias, mode);
  if (!arms) return null;
  return { sql: `(${arms.map((p) => p.sql).join(' or ')})`, bindings: arms.flatMap((p) => p.bindings) };
}

/**
 * The same condition as its alternatives (any one grants access), or null when every record
 * qualifies. Each is indexable on its own: the owner by the owner_id index, subordinates' and
 * shared records through `= any(array(subquery))`, which Postgres computes once and looks up in
 * the owner or primary-key index. Lists run one branch per alternative (records.service.ts),
 * each with its own ORDER BY and LIMIT, so the owner branch of a user who owns 1% of a table
 * reads its page down the (owner_id, <sort>, id) index like a hand-written query: the page and
 * one row more, not every record the user owns.
 */
export function recordAccessArms(
  access: Access,
  object: CompiledObject,
  schema: string,
  alias: string,
  mode: RecordMode,
): SqlFragment[] | null {
  const grant = access.object(object.def.apiName);
  if (grant.modifyAll) return null;
  const sharing = object.def.sharing?.default ?? 'private';
  if (mode === 'read' && (grant.viewAll || sharing !== 'private')) return null;
  if (mode === 'edit' && sharing === 'readWrite') return null;

  const parts: SqlFragment[] = [{ sql: '??.owner_id = ?', bindings: [alias, access.userId] }];
  const below = access.subordinateRoles();
  if (below.length) {
    parts.push({
      sql: `??.owner_id = any(array(select u.id from ??._users u where u.role in (${below.map(() => '?').join(', ')})))`,
      bindings: [alias, schema, ...below],
    });
  }
  if (mode !== 'full') {
    const groups = access.principal.groups;
    const grantee = groups.length
      ? `(s.user_id = ? or s.group_name in (${groups.map(() => '?').join(', ')}))`
      : 's.user_id = ?';
    parts.push({
      sql: `??.id = any(array(select s.record_id from ??._record_shares s where s.object_id = ? and ${grantee}${mode === 'edit' ? " and s.access = 'edit'" : ''}))`,
      bindings: [alias, schema, object.def.id, access.userId, ...groups],
    });
    const fields = new Map([...object.fields].map(([name, f]) => [name, f.def]));
    for (const rule of access.sharingRules(object)) {
      if (mode === 'edit' && rule.access !== 'edit') continue;
      const { sql } = compileFormula(rule.criteria, fields, 'boolean', alias);
      // Compiled when the object was saved; a rule that no longer compiles shares nothing.
      // knex reads ? as a binding, also inside the rule's text literals: \? keeps it a character.
      if (sql) parts.push({ sql: `coalesce(${sql.replace(/\?/g, '\\?')}, false)`, bindings: [] });
    }
  }
  return parts;
}
