import type { Knex } from 'knex';
import type { CompiledObject } from '../metadata/compile.js';
import { accessSql, armsSql } from './access-predicate.js';
import { applyFilter } from './filter-compiler.js';
import { hiddenImportsSql } from './import-visibility.js';
import { applyKeyset, applySort, selectSortValues } from './keyset.js';
import type { ListPlan } from './list-plan.js';
import { recordJsonSql, type Expansion } from './record-json.js';
import { SESSION_HOLDS, SESSION_COLUMN, sessionCte } from './session-check.js';

/**
 * A list plan → its one statement. The statement answers one row: `data`, the page's records as
 * JSON text joined in order (Postgres builds them; Node never decodes a record), `rows`, how many
 * rows the page query found (one more than the page: there is a next page), `keys`, the sort
 * values of the page's last record for the cursor, and with a session check, `session`.
 */

const ALIAS = 'r';

export interface StatementContext {
  knex: Knex;
  schema: string;
  objects: ReadonlyMap<string, CompiledObject>;
}

/** The one row a list statement answers. */
export interface ListAnswer {
  data: string | null;
  rows: number;
  keys: string | null;
  /** With a session check: whether it held. When false the statement read nothing. */
  session?: boolean;
}

export function listStatement(plan: ListPlan, ctx: StatementContext): Knex.SqlNative {
  const { knex, schema } = ctx;
  const object = ctx.objects.get(plan.object)!;
  const { sort, limit } = plan;
  const base = rowsOf(plan, ctx);
  // Record access: each way the caller may see records (own, subordinates', shared, rules) is
  // one branch of the same statement, so each is planned with its own index; UNION makes a
  // record seen two ways one row. A single way (or none to check) needs no UNION.
  const arms = plan.access ? armsSql(plan.access, { schema, alias: ALIAS, object }) : undefined;
  const branches = arms
    ? arms.map((arm) => base.clone().whereRaw(arm.sql, arm.bindings as Knex.RawBinding[]))
    : [base.clone()];
  // The page is chosen first, and only its rows are rendered as JSON: were the JSON in the same
  // select, a sort no index serves would render every matching row. Each branch picks its first
  // page of whole rows; with several, a record seen two ways is kept once (DISTINCT ON its id:
  // UNION would compare every column, and a json column has no equality) and the page is taken
  // from what the branches found. Reading the page's rows again by id instead cost a primary-key
  // lookup per row: a rep's private list spent 1.5 ms of PostgreSQL time a page against 0.9.
  const pageOf = (q: Knex.QueryBuilder) => {
    q.select(`${ALIAS}.*`);
    selectSortValues(knex, q, sort, ALIAS); // exact text values for the cursor: _k0, _k1 …
    for (const [i, k] of sort.entries()) q.select(`${k.alias ?? ALIAS}.${k.column} as _s${i}`);
    if (plan.after) applyKeyset(q, sort, plan.after, ALIAS);
    applySort(q, sort, ALIAS);
    return q.limit(limit + 1);
  };
  const pageQb: Knex.QueryBuilder =
    branches.length === 1
      ? pageOf(branches[0]!)
      : knex
          .select('*')
          .from(
            knex
              .select(knex.raw('distinct on (_u.id) _u.*'))
              .from(knex.unionAll(branches.map(pageOf), true).as('_u'))
              .orderBy('_u.id')
              .as('_d'),
          )
          .orderBy(sort.map((k, i) => ({ column: `_d._s${i}`, order: k.desc ? 'desc' : 'asc' })))
          .limit(limit + 1);
  if (plan.session) pageQb.whereRaw(SESSION_HOLDS);
  const json = recordJsonSql(object, ALIAS, plan.fields && new Set(plan.fields), expansions(plan, ctx));
  const qb = knex.from(pageQb.as(ALIAS));
  joinLookups(qb, plan, ctx);
  qb.select(
    knex.raw('? as _json', [knex.raw(json.sql, json.bindings as Knex.RawBinding[])]),
    ...sort.map((_k, i) => `${ALIAS}._k${i}`),
  ).rowNumber('_n', (w) => {
    for (const [i, k] of sort.entries()) w.orderBy(`${ALIAS}._s${i}`, k.desc ? 'desc' : 'asc');
  });
  const answer = knex
    .from(qb.as('_r'))
    .select(
      knex.raw("string_agg(_r._json, ',' order by _r._n) filter (where _r._n <= ?) as data", [limit]),
      knex.raw('count(*)::int as rows'),
      knex.raw('max(json_build_array(??)::text) filter (where _r._n = ?) as keys', [
        sort.map((_k, i) => `_r._k${i}`),
        limit,
      ]),
    );
  if (plan.session) {
    const check = sessionCte(plan.session);
    answer.with('_s', knex.raw(check.sql, check.bindings as Knex.RawBinding[])).select(knex.raw(SESSION_COLUMN));
  }
  return answer.toSQL().toNative();
}

/** `count=exact`: the rows the plan's filter and access let through, without a page. */
export function countQuery(plan: ListPlan, ctx: StatementContext): Knex.QueryBuilder {
  const object = ctx.objects.get(plan.object)!;
  const base = rowsOf(plan, ctx);
  const condition = accessSql(plan.access, { schema: ctx.schema, alias: ALIAS, object });
  if (condition) base.whereRaw(condition.sql, condition.bindings as Knex.RawBinding[]);
  return base;
}

/** The rows a request is about, before record access and paging: joins, recycle-bin state, filter. */
function rowsOf(plan: ListPlan, ctx: StatementContext): Knex.QueryBuilder {
  const base = ctx.knex(`${ctx.schema}.${plan.table} as ${ALIAS}`);
  joinLookups(base, plan, ctx);
  if (plan.deleted) base.whereNotNull(`${ALIAS}.deleted_at`);
  else base.whereNull(`${ALIAS}.deleted_at`);
  const importing = hiddenImportsSql(ctx.schema, plan.table, ALIAS);
  if (importing) base.whereRaw(importing.sql, importing.bindings as Knex.RawBinding[]);
  if (plan.filter) applyFilter(base, plan.filter, ALIAS);
  return base;
}

/**
 * LEFT JOINs for the lookups used, each narrowed to the target records the caller may see, so a
 * hidden parent reads as no parent.
 */
function joinLookups(qb: Knex.QueryBuilder, plan: ListPlan, ctx: StatementContext): void {
  for (const j of plan.joins) {
    const target = ctx.objects.get(j.object)!;
    const condition = accessSql(j.access, { schema: ctx.schema, alias: j.alias, object: target });
    qb.leftJoin(`${ctx.schema}.${j.table} as ${j.alias}`, (on) => {
      on.on(`${j.alias}.id`, '=', `${ALIAS}.${j.column}`).andOnNull(`${j.alias}.deleted_at`);
      if (condition) on.andOn(ctx.knex.raw(condition.sql, condition.bindings as Knex.RawBinding[]));
    });
  }
}

function expansions(plan: ListPlan, ctx: StatementContext): Map<string, Expansion> {
  return new Map(
    plan.expand.map((e) => {
      const target = ctx.objects.get(plan.joins.find((j) => j.alias === e.alias)!.object)!;
      return [e.field, { alias: e.alias, fields: e.fields.map((name) => target.fields.get(name)!) }];
    }),
  );
}
