import type { Knex } from 'knex';
import { badRequest, conflict, invalid, notFound, Problem } from '../errors.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { uuidv7 } from '../lib/ids.js';
import { nativeFor, runNative } from '../db/prepared.js';
import { isRelation } from '../fields/index.js';
import { LRUCache } from 'lru-cache';
import { PathResolver } from '../query/paths.js';
import { aggregate, type AggregateInput } from '../query/aggregate.js';
import { cursorRefused, encodeCursor, sortValueAlias } from '../query/keyset.js';
import { planList, type ListPlan, type ListRequest } from '../query/list-plan.js';
import { countQuery, listStatement, type ListAnswer, type StatementContext } from '../query/list-statement.js';
import { predicateShape } from '../query/access-predicate.js';
import { fieldsKey } from '../query/record-json.js';
import { recordReadKey, recordReadStatement, type RecordRead, type RecordReadRow } from '../query/record-read.js';
import { SessionUnverified, type Caller } from '../security/caller.js';
import type { CurrencyService } from './currencies.js';
import { missingReferences } from './lookups.js';
import { refreshRollups } from './rollups.js';
import { deleteWithChildren, restoreWithChildren } from './cascade.js';
import { BulkWriter, parseBulkRequest } from './bulk.js';
import { BulkUpdater, parseBulkUpdate } from './bulk-update.js';
import { BulkDeleter, parseBulkDelete } from './bulk-delete.js';
import { translateDbError } from './db-errors.js';
import { selectColumns, toColumnValues, toRecord } from './record-shape.js';
import { insertStatement, nativeInsert } from './insert-statement.js';
import { validateBody } from './record-validator.js';
import { fieldChanges, readHistory, recordChanges, recordEvents } from './history.js';
import { updateStatement } from './update-statement.js';
import { deleteStatement } from './delete-statement.js';
import { forbidden, type Access } from '../security/access.js';
import { guardedResolver, readableField, redact, refuseUneditable } from '../security/field-guard.js';
import { recordAccess, recordAccessSql } from '../security/record-access.js';

/**
 * The one records service. REST, and later bulk, import, workflows and the UI, all write through
 * here: coercion, required/type/length/picklist checks, lookup targets, validation rules, then a
 * single INSERT/UPDATE. A refused write writes nothing.
 */

/** A record as the caller may see it: its version (the ETag) and its JSON text. */
export interface RecordJson {
  version: number;
  json: string;
}

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

type Row = Record<string, unknown>;

/** A list request's plan and statement, kept for the same request from the same caller. */
interface PreparedList {
  plan: ListPlan;
  native: Knex.SqlNative;
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
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class RecordsService {
  private readonly lists = new LRUCache<string, PreparedList>({ max: 1000 });

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
  async list(objectName: string, request: ListRequest, caller: Caller): Promise<ListPage> {
    const object = this.object(objectName);
    caller.access.require(object, 'read');
    // The same request from the same caller, on the same release and day (relative dates), is
    // the same statement: reuse it rather than plan and build it again. Counts are not.
    const key = request.count === undefined ? listKey(object, this.metadata().release, request, caller) : undefined;
    let prepared = key === undefined ? undefined : this.lists.get(key);
    if (!prepared) {
      const plan = this.planList(object, request, caller);
      prepared = { plan, native: listStatement(plan, this.statementContext()) };
      if (key !== undefined) this.lists.set(key, prepared);
    }
    const { plan } = prepared;
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
    if (page.session === false) throw new SessionUnverified();
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
  planList(object: CompiledObject, request: ListRequest, caller: Caller): ListPlan {
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
    return new BulkDeleter(this.knex, this.schema, this.metadata).run(
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

  /** One record as JSON built by Postgres, in one statement (with a presumed session, its check too). */
  async get(objectName: string, id: string, caller: Caller): Promise<RecordJson> {
    const object = this.object(objectName);
    caller.access.require(object, 'read');
    const row = await this.findRow(object, id, caller);
    return { version: row._version!, json: row._json! };
  }

  /** The object of a record the caller can see (404) and has `need` access to (403). */
  async requireRecord(objectName: string, id: string, caller: Caller, need?: 'edit' | 'full'): Promise<CompiledObject> {
    const object = this.object(objectName);
    caller.access.require(object, 'read');
    await this.findRow(object, id, caller, need ? { need } : {});
    return object;
  }

  /** A record's field history, newest first; needs read access to the record. */
  async history(objectName: string, id: string, caller: Caller) {
    const object = this.object(objectName);
    caller.access.require(object, 'read');
    await this.findRow(object, id, caller);
    return readHistory(this.knex, this.schema, object, id, caller.access);
  }

  /**
   * One record the caller can see (404 otherwise: a hidden record and a missing one look alike),
   * by one statement (query/record-read.ts) rendering it as JSON with the fields they may read.
   * With `need`, the caller must also have that access to it (403: they can see it, so saying so
   * reveals nothing); `forWrite` also reads its columns. In a transaction (`trx`), `lock` takes
   * the row lock a write needs; outside one, the statement is prepared and checks a presumed
   * session too.
   */
  private async findRow(
    object: CompiledObject,
    id: string,
    caller: Caller,
    options: { trx?: Knex.Transaction; need?: 'edit' | 'full'; forWrite?: boolean; lock?: boolean; bin?: boolean } = {},
  ): Promise<RecordReadRow> {
    if (typeof id !== 'string' || !UUID.test(id)) throw notFound(`${object.def.apiName} ${id} does not exist`);
    const { access } = caller;
    const { trx } = options;
    const read: RecordRead = {
      id,
      read: recordAccess(access, object, 'read'),
      ...(access.isAdmin ? {} : { fields: [...access.readableFields(object)] }),
      ...(options.forWrite || options.need
        ? { forWrite: { edit: recordAccess(access, object, 'edit'), full: recordAccess(access, object, 'full') } }
        : {}),
      ...(options.bin ? { bin: true } : {}),
      ...(trx && options.lock ? { lock: true } : {}),
      ...(!trx && caller.session ? { session: caller.session } : {}),
    };
    const statement = recordReadStatement(this.schema, object, read);
    const [row] = trx
      ? (await trx.raw<{ rows: RecordReadRow[] }>(statement.sql, statement.bindings as Knex.RawBinding[])).rows
      : await runNative<RecordReadRow>(this.knex, nativeFor(this.knex, object, recordReadKey(read), statement));
    if (row?.session === false) throw new SessionUnverified();
    if (!row || row._version === null) throw notFound(`${object.def.apiName} ${id} does not exist`);
    if (options.need) requireRecordAccess(object, row, options.need);
    return row;
  }

  /** A new record: its id, version (the ETag) and JSON as GET and list pages show it to the caller. */
  async create(objectName: string, body: unknown, caller: Caller): Promise<CreatedRecord> {
    const object = this.object(objectName);
    caller.access.require(object, 'create');
    const { fields, owner } = this.splitOwner(object, body, caller, 'create');
    const values = this.checkBody(object, fields, 'create', caller);
    const ownerId = owner ?? caller.userId;
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
          return (await runNative<Row>(db, nativeInsert(db, this.schema, object, columns, ownerId, only, caller)))[0]!;
        const statement = insertStatement(this.schema, object, columns, ownerId, only, true, caller);
        return (await db.raw<{ rows: [Row] }>(statement.sql, statement.bindings as Knex.RawBinding[])).rows[0];
      } catch (e) {
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
    if (!pointsElsewhere && object.summarisedBy.length === 0) {
      const inserted = await insert(this.knex);
      if (inserted.session === false) throw new SessionUnverified();
      return done(inserted);
    }
    if (caller.session) throw new SessionUnverified(); // several statements: check the session first
    return this.knex.transaction(async (trx) => {
      if (owner !== undefined) await this.checkOwner(trx, owner);
      await this.checkLookups(object, values, trx, caller.access);
      const inserted = await insert(trx);
      await this.touchRollups(trx, object, [inserted]);
      return done(inserted);
    });
  }

  /**
   * Changes a record. The record and the caller's access to it are read by one statement (with a
   * presumed session's check); the body is checked against it; then one statement writes the
   * change with its history, on condition that the record is still at the version read. A change
   * that reaches into other tables (an owner, lookups, rollups to refresh), or a record changed
   * in between, goes the locked way instead: one transaction that reads, checks and writes.
   */
  async update(objectName: string, id: string, body: unknown, caller: Caller, ifMatch?: number): Promise<RecordJson> {
    const object = this.object(objectName);
    caller.access.require(object, 'edit');
    const { fields, owner } = this.splitOwner(object, body, caller, 'update');
    const current = await this.findRow(object, id, caller, { need: owner === undefined ? 'edit' : 'full' });
    requireVersion(current, ifMatch);
    const existing = toRecord(object, current);
    const values = this.checkBody(object, fields, 'update', caller, existing);
    const pointsElsewhere = [...values].some(([name, v]) => v !== null && object.fields.get(name)!.def.target);
    if (owner === undefined && !pointsElsewhere && object.summarisedBy.length === 0) {
      const columns = toColumnValues(object, values, this.currencies.corporate);
      const changes = fieldChanges(object, existing, toRecord(object, { ...current, ...columns }));
      const only = caller.access.isAdmin ? undefined : caller.access.readableFields(object);
      const statement = updateStatement(
        this.schema,
        object,
        { id, expected: current._version! },
        columns,
        changes,
        only,
        caller,
      );
      const key = `update\u0000${Object.keys(columns).sort().join(',')}\u0000${fieldsKey(only)}`;
      let written: { _version: number; _json: string } | undefined;
      try {
        [written] = await runNative(this.knex, nativeFor(this.knex, object, key, statement));
      } catch (e) {
        throw translateDbError(object, e);
      }
      if (written) return { version: written._version, json: written._json };
    }
    return this.updateLocked(object, id, fields, owner, caller, ifMatch);
  }

  private updateLocked(
    object: CompiledObject,
    id: string,
    fields: unknown,
    owner: string | undefined,
    caller: Caller,
    ifMatch: number | undefined,
  ): Promise<RecordJson> {
    return this.knex.transaction(async (trx) => {
      const current = await this.findRow(object, id, caller, {
        trx,
        need: owner === undefined ? 'edit' : 'full',
        lock: true,
      });
      requireVersion(current, ifMatch);
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
          .returning<Row[]>(selectColumns(object));
        await this.touchRollups(trx, object, [current, updated!]);
        const record = toRecord(object, updated!);
        await recordChanges(trx, this.schema, object, existing, record, caller);
        return { version: record.version as number, json: JSON.stringify(redact(object, record, caller.access)) };
      } catch (e) {
        throw translateDbError(object, e);
      }
    });
  }

  /**
   * Moves a record to the recycle bin. When no other object points at this one and no rollup
   * summarises it, that is one statement (with a presumed session's check); otherwise one
   * transaction that also restricts, clears or cascades to what points here.
   */
  async delete(objectName: string, id: string, caller: Caller): Promise<void> {
    const object = this.object(objectName);
    caller.access.require(object, 'delete');
    if (typeof id !== 'string' || !UUID.test(id)) throw notFound(`${object.def.apiName} ${id} does not exist`);
    if (object.referencedBy.length === 0 && object.summarisedBy.length === 0) {
      const access = {
        read: recordAccess(caller.access, object, 'read'),
        full: recordAccess(caller.access, object, 'full'),
      };
      const key = `delete\u0000${caller.session ? 'checked' : ''}\u0000${predicateShape(access.read)}\u0000${predicateShape(access.full)}`;
      const statement = deleteStatement(this.schema, object, id, access, caller);
      const [answer] = await runNative<{ session?: boolean; found: boolean; allowed: boolean; deleted: boolean }>(
        this.knex,
        nativeFor(this.knex, object, key, statement),
      );
      if (answer!.session === false) throw new SessionUnverified();
      if (!answer!.found) throw notFound(`${object.def.apiName} ${id} does not exist`);
      requireRecordAccess(object, { _can_full: answer!.allowed }, 'full');
      // Seen and allowed but not moved: a concurrent delete moved it first.
      if (!answer!.deleted) throw notFound(`${object.def.apiName} ${id} does not exist`);
      return;
    }
    if (caller.session) throw new SessionUnverified(); // several statements: check the session first
    await this.knex.transaction(async (trx) => {
      await this.findRow(object, id, caller, { trx, need: 'full', lock: true });
      await deleteWithChildren({ trx, schema: this.schema, metadata: this.metadata(), caller }, object, [id]);
    });
  }

  /**
   * Brings a record back from the recycle bin, with the children its delete cascaded to (they
   * share its deleted_at: one transaction, one now()). Refused while a parent it needs is deleted.
   */
  async restore(objectName: string, id: string, caller: Caller): Promise<RecordJson> {
    const object = this.object(objectName);
    caller.access.require(object, 'delete');
    return this.knex.transaction(async (trx) => {
      const row = await this.findRow(object, id, caller, { trx, need: 'full', lock: true, bin: true });
      const values = new Map<string, unknown>();
      for (const [name, field] of object.fields) {
        if (isRelation(field.def)) values.set(name, row[field.columns[0]!] ?? null);
      }
      // As text: a JS Date would drop the microseconds the cascade's children are matched by.
      const { stamp } = (
        await this.table(object, trx).where({ id }).select<{ stamp: string }[]>(trx.raw('deleted_at::text as stamp'))
      )[0]!;
      try {
        await this.checkLookups(object, values, trx);
        await restoreWithChildren({ trx, schema: this.schema, metadata: this.metadata(), caller }, object, [id], stamp);
      } catch (e) {
        throw translateDbError(object, e);
      }
      const restored = await this.findRow(object, id, caller, { trx });
      return { version: restored._version!, json: restored._json! };
    });
  }

  /** Deletes a record in the recycle bin for good. The database's foreign keys handle what pointed at it. */
  async purge(objectName: string, id: string, caller: Caller): Promise<void> {
    const object = this.object(objectName);
    caller.access.require(object, 'delete');
    await this.knex.transaction(async (trx) => {
      const row = await this.findRow(object, id, caller, { trx, need: 'full', lock: true, bin: true });
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
    const user = await trx(`${this.schema}._users`)
      .where({ id: owner, active: true })
      .first<{ id: string } | undefined>('id');
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

/** 403 when the caller can see the record but lacks `need` access to it (saying so reveals nothing). */
function requireRecordAccess(
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
function requireVersion(row: Record<string, unknown>, ifMatch: number | undefined): void {
  if (ifMatch === undefined || row.version === ifMatch) return;
  throw new Problem(
    'stale-version',
    `the record changed since version ${ifMatch}; it is now at version ${String(row.version)}`,
    [{ field: 'If-Match', code: 'stale', message: 'reload the record and try again' }],
  );
}
