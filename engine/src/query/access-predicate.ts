import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledObject } from '../metadata/compile.js';
import { compileFormula } from '../rules/formula-sql.js';

/**
 * Record access as data: the ways a caller may reach records of one object, any one of which
 * grants access (security/record-access.ts decides which apply), and their SQL on one table
 * alias. A predicate of null lets every record through.
 *
 * Each arm is indexable on its own: the owner by the owner_id index, subordinates' and shared
 * records through `= any(array(subquery))`, which Postgres computes once and looks up in the owner
 * or primary-key index. Lists run one branch per arm (list-statement.ts), each with its own ORDER
 * BY and LIMIT, so the owner branch of a user who owns 1% of a table reads its page down the
 * (owner_id, <sort>, id) index: the page and one row more, not every record the user owns.
 */

export type AccessArm =
  | { kind: 'owner'; userId: string }
  | { kind: 'ownerRole'; roles: readonly string[] }
  | { kind: 'shared'; objectId: string; userId: string; groups: readonly string[]; editOnly: boolean }
  | { kind: 'rule'; criteria: unknown };

export type AccessPredicate = readonly AccessArm[] | null;

/** Where the SQL goes: the tenant's schema, the table alias, the object (for a rule's fields). */
export interface AccessTarget {
  schema: string;
  alias: string;
  object: CompiledObject;
}

const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');

/** One arm as a condition on `target.alias`; null when it can match nothing (a rule that no longer compiles). */
function armSql(arm: AccessArm, target: AccessTarget): SqlFragment | null {
  const { schema, alias } = target;
  switch (arm.kind) {
    case 'owner':
      return { sql: '??.owner_id = ?', bindings: [alias, arm.userId] };
    case 'ownerRole':
      return {
        sql: `??.owner_id = any(array(select u.id from ??._users u where u.role in (${list(arm.roles.length)})))`,
        bindings: [alias, schema, ...arm.roles],
      };
    case 'shared': {
      const grantee = arm.groups.length
        ? `(s.user_id = ? or s.group_name in (${list(arm.groups.length)}))`
        : 's.user_id = ?';
      return {
        sql: `??.id = any(array(select s.record_id from ??._record_shares s where s.object_id = ? and ${grantee}${arm.editOnly ? " and s.access = 'edit'" : ''}))`,
        bindings: [alias, schema, arm.objectId, arm.userId, ...arm.groups],
      };
    }
    case 'rule': {
      const sql = ruleSql(arm.criteria, target.object, alias);
      return sql === null ? null : { sql, bindings: [] };
    }
  }
}

/** The arms' SQL, each a condition of its own (null arms left out). */
export function armsSql(predicate: readonly AccessArm[], target: AccessTarget): SqlFragment[] {
  return predicate.map((arm) => armSql(arm, target)).filter((s): s is SqlFragment => s !== null);
}

/** The whole predicate as one condition, or null when every record qualifies. */
export function accessSql(predicate: AccessPredicate, target: AccessTarget): SqlFragment | null {
  if (!predicate) return null;
  const arms = armsSql(predicate, target);
  if (!arms.length) return { sql: 'false', bindings: [] };
  return { sql: `(${arms.map((p) => p.sql).join(' or ')})`, bindings: arms.flatMap((p) => p.bindings) };
}

/** What a predicate's SQL text depends on (not its values): part of a prepared statement's key. */
export function predicateShape(predicate: AccessPredicate): string {
  if (!predicate) return 'all';
  return predicate
    .map((arm) => {
      switch (arm.kind) {
        case 'owner':
          return 'o';
        case 'ownerRole':
          return `r${arm.roles.length}`;
        case 'shared':
          return `s${arm.groups.length}${arm.editOnly ? 'e' : ''}`;
        case 'rule':
          return criteriaShape(arm.criteria);
      }
    })
    .join('|');
}

// A rule's criteria as text, once per criteria object (the release's frozen metadata).
const criteriaShapes = new WeakMap<object, string>();
function criteriaShape(criteria: unknown): string {
  if (typeof criteria !== 'object' || criteria === null) return JSON.stringify(criteria);
  let shape = criteriaShapes.get(criteria);
  if (shape === undefined) criteriaShapes.set(criteria, (shape = JSON.stringify(criteria)));
  return shape;
}

// A sharing rule's criteria compiled to SQL once per release and alias: the criteria objects
// belong to the release's frozen metadata, so they key the cache and leave with it.
const compiledRules = new WeakMap<object, Map<string, string | null>>();

function ruleSql(criteria: unknown, object: CompiledObject, alias: string): string | null {
  const key = typeof criteria === 'object' && criteria !== null ? criteria : undefined;
  const byAlias = key && compiledRules.get(key);
  const cached = byAlias?.get(alias);
  if (cached !== undefined) return cached;
  const fields = new Map([...object.fields].map(([name, f]) => [name, f.def]));
  const { sql } = compileFormula(criteria, fields, 'boolean', alias);
  // Compiled when the object was saved; a rule that no longer compiles shares nothing. knex reads
  // ? as a binding, also inside the rule's text literals: \? keeps it a character.
  const result = sql ? `coalesce(${sql.replace(/\?/g, '\\?')}, false)` : null;
  if (key) {
    if (!byAlias) compiledRules.set(key, new Map([[alias, result]]));
    else byAlias.set(alias, result);
  }
  return result;
}
