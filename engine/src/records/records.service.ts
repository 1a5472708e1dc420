import type { Knex } from 'knex';
import { conflict, invalid, notFound, Problem } from '../errors.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { UUID, uuidv7 } from '../lib/ids.js';
import { nativeFor, runNative } from '../db/prepared.js';
import { isRelation } from '../fields/index.js';
import { PathResolver } from '../query/paths.js';
import { aggregate, type AggregateInput } from '../query/aggregate.js';
import type { ListRequest } from '../query/list-plan.js';
import { predicateShape } from '../query/access-predicate.js';
import { fieldsKey } from '../query/record-json.js';
import { recordReadKey, recordReadStatement, type RecordRead, type RecordReadRow } from '../query/record-read.js';
import { sessionAnswered, SessionUnverified, type Caller } from '../security/caller.js';
import type { CurrencyService } from './currencies.js';
import { missingReferences } from './lookups.js';
import { refreshRollups } from './rollups.js';
import { deleteWithChildren, restoreWithChildren } from './cascade.js';
import { requireUnlocked } from './approval-lock.js';
import { BulkWriter, parseBulkRequest } from './bulk.js';
import { BulkUpdater, parseBulkUpdate } from './bulk-update.js';
import { BulkDeleter, parseBulkDelete } from './bulk-delete.js';
import { translateDbError } from './db-errors.js';
import { selectColumns, toColumnValues, toRecord } from './record-shape.js';
import { revealJson } from './reveal.js';
import { listReads, recordReads, type ReadAction, type ReadAuditEntry, type ReadAuditQuery } from './read-audit.js';
import { insertStatement, nativeInsert } from './insert-statement.js';
import { fieldChanges, readHistory, recordChanges, recordEvents } from './history.js';
import { patchStatement, updateStatement, type Patch } from './update-statement.js';
import { deleteStatement } from './delete-statement.js';
import type { IndexUsage } from './index-usage.js';
import { ListPages, type ListPage } from './list-pages.js';
import { checkBody, requireRecordAccess, requireVersion, splitOwner } from './record-checks.js';
import type { Access } from '../security/access.js';
import { guardedResolver, readableField, redact } from '../security/field-guard.js';
import { recordAccess, recordAccessSql } from '../security/record-access.js';

/**
 * The one records service: REST, bulk, import, the UI (and later workflows) all read and write
 * records through it, so no check can be skipped. It orchestrates: the checks of a write
 * (record-checks.ts, then lookups and owners in the database), the statement that does it
 * (insert-/update-/delete-statement.ts, query/record-read.ts, list-pages.ts), and the locked
 * transaction a write takes when one statement is not enough. A refused write writes nothing.
 */

/** A record as the caller may see it: its version (the ETag) and its JSON text. */
export interface RecordJson {
  version: number;
  json: string;
  /** The JSON was built in JavaScript, its encrypted fields already in clear (reveal.ts). */
  clear?: true;
}

export interface CreatedRecord {
  id: string;
  /** The record's ETag. */
  version: number;
  /** The record as JSON text, with the fields its creator may read. */
  json: string;
}

type Row = Record<string, unknown>;

export class RecordsService {
  private readonly lists: ListPages;

  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly metadata: () => CompiledMetadata,
    private readonly currencies: Pick<CurrencyService, 'corporate'>,
    /** Counts the list shapes served, for the index advisor; left out where lists are not the users'. */
    usage?: IndexUsage,
  ) {
    this.lists = new ListPages(knex, schema, metadata, usage);
  }

  object(name: string): CompiledObject {
    const object = this.metadata().objects.get(name);
    if (!object) throw notFound(`object "${name}" does not exist`);
    return object;
  }

  private table(object: CompiledObject, trx: Knex.Transaction) {
    return trx(`${this.schema}.${object.table}`);
  }

  /** The read audit (read-audit.ts), for those who manage users: who was shown audited fields. */
  readAudit(query: ReadAuditQuery, access: Access): Promise<ReadAuditEntry[]> {
    access.requireSystem('manageUsers');
    return listReads(this.knex, this.schema, query);
  }

  /** One page of records (list-pages.ts). */
  async list(objectName: string, request: ListRequest, caller: Caller): Promise<ListPage> {
    const object = this.object(objectName);
    const page = await this.lists.page(object, request, caller);
    return { ...page, records: await this.shown(object, page.records, caller, 'list') };
  }

  /**
   * Records' JSON text as the caller is shown it: encrypted fields decrypted, and the audited
   * fields it shows recorded in the read audit (reveal.ts, read-audit.ts).
   */
  private async shown(
    object: CompiledObject,
    text: string,
    caller: Caller,
    action: ReadAction,
    clear = false,
  ): Promise<string> {
    const revealed = revealJson(object, text, this.metadata(), clear);
    // Only answers a person or an integration receives: a pack's seed records and a workflow's
    // writes go back to no one.
    if (caller.via === 'api' || caller.via === 'ui')
      await recordReads(this.knex, this.schema, revealed.reads, caller, action);
    return revealed.text;
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
    return { version: row._version!, json: await this.shown(object, row._json!, caller, 'get') };
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
   * reveals nothing) and the row's columns are read too. In a transaction (`trx`), `lock` takes
   * the row lock a write needs; outside one, the statement is prepared and checks a presumed
   * session too.
   */
  private async findRow(
    object: CompiledObject,
    id: string,
    caller: Caller,
    options: { trx?: Knex.Transaction; need?: 'edit' | 'full'; lock?: boolean; bin?: boolean } = {},
  ): Promise<RecordReadRow> {
    if (typeof id !== 'string' || !UUID.test(id)) throw notFound(`${object.def.apiName} ${id} does not exist`);
    const { access } = caller;
    const { trx } = options;
    const read: RecordRead = {
      id,
      read: recordAccess(access, object, 'read'),
      ...(access.isAdmin ? {} : { fields: access.readableFields(object) }),
      ...(options.need
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
    sessionAnswered(caller, row?.session);
    if (!row || row._version === null) throw notFound(`${object.def.apiName} ${id} does not exist`);
    if (options.need) requireRecordAccess(object, row, options.need);
    return row;
  }

  /** A new record: its id, version (the ETag) and JSON as GET and list pages show it to the caller. */
  async create(objectName: string, body: unknown, caller: Caller): Promise<CreatedRecord> {
    const object = this.object(objectName);
    const created = await this.insert(object, body, caller);
    return { ...created, json: await this.shown(object, created.json, caller, 'write') };
  }

  private async insert(object: CompiledObject, body: unknown, caller: Caller): Promise<CreatedRecord> {
    caller.access.require(object, 'create');
    const { fields, owner } = splitOwner(object, body, caller, 'create');
    const values = checkBody(object, fields, 'create', caller);
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
      sessionAnswered(caller, inserted.session as boolean | undefined);
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
   * Changes a record, the cheapest of three ways that can make all of its checks. One statement
   * when SQL can (patch); else the record and the caller's access to it are read by one
   * statement, the body is checked against it, and one statement writes the change with its
   * history while the record is still at the version read. A change that reaches into other
   * tables (an owner, lookups, rollups to refresh), or a record changed in between, goes the
   * locked way: one transaction that reads, checks and writes, and says what was wrong.
   */
  async update(objectName: string, id: string, body: unknown, caller: Caller, ifMatch?: number): Promise<RecordJson> {
    const object = this.object(objectName);
    const { clear, ...updated } = await this.change(object, id, body, caller, ifMatch);
    return { ...updated, json: await this.shown(object, updated.json, caller, 'write', clear) };
  }

  private async change(
    object: CompiledObject,
    id: string,
    body: unknown,
    caller: Caller,
    ifMatch?: number,
  ): Promise<RecordJson> {
    caller.access.require(object, 'edit');
    const { fields, owner } = splitOwner(object, body, caller, 'update');
    // A transfer, a change rollups summarise, or a record an approval may lock is always the
    // locked way: no read before it.
    if (owner !== undefined || object.summarisedBy.length || object.approvals) {
      if (caller.session) throw new SessionUnverified(); // several statements: check the session first
      return this.updateLocked(object, id, fields, owner, caller, ifMatch);
    }
    const written = await this.patch(object, id, fields, caller, ifMatch);
    if (written) return written;
    const current = await this.findRow(object, id, caller, { need: 'edit' });
    requireVersion(current, ifMatch);
    const existing = toRecord(object, current);
    const values = checkBody(object, fields, 'update', caller, existing);
    const pointsElsewhere = [...values].some(([name, v]) => v !== null && object.fields.get(name)!.def.target);
    if (!pointsElsewhere) {
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

  /**
   * An update as one statement (update-statement.ts patchStatement), when its checks can all be
   * said in SQL. Undefined when they cannot, or when one failed: the caller then reads the record
   * first and checks in JavaScript, and answers (404, 403, 412, 422) exactly as it always has.
   */
  private async patch(
    object: CompiledObject,
    id: string,
    fields: unknown,
    caller: Caller,
    ifMatch: number | undefined,
  ): Promise<RecordJson | undefined> {
    // A statement cannot work out a before-save workflow's values: those take the read first.
    if (typeof id !== 'string' || !UUID.test(id) || object.beforeSave.length) return undefined;
    // Nor a layout's requiredWhen rules, which read the whole record (record-validator.ts).
    if (object.requiredWhen(caller.access.principal.role ?? undefined).length) return undefined;
    let values: Map<string, unknown>;
    try {
      values = checkBody(object, fields, 'patch', caller);
    } catch (e) {
      if (e instanceof Problem) return undefined;
      throw e;
    }
    const { access } = caller;
    const patch: Patch = {
      id,
      ...(ifMatch === undefined ? {} : { ifMatch }),
      values,
      columns: toColumnValues(object, values, this.currencies.corporate),
      read: recordAccess(access, object, 'read'),
      edit: recordAccess(access, object, 'edit'),
    };
    const only = access.isAdmin ? undefined : access.readableFields(object);
    const statement = patchStatement(this.schema, object, patch, only, caller);
    if (!statement) return undefined;
    let row: { session?: boolean; _version: number | null; _json: string | null } | undefined;
    try {
      [row] = await runNative(this.knex, nativeFor(this.knex, object, statement.key, statement.sql));
    } catch (e) {
      throw translateDbError(object, e);
    }
    sessionAnswered(caller, row?.session);
    return row && row._version !== null ? { version: row._version, json: row._json! } : undefined;
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
      await requireUnlocked(trx, this.schema, object, id, caller);
      const existing = toRecord(object, current);
      const values = checkBody(object, fields, 'update', caller, existing);
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
        // Decoded in JavaScript, so in clear already; not read again, since a transfer may have
        // taken the record out of the caller's sight.
        return {
          version: record.version as number,
          json: JSON.stringify(redact(object, record, caller.access)),
          clear: true,
        };
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
    if (object.referencedBy.length === 0 && object.summarisedBy.length === 0 && !object.approvals) {
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
      sessionAnswered(caller, answer!.session);
      if (!answer!.found) throw notFound(`${object.def.apiName} ${id} does not exist`);
      requireRecordAccess(object, { _can_full: answer!.allowed }, 'full');
      // Seen and allowed but not moved: a concurrent delete moved it first.
      if (!answer!.deleted) throw notFound(`${object.def.apiName} ${id} does not exist`);
      return;
    }
    if (caller.session) throw new SessionUnverified(); // several statements: check the session first
    await this.knex.transaction(async (trx) => {
      await this.findRow(object, id, caller, { trx, need: 'full', lock: true });
      await requireUnlocked(trx, this.schema, object, id, caller);
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
    const restored = await this.knex.transaction(async (trx) => {
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
      const read = await this.findRow(object, id, caller, { trx });
      return { version: read._version!, json: read._json! };
    });
    return { ...restored, json: await this.shown(object, restored.json, caller, 'write') };
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

  private async checkOwner(trx: Knex.Transaction, owner: string): Promise<void> {
    const user = await trx(`${this.schema}._users`)
      .where({ id: owner, active: true })
      .first<{ id: string } | undefined>('id');
    if (!user)
      throw invalid('the new owner is not an active user', [
        { field: 'owner_id', code: 'reference', message: `no active user ${owner}` },
      ]);
  }
}
