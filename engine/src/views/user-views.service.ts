import type { Knex } from 'knex';
import { conflict, notFound, type FieldError } from '../errors.js';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import { UUID, uuidv7 } from '../lib/ids.js';
import type { Access } from '../security/access.js';
import { applyRenames, currentNames, filterPaths, refsOf, sortPaths, type FieldRefs } from './field-refs.js';
import { assertSavable, viewAsNow, type ViewContext } from './view-check.js';
import { parseViewInput, type ViewDefinition } from './view-input.js';

/**
 * A user's private list views, on the server so they follow the user to any browser. Only the
 * owner reads or changes one: every statement is narrowed to the caller's user id, so another
 * user's view answers 404 exactly like one that does not exist. Personal, so no setup-audit entry
 * (that trail is for changes that affect other users); the row keeps created_at and updated_at.
 */

export const MAX_VIEWS_PER_OBJECT = 100;

export interface UserView {
  id: string;
  object: string;
  label: string;
  columns: string[];
  filter?: Record<string, unknown>;
  sort?: string;
  createdAt: string;
  updatedAt: string;
  /** What the view named that no longer exists or that the caller may no longer read, left out above. */
  dropped: FieldError[];
}

/** The stored definition: the view's parts and the field ids behind their names. */
interface Stored extends ViewDefinition {
  refs: FieldRefs;
}

interface Row {
  id: string;
  label: string;
  definition: Stored;
  created_at: Date | string;
  updated_at: Date | string;
}

const COLUMNS = ['id', 'label', 'definition', 'created_at', 'updated_at'];

export class UserViewsService {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly compiled: () => CompiledMetadata,
  ) {}

  private table(db: Knex | Knex.Transaction = this.knex) {
    return db(`${this.schema}._user_views`);
  }

  /**
   * The object by API name, which the caller must be able to read, as for its records: 404 when
   * it does not exist or they do not see it, 403 when they see it but may not read its records.
   */
  private context(objectName: string, access: Access): ViewContext {
    access.require(objectName, 'read');
    const { objects } = this.compiled();
    const object = objects.get(objectName);
    if (!object) throw notFound(`object "${objectName}" does not exist`);
    return { object, objects, access };
  }

  private mine(db: Knex | Knex.Transaction, object: CompiledObject, access: Access) {
    return this.table(db).where({ user_id: access.userId, object_id: object.def.id });
  }

  async list(objectName: string, access: Access): Promise<UserView[]> {
    const ctx = this.context(objectName, access);
    const rows: Row[] = await this.mine(this.knex, ctx.object, access).orderByRaw('lower(label), id').select(COLUMNS);
    return rows.map((row) => this.shape(ctx, row));
  }

  async get(objectName: string, id: string, access: Access): Promise<UserView> {
    const ctx = this.context(objectName, access);
    return this.shape(ctx, await this.find(this.knex, ctx, id));
  }

  async create(objectName: string, body: unknown, access: Access): Promise<UserView> {
    const ctx = this.context(objectName, access);
    const input = parseViewInput(body, 'create');
    const def: ViewDefinition = {
      columns: input.columns!,
      ...(input.filter ? { filter: input.filter } : {}),
      ...(input.sort ? { sort: input.sort } : {}),
    };
    assertSavable(ctx, def);
    const definition: Stored = { ...def, refs: refsOf(def, ctx.object, ctx.objects) };
    const row = await this.knex.transaction(async (trx) => {
      await this.lock(trx, ctx, access);
      const counted = await this.mine(trx, ctx.object, access).count<{ n: string }[]>({ n: '*' }).first();
      if (Number(counted?.n ?? 0) >= MAX_VIEWS_PER_OBJECT) {
        throw conflict(`you have ${MAX_VIEWS_PER_OBJECT} saved views of ${objectName} already; delete one first`, [
          { field: '/', code: 'maxViews', message: `at most ${MAX_VIEWS_PER_OBJECT} saved views per object` },
        ]);
      }
      await this.assertLabelFree(trx, ctx, access, input.label!);
      const [saved] = await this.table(trx)
        .insert({
          id: uuidv7(),
          user_id: access.userId,
          object_id: ctx.object.def.id,
          label: input.label,
          definition: JSON.stringify(definition),
        })
        .returning<Row[]>(COLUMNS);
      return saved!;
    });
    return this.shape(ctx, row);
  }

  /** Changes the parts given; the others stay (renamed with their fields, as reading shows them). */
  async update(objectName: string, id: string, body: unknown, access: Access): Promise<UserView> {
    const ctx = this.context(objectName, access);
    const input = parseViewInput(body, 'update');
    const given: Partial<ViewDefinition> = {
      ...(input.columns ? { columns: input.columns } : {}),
      ...(input.filter ? { filter: input.filter } : {}),
      ...(input.sort ? { sort: input.sort } : {}),
    };
    assertSavable(ctx, given);
    const row = await this.knex.transaction(async (trx) => {
      await this.lock(trx, ctx, access);
      const current = await this.find(trx, ctx, id);
      const now = this.renamed(ctx, current.definition);
      const def: ViewDefinition = { columns: input.columns ?? now.def.columns };
      const filter = input.filter === undefined ? now.def.filter : input.filter;
      const sort = input.sort === undefined ? now.def.sort : input.sort;
      if (filter) def.filter = filter;
      if (sort) def.sort = sort;
      // Parts not given that name a deleted field keep its old id: a field created since under
      // the same name is another field. Names given now mean the fields they name now.
      const givenPaths = new Set([
        ...(input.columns ?? []),
        ...filterPaths(input.filter),
        ...sortPaths(input.sort ?? undefined),
      ]);
      const stale = new Set([...now.removed].filter((p) => !givenPaths.has(p)));
      const definition: Stored = { ...def, refs: refsOf(def, ctx.object, ctx.objects, now.refs, stale) };
      const label = input.label ?? current.label;
      if (label.toLowerCase() !== current.label.toLowerCase()) await this.assertLabelFree(trx, ctx, access, label);
      const [saved] = await this.mine(trx, ctx.object, access)
        .where({ id })
        .update({ label, definition: JSON.stringify(definition), updated_at: trx.fn.now() })
        .returning<Row[]>(COLUMNS);
      return saved!;
    });
    return this.shape(ctx, row);
  }

  async remove(objectName: string, id: string, access: Access): Promise<void> {
    const ctx = this.context(objectName, access);
    const n = UUID.test(id) ? await this.mine(this.knex, ctx.object, access).where({ id }).delete() : 0;
    if (!n) throw notFound(`saved view ${id} does not exist`);
  }

  /** One of the caller's views of the object; anyone else's answers like a missing one. */
  private async find(db: Knex | Knex.Transaction, ctx: ViewContext, id: string): Promise<Row> {
    const row = UUID.test(id)
      ? await this.mine(db, ctx.object, ctx.access).where({ id }).first<Row | undefined>(COLUMNS)
      : undefined;
    if (!row) throw notFound(`saved view ${id} does not exist`);
    return row;
  }

  /** Serialises a user's writes to one object's views, so the cap and the names hold under concurrent requests. */
  private async lock(trx: Knex.Transaction, ctx: ViewContext, access: Access): Promise<void> {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [
      `tessera:views:${this.schema}:${access.userId}:${ctx.object.def.id}`,
    ]);
  }

  private async assertLabelFree(trx: Knex.Transaction, ctx: ViewContext, access: Access, label: string): Promise<void> {
    const taken = await this.mine(trx, ctx.object, access)
      .whereRaw('lower(label) = lower(?)', [label])
      .first<{ id: string } | undefined>('id');
    if (taken)
      throw conflict(`you have a saved view called "${label}" already`, [
        { field: '/label', code: 'unique', message: 'choose another name, or update that view' },
      ]);
  }

  private renamed(ctx: ViewContext, stored: Stored) {
    const def: ViewDefinition = {
      columns: stored.columns,
      ...(stored.filter ? { filter: stored.filter } : {}),
      ...(stored.sort ? { sort: stored.sort } : {}),
    };
    return applyRenames(def, stored.refs ?? {}, currentNames(stored.refs ?? {}, ctx.object, ctx.objects));
  }

  private shape(ctx: ViewContext, row: Row): UserView {
    const { def, removed } = this.renamed(ctx, row.definition);
    const now = viewAsNow(ctx, def, removed);
    return {
      id: row.id,
      object: ctx.object.def.apiName,
      label: row.label,
      ...now.def,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
      dropped: now.dropped,
    };
  }
}
