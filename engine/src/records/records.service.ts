import type { Knex } from 'knex';
import { badRequest, conflict, invalid, notFound, Problem } from '../errors.js';
import type { SqlFragment } from '../fields/field-type.js';
import type { CompiledField, CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { uuidv7 } from '../metadata/ids.js';
import { runNative } from '../db/prepared.js';
import { LruMap } from '../db/lru.js';
import { parseFilter } from '../query/filter-parser.js';
import { PathResolver, type Join } from '../query/paths.js';
import { aggregate, type AggregateInput } from '../query/aggregate.js';
import { applyFilter } from '../query/filter-compiler.js';
import {
  applyKeyset,
  applySort,
  cursorRefused,
  decodeCursor,
  encodeCursor,
  parseSort,
  selectSortValues,
  sortValueAlias,
  type SortKey,
} from '../query/keyset.js';
import { SessionUnverified, type Caller } from './caller.js';
import type { CurrencyService } from './currencies.js';
import { missingReferences } from './lookups.js';
import { refreshRollups } from './rollups.js';
import { BulkWriter, parseBulkRequest } from './bulk.js';
import { BulkUpdater, parseBulkUpdate } from './bulk-update.js';
import { BulkDeleter, parseBulkDelete, type SoftDelete } from './bulk-delete.js';
import { translateDbError } from './db-errors.js';
import { recordJsonSql, selectColumns, SYSTEM_OUTPUT, toColumnValues, toRecord } from './record-shape.js';
import { insertStatement, nativeInsert } from './insert-statement.js';
import { validateBody } from './record-validator.js';
import { readHistory, recordChanges, recordEvents } from './history.js';
import { forbidden, type Access } from '../security/access.js';
import { guardedResolver, readableField, redact, refuseUneditable } from '../security/field-guard.js';
import { recordAccessArms, recordAccessSql, type RecordMode } from '../security/record-access.js';

/**
 * The one records service. REST, and later bulk, import, workflows and the UI, all write through
 * here: coercion, required/type/length/picklist checks, lookup targets, validation rules, then a
 * single INSERT/UPDATE. A refused write writes nothing.
 */

export interface CreatedRecord {
  id: string;
  /** The record's ETag. */
  version: number;
  /** The record as JSON text, with the fields its creator may read. */
  json: string;
}

export interface ListPage {
  /** The records as JSON texts joined by commas, in order: the inside of a JSON array. */
  records: string;
  nextCursor: string | null;
  count?: number;
  countType?: 'exact' | 'estimated';
}

export interface ListQuery {
  /** exact or estimated: also answer how many rows match. */
  count?: unknown;
  /** 'only' lists the recycle bin instead of live records. */
  deleted?: unknown;
  filter?: unknown;
  sort?: unknown;
  fields?: unknown;
  limit?: unknown;
  cursor?: unknown;
}

type Row = Record<string, unknown>;
const ALIAS = 'r';

/** A list request made into its statement; see RecordsService.list. */
interface ListPlan {
  native: Knex.SqlNative;
  sort: SortKey[];
  limit: number;
  hasCursor: boolean;
  /** The rows a count counts (the filtered, visible records, no page). */
  counted: Knex.QueryBuilder;
}

/** Everything a list statement depends on: request, release, day, and who asks with which grants. */
function planKey(object: CompiledObject, release: number, query: ListQuery, caller: Caller): string {
  const p = caller.access.principal;
  const { filter, sort, fields, limit, cursor, deleted } = query;
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
    caller.sessionGuard?.bindings ?? null,
  ]);
}
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class RecordsService {
  private readonly listPlans = new LruMap<string, ListPlan>(1000);

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: () => CompiledMetadata,
    private readonly currencies: Pick<CurrencyService, 'corporate'>,
  ) {}

  object(name: string): CompiledObject {
    const object = this.metadata().objects.get(name);
    if (!object) throw notFound(`object "${name}" does not exist`);
    return object;
  }

  private table(object: CompiledObject, db: Knex | Knex.Transaction = this.knex, alias?: string) {
    return db(`${this.schema}.${object.table}${alias ? ` as ${alias}` : ''}`);
  }

  /** One page of records. Each record arrives as JSON text built by Postgres (recordJsonSql). */
  async list(objectName: string, query: ListQuery, caller: Caller): Promise<ListPage> {
    const object = this.object(objectName);
    caller.access.require(object, 'read');
    // The same request from the same caller, on the same release and day (relative dates), is
    // the same statement: reuse it rather than parse, check and build it again. Counts are not.
    const key = query.count === undefined ? planKey(object, this.metadata().release, query, caller) : undefined;
    let plan = key === undefined ? undefined : this.listPlans.get(key);
    if (!plan) {
      plan = this.planList(object, query, caller);
      if (key !== undefined) this.listPlans.set(key, plan);
    }
    const { sort, limit } = plan;
    let page: { data: string | null; rows: number; keys: string | null };
    try {
      // An aggregate without GROUP BY: always exactly one row.
      page = (await runNative<typeof page>(this.knex, plan.native))[0]!;
    } catch (e) {
      // Filter values are checked against the field types before they get here, so a data
      // exception (class 22: bad date, uuid, number …) can only come from a tampered cursor.
      if (plan.hasCursor && /^22/.test(String((e as { code?: unknown }).code))) throw cursorRefused();
      throw e;
    }
    // No rows: an empty page, or a presumed session that no longer holds; only a full check tells.
    if (caller.sessionGuard && !page.rows) throw new SessionUnverified();
    const count = query.count === undefined ? undefined : await this.count(plan.counted, query.count);
    // One more row than the page: there is a next page, after the page's last record.
    const last = page.rows > limit ? (JSON.parse(page.keys!) as unknown[]) : undefined;
    return {
      ...(count === undefined ? {} : { count, countType: query.count as 'exact' | 'estimated' }),
      records: page.data ?? '',
      nextCursor: last ? encodeCursor(sort, Object.fromEntries(last.map((v, i) => [sortValueAlias(i), v]))) : null,
    };
  }

  /** Parses and checks a list request and builds its one statement (and the rows a count counts). */
  private planList(object: CompiledObject, query: ListQuery, caller: Caller): ListPlan {
    const { access } = caller;
    const limit = parseLimit(query.limit);
    const paths = new PathResolver(object, this.metadata().objects);
    const resolve = guardedResolver(paths, access);
    const fields = parseFields(paths, query.fields, resolve);
    const { expand } = fields;
    const only = fields.own ?? (access.isAdmin ? undefined : access.readableFields(object));
    const visibleJoin = (j: Join) => recordAccessSql(access, j.target, this.schema, j.alias, 'read');
    const filter = parseFilter(object, query.filter, resolve);
    const sort = parseSort(object, query.sort, resolve);
    const after = decodeCursor(sort, query.cursor);
    if (query.deleted !== undefined && query.deleted !== 'only')
      throw badRequest('deleted takes only the value "only"', [
        { field: 'deleted', code: 'enum', message: 'use deleted=only to list the recycle bin' },
      ]);
    if (query.count !== undefined && query.count !== 'exact' && query.count !== 'estimated')
      throw badRequest('count is exact or estimated', [
        { field: 'count', code: 'enum', message: 'use count=exact or count=estimated' },
      ]);
    // The rows the request is about: joins, recycle-bin state and filter, shared by page and count.
    const base = this.table(object, this.knex, ALIAS);
    paths.applyJoins(base, this.schema, ALIAS, visibleJoin);
    if (query.deleted === 'only') base.whereNotNull(`${ALIAS}.deleted_at`);
    else base.whereNull(`${ALIAS}.deleted_at`);
    if (filter) applyFilter(base, filter, ALIAS);
    // Record access: each way the caller may see records (own, subordinates', shared, rules) is
    // one branch of the same statement, so each is planned with its own index; UNION makes a
    // record seen two ways one row. A single way (or none to check) needs no UNION.
    const arms = recordAccessArms(access, object, this.schema, ALIAS, 'read');
    const branches = (arms ?? [undefined]).map((arm) =>
      arm ? base.clone().whereRaw(arm.sql, arm.bindings as Knex.RawBinding[]) : base.clone(),
    );
    // The page is chosen first, and only its rows are rendered as JSON: were the JSON in the same
    // select, a sort no index serves would render every matching row. One branch picks whole rows
    // (the outer select renders them as they are); several pick ids and sort values, which UNION
    // compares, and the page's rows are read again by id.
    const single = branches.length === 1;
    const pageOf = (q: Knex.QueryBuilder) => {
      q.select(single ? `${ALIAS}.*` : `${ALIAS}.id as _id`);
      selectSortValues(this.knex, q, sort, ALIAS); // exact text values for the cursor: _k0, _k1 …
      sort.forEach((k, i) => q.select(`${k.alias ?? ALIAS}.${k.column} as _s${i}`));
      if (after) applyKeyset(q, sort, after, ALIAS);
      applySort(q, sort, ALIAS);
      return q.limit(limit + 1);
    };
    const pageQb: Knex.QueryBuilder = single
      ? pageOf(branches[0]!.clone())
      : this.knex.select('*').from(
          this.knex
            .union(
              branches.map((b) => pageOf(b.clone())),
              true,
            )
            .as('_u'),
        );
    if (!single) {
      sort.forEach((k, i) => pageQb.orderBy(`_u._s${i}`, k.desc ? 'desc' : 'asc'));
      pageQb.limit(limit + 1);
    }
    if (caller.sessionGuard)
      pageQb.whereRaw(caller.sessionGuard.sql, caller.sessionGuard.bindings as Knex.RawBinding[]);
    const json = recordJsonSql(
      object,
      ALIAS,
      only,
      new Map([...expand].map(([name, e]) => [name, { alias: e.join.alias, fields: e.fields }])),
    );
    const page = single ? ALIAS : '_p';
    const qb = this.knex.from(pageQb.as(page));
    if (!single) qb.join(`${this.schema}.${object.table} as ${ALIAS}`, `${ALIAS}.id`, '_p._id');
    paths.applyJoins(qb, this.schema, ALIAS, visibleJoin);
    qb.select(
      this.knex.raw('? as _json', [this.knex.raw(json.sql, json.bindings as Knex.RawBinding[])]),
      ...sort.map((_k, i) => `${page}._k${i}`),
    ).rowNumber('_n', (w) => sort.forEach((k, i) => w.orderBy(`${page}._s${i}`, k.desc ? 'desc' : 'asc')));
    // One row answers the request: the page's records as JSON text joined in order, how many rows
    // the page query found (one more than the page: there is a next page) and the sort values of
    // the page's last record, for the cursor. Postgres does the joining, not 51 rows through pg.
    const answer = this.knex
      .from(qb.as('_r'))
      .select(
        this.knex.raw("string_agg(_r._json, ',' order by _r._n) filter (where _r._n <= ?) as data", [limit]),
        this.knex.raw('count(*)::int as rows'),
        this.knex.raw('max(json_build_array(??)::text) filter (where _r._n = ?) as keys', [
          sort.map((_k, i) => `_r._k${i}`),
          limit,
        ]),
      );
    const counted =
      branches.length === 1
        ? branches[0]!
        : this.knex.from(
            this.knex
              .union(
                branches.map((b) => b.clone().select(`${ALIAS}.id`)),
                true,
              )
              .as('_c'),
          );
    return { native: answer.toSQL().toNative(), sort, limit, hasCursor: after !== undefined, counted };
  }

  /** exact: a second statement; estimated: the planner's row estimate, cheap on any table size. */
  private async count(base: Knex.QueryBuilder, kind: unknown): Promise<number> {
    if (kind === 'exact') {
      const row = await base.clone().count<{ n: string }[]>({ n: '*' }).first();
      return Number(row?.n ?? 0);
    }
    const { sql, bindings } = base.clone().select(this.knex.raw('1')).toSQL();
    const plan = await this.knex.raw('explain (format json) ' + sql, bindings);
    return Math.round(Number(plan.rows[0]['QUERY PLAN'][0].Plan['Plan Rows']));
  }

  /** Bulk create/upsert; see bulk.ts. A repeated Idempotency-Key returns the first answer. */
  bulk(objectName: string, body: unknown, caller: Caller, idempotencyKey?: string) {
    const object = this.object(objectName);
    caller.access.require(object, 'create');
    return new BulkWriter(this.knex, this.schema, this.metadata, () => this.currencies.corporate).run(
      object,
      parseBulkRequest(object, body, caller.access),
      { ...caller, via: 'bulk' },
      idempotencyKey,
    );
  }

  /** Bulk update by id; see bulk-update.ts. */
  bulkUpdate(objectName: string, body: unknown, caller: Caller, idempotencyKey?: string) {
    const object = this.object(objectName);
    caller.access.require(object, 'edit');
    return new BulkUpdater(this.knex, this.schema, this.metadata, () => this.currencies.corporate).run(
      object,
      parseBulkUpdate(body),
      { ...caller, via: 'bulk' },
      idempotencyKey,
    );
  }

  /** Bulk delete to the recycle bin, each record as delete() would; see bulk-delete.ts. */
  bulkDelete(objectName: string, body: unknown, caller: Caller, idempotencyKey?: string) {
    const object = this.object(objectName);
    caller.access.require(object, 'delete');
    const softDelete: SoftDelete = (trx, target, ids, who) => this.softDelete(target, ids, who, trx, 0);
    return new BulkDeleter(this.knex, this.schema, softDelete).run(
      object,
      parseBulkDelete(body),
      { ...caller, via: 'bulk' },
      idempotencyKey,
    );
  }

  aggregate(objectName: string, query: AggregateInput, caller: Caller) {
    const object = this.object(objectName);
    const { access } = caller;
    access.require(object, 'read');
    const guarded = guardedResolver(new PathResolver(object, this.metadata().objects), access);
    return aggregate(this.knex, this.schema, object, query, this.currencies.corporate, {
      field: (name) => readableField(object, name, access),
      // Aggregates filter on the object's own fields (no joins).
      resolve: (path) => (path.includes('.') ? undefined : guarded(path)),
      restrict: recordAccessSql(access, object, this.schema, 'r', 'read'),
      // A lookup group's name: the target's name field, if the caller may read it, on records they may see.
      label: (lookup, alias) => {
        const target = this.metadata().objects.get(lookup.def.target!);
        const name = target?.fields.get(target.def.nameField);
        if (
          !target ||
          !name ||
          !access.can(target.def.apiName, 'read') ||
          !access.canReadField(target.def.apiName, name.def.apiName)
        )
          return null;
        return {
          table: target.table,
          nameColumn: name.columns[0]!,
          restrict: recordAccessSql(access, target, this.schema, alias, 'read'),
        };
      },
    });
  }

  /** Adds the caller's record access (mode) to a query on alias r. */
  private restrict(qb: Knex.QueryBuilder, object: CompiledObject, access: Access, mode: RecordMode): void {
    const condition = recordAccessSql(access, object, this.schema, ALIAS, mode);
    if (condition) qb.whereRaw(condition.sql, condition.bindings as Knex.RawBinding[]);
  }

  async get(objectName: string, id: string, caller: Caller): Promise<Row> {
    const object = this.object(objectName);
    caller.access.require(object, 'read');
    const row = await this.findRow(object, id, this.knex, { access: caller.access });
    return redact(object, toRecord(object, row), caller.access);
  }

  /** The object of a record the caller can see (404) and has `need` access to (403). */
  async requireRecord(objectName: string, id: string, caller: Caller, need?: 'edit' | 'full'): Promise<CompiledObject> {
    const object = this.object(objectName);
    caller.access.require(object, 'read');
    await this.findRow(object, id, this.knex, { access: caller.access, ...(need ? { need } : {}) });
    return object;
  }

  /** A record's field history, newest first; needs read access to the record. */
  async history(objectName: string, id: string, caller: Caller) {
    const object = this.object(objectName);
    caller.access.require(object, 'read');
    await this.findRow(object, id, this.knex, { access: caller.access });
    return readHistory(this.knex, this.schema, object, id, caller.access);
  }

  /**
   * One record the caller can see (404 otherwise: a hidden record and a missing one look alike).
   * With `need`, the caller must also have that access to it (403: they can see it, so saying
   * so reveals nothing). `lock` takes the row lock a write needs.
   */
  private async findRow(
    object: CompiledObject,
    id: string,
    db: Knex | Knex.Transaction,
    options: { access: Access; need?: 'edit' | 'full'; lock?: boolean; inBin?: boolean },
  ): Promise<Row> {
    if (typeof id !== 'string' || !UUID.test(id)) throw notFound(`${object.def.apiName} ${id} does not exist`);
    const qb = this.table(object, db, ALIAS)
      .select([...selectColumns(object, ALIAS), `${ALIAS}.deleted_at`])
      .where(`${ALIAS}.id`, id)
      .first();
    if (options.inBin) qb.whereNotNull(`${ALIAS}.deleted_at`);
    else qb.whereNull(`${ALIAS}.deleted_at`);
    this.restrict(qb, object, options.access, 'read');
    for (const mode of ['edit', 'full'] as const) {
      const condition = recordAccessSql(options.access, object, this.schema, ALIAS, mode);
      qb.select(
        db.raw('? as ??', [
          condition ? db.raw(condition.sql, condition.bindings as Knex.RawBinding[]) : true,
          `_can_${mode}`,
        ]),
      );
    }
    if (options.lock) qb.forUpdate();
    const row = await qb;
    if (!row) throw notFound(`${object.def.apiName} ${id} does not exist`);
    if (options.need && !row[`_can_${options.need}`]) {
      throw forbidden(
        `you can see this ${object.def.apiName} but not ${options.need === 'edit' ? 'change' : 'delete, share or transfer'} it`,
        'id',
        'recordAccess',
        options.need === 'edit'
          ? 'read-only access to this record'
          : 'only its owner, their managers or users with modifyAll may',
      );
    }
    return row;
  }

  /** A new record: its id, version (the ETag) and JSON as GET and list pages show it to the caller. */
  async create(objectName: string, body: unknown, caller: Caller): Promise<CreatedRecord> {
    const object = this.object(objectName);
    caller.access.require(object, 'create');
    const { fields, owner } = this.splitOwner(object, body, caller, 'create');
    const values = this.checkBody(object, fields, 'create', caller);
    const ownerId = owner ?? caller.userId;
    const guard = caller.sessionGuard;
    // A presumed session: the owner is the caller only while the session holds, else NULL, which
    // the NOT NULL owner column refuses — the INSERT and the session check are one statement.
    const ownerValue: SqlFragment = guard
      ? { sql: `(case when ${guard.sql} then ?::uuid end)`, bindings: [...guard.bindings, ownerId] }
      : { sql: '?', bindings: [ownerId] };
    const columns = {
      ...toColumnValues(object, values, this.currencies.corporate),
      id: uuidv7(),
      created_by: caller.userId,
      updated_by: caller.userId,
    };
    // The answer is the record as JSON built by Postgres, like a list page's, with the fields the
    // caller may read; in a transaction also its columns, for the rollups refreshed after it.
    const only = caller.access.isAdmin ? undefined : caller.access.readableFields(object);
    const insert = async (db: Knex | Knex.Transaction): Promise<Row> => {
      try {
        // Outside a transaction the INSERT is a prepared statement (same text for every create).
        if (db === this.knex)
          return (
            await runNative<Row>(
              this.knex,
              nativeInsert(this.knex, this.schema, object, columns, ownerValue, only, caller),
            )
          )[0]!;
        const statement = insertStatement(this.schema, object, columns, ownerValue, only, true, caller);
        return (await db.raw(statement.sql, statement.bindings as Knex.RawBinding[])).rows[0] as Row;
      } catch (e) {
        if (
          guard &&
          (e as { code?: string; column?: string }).code === '23502' &&
          (e as { column?: string }).column === 'owner_id'
        )
          throw new SessionUnverified();
        throw translateDbError(object, e);
      }
    };
    const done = (inserted: Row): CreatedRecord => ({
      id: columns.id,
      version: Number(inserted._version),
      json: inserted._json as string,
    });
    // Nothing to check in other tables and nothing to refresh: one statement (the INSERT and its
    // history entry) is already atomic.
    const pointsElsewhere =
      owner !== undefined || [...values].some(([name, v]) => v !== null && object.fields.get(name)!.def.target);
    if (!pointsElsewhere && object.summarisedBy.length === 0) return done(await insert(this.knex));
    if (guard) throw new SessionUnverified(); // several statements: check the session first
    return this.knex.transaction(async (trx) => {
      if (owner !== undefined) await this.checkOwner(trx, owner);
      await this.checkLookups(object, values, trx, caller.access);
      const inserted = await insert(trx);
      await this.touchRollups(trx, object, [inserted]);
      return done(inserted);
    });
  }

  async update(objectName: string, id: string, body: unknown, caller: Caller, ifMatch?: number): Promise<Row> {
    const object = this.object(objectName);
    caller.access.require(object, 'edit');
    const { fields, owner } = this.splitOwner(object, body, caller, 'update');
    return this.knex.transaction(async (trx) => {
      const current = await this.findRow(object, id, trx, {
        access: caller.access,
        need: owner === undefined ? 'edit' : 'full',
        lock: true,
      });
      if (ifMatch !== undefined && current.version !== ifMatch) {
        throw new Problem(
          412,
          'Precondition failed',
          `the record changed since version ${ifMatch}; it is now at version ${current.version}`,
          [{ field: 'If-Match', code: 'stale', message: 'reload the record and try again' }],
        );
      }
      const existing = toRecord(object, current);
      const values = this.checkBody(object, fields, 'update', caller, existing);
      await this.checkLookups(object, values, trx, caller.access);
      if (owner !== undefined) await this.checkOwner(trx, owner);
      const columns = toColumnValues(object, values, this.currencies.corporate);
      try {
        const [updated] = await this.table(object, trx)
          .where({ id })
          .update({
            ...columns,
            ...(owner === undefined ? {} : { owner_id: owner }),
            version: trx.raw('version + 1'),
            updated_at: trx.fn.now(),
            updated_by: caller.userId,
          })
          .returning(selectColumns(object));
        await this.touchRollups(trx, object, [current, updated]);
        const record = toRecord(object, updated);
        await recordChanges(trx, this.schema, object, existing, record, caller);
        return redact(object, record, caller.access);
      } catch (e) {
        throw translateDbError(object, e);
      }
    });
  }

  async delete(objectName: string, id: string, caller: Caller): Promise<void> {
    const object = this.object(objectName);
    caller.access.require(object, 'delete');
    await this.knex.transaction(async (trx) => {
      await this.findRow(object, id, trx, { access: caller.access, need: 'full', lock: true });
      await this.softDelete(object, [id], caller, trx, 0);
    });
  }

  /**
   * Brings a record back from the recycle bin, with the children its delete cascaded to (they
   * share its deleted_at: one transaction, one now()). Refused while a parent it needs is deleted.
   */
  async restore(objectName: string, id: string, caller: Caller): Promise<Row> {
    const object = this.object(objectName);
    caller.access.require(object, 'delete');
    return this.knex.transaction(async (trx) => {
      const row = await this.findRow(object, id, trx, { access: caller.access, need: 'full', lock: true, inBin: true });
      const values = new Map<string, unknown>();
      for (const [name, field] of object.fields) {
        if (field.def.type === 'lookup' || field.def.type === 'masterDetail')
          values.set(name, row[field.columns[0]!] ?? null);
      }
      // As text: a JS Date would drop the microseconds the cascade's children are matched by.
      const [{ stamp }] = await this.table(object, trx).where({ id }).select(trx.raw('deleted_at::text as stamp'));
      try {
        await this.checkLookups(object, values, trx);
        await this.undelete(object, [id], stamp, caller, trx, 0);
      } catch (e) {
        throw translateDbError(object, e);
      }
      return redact(
        object,
        toRecord(object, await this.findRow(object, id, trx, { access: caller.access })),
        caller.access,
      );
    });
  }

  private async undelete(
    object: CompiledObject,
    ids: string[],
    stamp: string,
    caller: Caller,
    trx: Knex.Transaction,
    depth: number,
  ): Promise<void> {
    const restored = await this.table(object, trx)
      .whereIn('id', ids)
      .update({
        deleted_at: null,
        version: trx.raw('version + 1'),
        updated_at: trx.fn.now(),
        updated_by: caller.userId,
      })
      .returning('*');
    await this.touchRollups(trx, object, restored);
    await recordEvents(trx, this.schema, object, ids, 'restored', caller);
    if (depth >= 10) return;
    for (const ref of object.referencedBy) {
      if (ref.field.type !== 'masterDetail' && ref.field.onDelete !== 'cascade') continue;
      const child = this.metadata().objects.get(ref.object)!;
      const childIds = (
        await this.table(child, trx)
          .whereIn(ref.field.apiName, ids)
          .where('deleted_at', trx.raw('?::timestamptz', [stamp]))
          .select('id')
      ).map((r: { id: string }) => r.id);
      if (childIds.length) await this.undelete(child, childIds, stamp, caller, trx, depth + 1);
    }
  }

  /** Deletes a record in the recycle bin for good. The database's foreign keys handle what pointed at it. */
  async purge(objectName: string, id: string, caller: Caller): Promise<void> {
    const object = this.object(objectName);
    caller.access.require(object, 'delete');
    await this.knex.transaction(async (trx) => {
      const row = await this.findRow(object, id, trx, { access: caller.access, need: 'full', lock: true, inBin: true });
      try {
        await this.table(object, trx).where({ id }).delete();
        await this.touchRollups(trx, object, [row]);
        await recordEvents(trx, this.schema, object, [id], 'purged', caller);
      } catch (e) {
        if ((e as { code?: string }).code === '23503') {
          throw conflict(`other records still point at this ${object.def.apiName}; nothing was purged`, [
            { field: 'id', code: 'restrict', message: 'purge or re-point them first' },
          ]);
        }
        throw e;
      }
    });
  }

  /** Soft delete with the lookup rules of the objects that point here: restrict, setNull, cascade. */
  private async softDelete(
    object: CompiledObject,
    ids: string[],
    caller: Caller,
    trx: Knex.Transaction,
    depth: number,
  ): Promise<void> {
    if (depth > 10) throw conflict('delete cascades more than 10 levels deep; delete the children first');
    for (const ref of object.referencedBy) {
      const child = this.metadata().objects.get(ref.object)!;
      const column = ref.field.apiName;
      const rule = ref.field.type === 'masterDetail' ? 'cascade' : (ref.field.onDelete ?? 'setNull');
      const children = this.table(child, trx).whereIn(column, ids).whereNull('deleted_at');
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
        if (childIds.length) await this.softDelete(child, childIds, caller, trx, depth + 1);
      }
    }
    const deleted = await this.table(object, trx)
      .whereIn('id', ids)
      .update({ deleted_at: trx.fn.now(), version: trx.raw('version + 1'), updated_by: caller.userId })
      .returning('*');
    await this.touchRollups(trx, object, deleted);
    await recordEvents(trx, this.schema, object, ids, 'deleted', caller);
  }

  /** Parents summarising these child rows (before and after a change) get their rollups recomputed. */
  private touchRollups(trx: Knex.Transaction, object: CompiledObject, rows: Row[]): Promise<void> {
    return refreshRollups(trx, this.schema, this.metadata(), object, rows);
  }

  /** Lookup values must point at live records; with `access`, at records that caller can see. */
  private async checkLookups(
    object: CompiledObject,
    values: Map<string, unknown>,
    trx: Knex.Transaction,
    access?: Access,
  ): Promise<void> {
    const [errors] = await missingReferences(trx, this.schema, this.metadata(), object, [values], access);
    if (errors!.length) throw invalid(`the ${object.def.apiName} was not saved`, errors!);
  }

  /**
   * owner_id is the one system field a body may carry: setting it on create needs modifyAll,
   * changing it (transfer) needs full access to the record — checked where the record is read.
   */
  private splitOwner(
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

  private async checkOwner(trx: Knex.Transaction, owner: string): Promise<void> {
    const user = await trx(`${this.schema}._users`).where({ id: owner, active: true }).first('id');
    if (!user)
      throw invalid('the new owner is not an active user', [
        { field: 'owner_id', code: 'reference', message: `no active user ${owner}` },
      ]);
  }

  private checkBody(
    object: CompiledObject,
    body: unknown,
    mode: 'create' | 'update',
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
}

function parseLimit(input: unknown): number {
  if (input === undefined || input === '') return DEFAULT_LIMIT;
  const n = Number(input);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw badRequest(`limit must be a whole number from 1 to ${MAX_LIMIT}`, [
      { field: 'limit', code: 'range', message: `1 to ${MAX_LIMIT}` },
    ]);
  }
  return n;
}

interface FieldSelection {
  /** Own fields to return; undefined means all. */
  own?: Set<string>;
  /** Lookup → fields of its target to return nested (`fields=account.name`). */
  expand: Map<string, { join: Join; fields: CompiledField[] }>;
}

function parseFields(paths: PathResolver, input: unknown, resolve: (path: string) => unknown): FieldSelection {
  const expand: FieldSelection['expand'] = new Map();
  if (input === undefined || input === '') return { expand };
  if (typeof input !== 'string')
    throw badRequest('fields must be a comma-separated list', [
      { field: 'fields', code: 'type', message: 'expected a string' },
    ]);
  const object = paths.object;
  const own = new Set<string>();
  const refuse = (name: string) => {
    // Asking for created_at and the like is natural; say why it is not needed rather than "no such field".
    const why = (SYSTEM_OUTPUT as readonly string[]).includes(name)
      ? `"${name}" is a system field, and system fields (${SYSTEM_OUTPUT.join(', ')}) always come: leave it out of fields`
      : `"${name}" is not a field of ${object.def.apiName}`;
    return badRequest(why, [{ field: 'fields', code: 'unknownField', message: why }]);
  };
  for (const name of new Set(input.split(','))) {
    if (!resolve(name)) throw refuse(name); // also a field the caller may not read (field-guard.ts)
    const [head, tail, ...rest] = name.split('.');
    if (tail === undefined) {
      if (!object.fields.has(name)) throw refuse(name);
      own.add(name);
      continue;
    }
    const join = rest.length === 0 ? paths.join(head!) : undefined;
    const target = join?.target.fields.get(tail);
    if (!join || !target) throw refuse(name);
    own.add(head!);
    const entry = expand.get(head!) ?? { join, fields: [] };
    if (!entry.fields.includes(target)) entry.fields.push(target);
    expand.set(head!, entry);
  }
  return { own, expand };
}
