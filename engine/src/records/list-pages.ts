import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { runNative } from '../db/prepared.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { cursorRefused, encodeCursor, sortValueAlias } from '../query/keyset.js';
import { listShape, type IndexShape } from '../query/index-shape.js';
import { planList, type ListPlan, type ListRequest } from '../query/list-plan.js';
import { countQuery, listStatement, type ListAnswer, type StatementContext } from '../query/list-statement.js';
import type { IndexUsage } from './index-usage.js';
import { sessionAnswered, type Caller } from '../security/caller.js';
import { guardedResolver } from '../security/field-guard.js';
import { recordAccess } from '../security/record-access.js';

/**
 * List pages: a request planned against the caller (query/list-plan.ts), its one statement
 * (query/list-statement.ts) remembered for the same request from the same caller, run as a
 * prepared statement, and its one-row answer made into a page with the next cursor.
 */

export interface ListPage {
  /** The records as JSON texts joined by commas, in order: the inside of a JSON array. */
  records: string;
  nextCursor: string | null;
  count?: number;
  countType?: 'exact' | 'estimated';
}

/** A list request's plan and statement, kept for the same request from the same caller. */
interface PreparedList {
  plan: ListPlan;
  native: Knex.SqlNative;
  /** The index that would serve it, counted for the index advisor. */
  shape: IndexShape | undefined;
}

/** Everything a list statement depends on: request, release, day, and who asks with which grants. */
function listKey(object: CompiledObject, release: number, request: ListRequest, caller: Caller): string {
  const p = caller.access.principal;
  const { filter, sort, fields, limit, cursor, deleted } = request;
  const s = caller.session;
  return JSON.stringify([
    object.def.apiName,
    release,
    new Date().toISOString().slice(0, 10),
    filter,
    sort,
    fields,
    limit,
    cursor,
    deleted,
    p.id,
    p.isAdmin,
    p.role,
    p.permissionSets,
    p.groups,
    s ? [s.tokenHash, s.grantsStamp, s.named] : null,
  ]);
}
export class ListPages {
  private readonly lists = new LRUCache<string, PreparedList>({ max: 1000 });

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: () => CompiledMetadata,
    private readonly usage?: IndexUsage,
  ) {}

  /** One page of records. Each record arrives as JSON text built by Postgres (query/record-json.ts). */
  async page(object: CompiledObject, request: ListRequest, caller: Caller): Promise<ListPage> {
    caller.access.require(object, 'read');
    // The same request from the same caller, on the same release and day (relative dates), is
    // the same statement: reuse it rather than plan and build it again. Counts are not.
    const key = request.count === undefined ? listKey(object, this.metadata().release, request, caller) : undefined;
    let prepared = key === undefined ? undefined : this.lists.get(key);
    if (!prepared) {
      const plan = this.plan(object, request, caller);
      prepared = { plan, native: listStatement(plan, this.statementContext()), shape: listShape(object, plan) };
      if (key !== undefined) this.lists.set(key, prepared);
    }
    const { plan } = prepared;
    if (prepared.shape) this.usage?.saw(object, prepared.shape);
    let page: ListAnswer;
    try {
      // An aggregate without GROUP BY: always exactly one row.
      page = (await runNative<ListAnswer>(this.knex, prepared.native))[0]!;
    } catch (e) {
      // Filter values are checked against the field types before they get here, so a data
      // exception (class 22: bad date, uuid, number …) can only come from a tampered cursor.
      if (plan.after && /^22/.test(String((e as { code?: unknown }).code))) throw cursorRefused();
      throw e;
    }
    sessionAnswered(caller, page.session);
    const count = plan.count && (await this.count(plan));
    // One more row than the page: there is a next page, after the page's last record.
    const last = page.rows > plan.limit ? (JSON.parse(page.keys!) as unknown[]) : undefined;
    return {
      ...(count === undefined ? {} : { count, countType: plan.count }),
      records: page.data ?? '',
      nextCursor: last ? encodeCursor(plan.sort, Object.fromEntries(last.map((v, i) => [sortValueAlias(i), v]))) : null,
    };
  }

  /** A list request checked against the object and the caller, as data (query/list-plan.ts). */
  plan(object: CompiledObject, request: ListRequest, caller: Caller): ListPlan {
    const { access } = caller;
    return planList(object, request, {
      objects: this.metadata().objects,
      guard: (paths) => guardedResolver(paths, access),
      ...(access.isAdmin ? {} : { readable: access.readableFields(object) }),
      access: (target) => recordAccess(access, target, 'read'),
      ...(caller.session ? { session: caller.session } : {}),
    });
  }

  private statementContext(): StatementContext {
    return { knex: this.knex, schema: this.schema, objects: this.metadata().objects };
  }

  /** exact: a second statement; estimated: the planner's row estimate, cheap on any table size. */
  private async count(plan: ListPlan): Promise<number> {
    const counted = countQuery(plan, this.statementContext());
    if (plan.count === 'exact') {
      const row = await counted.count<{ n: string }[]>({ n: '*' }).first();
      return Number(row?.n ?? 0);
    }
    const { sql, bindings } = counted.select(this.knex.raw('1')).toSQL();
    // EXPLAIN (FORMAT JSON) answers one row holding a one-element array.
    const explained = await this.knex.raw<{ rows: [{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }] }>(
      'explain (format json) ' + sql,
      bindings,
    );
    return Math.round(Number(explained.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']));
  }
}
