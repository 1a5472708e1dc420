import type { Knex } from 'knex';
import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledField, CompiledObject } from '../metadata/compile.js';
import { lookupField, type SystemField } from './filter-parser.js';

/**
 * Field paths in list requests: `amount` on the object itself, or `account.industry` through a
 * lookup, one level deep. Each lookup a request goes through becomes one LEFT JOIN of the same
 * statement (aliased `_j0`, `_j1` …; `_` cannot start an API name), never a query per row.
 */

export interface Join {
  alias: string;
  lookup: CompiledField;
  target: CompiledObject;
}

export interface ResolvedPath {
  field: CompiledField | SystemField;
  /** The table alias the field's columns live under; undefined means the object's own row. */
  alias?: string;
}

export class PathResolver {
  readonly joins = new Map<string, Join>();

  constructor(
    readonly object: CompiledObject,
    private readonly objects: ReadonlyMap<string, CompiledObject>,
  ) {}

  resolve(path: string): ResolvedPath | undefined {
    const dot = path.indexOf('.');
    if (dot < 0) {
      const field = lookupField(this.object, path);
      return field && { field };
    }
    const join = this.join(path.slice(0, dot));
    const field = join && lookupField(join.target, path.slice(dot + 1));
    return field && { field, alias: join.alias };
  }

  /** The join through lookup field `name`, created on first use. */
  join(name: string): Join | undefined {
    const existing = this.joins.get(name);
    if (existing) return existing;
    const lookup = this.object.fields.get(name);
    const target = lookup?.def.target ? this.objects.get(lookup.def.target) : undefined;
    if (!lookup || !target) return undefined;
    const join = { alias: `_j${this.joins.size}`, lookup, target };
    this.joins.set(name, join);
    return join;
  }

  /**
   * LEFT JOINs for the lookups used. `visible` narrows each join to the target records the
   * caller may see (record access), so a hidden parent reads as no parent.
   */
  applyJoins(qb: Knex.QueryBuilder, schema: string, alias: string, visible?: (join: Join) => SqlFragment | null): void {
    for (const j of this.joins.values()) {
      const condition = visible?.(j);
      qb.leftJoin(`${schema}.${j.target.table} as ${j.alias}`, (on) => {
        on.on(`${j.alias}.id`, '=', `${alias}.${j.lookup.columns[0]}`).andOnNull(`${j.alias}.deleted_at`);
        if (condition) on.andOn(qb.client.raw(condition.sql, condition.bindings) as Knex.Raw);
      });
    }
  }
}
