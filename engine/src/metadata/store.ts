import type { Knex } from 'knex';
import { conflict, invalid, notFound, type FieldError } from '../errors.js';
import { isRelation } from '../fields/index.js';
import { DraftJournal, type RowChange } from './draft-journal.js';
import { requireTag, TAG_COLUMN, type IfMatch, type Tagged } from './draft-tags.js';
import { ITEM_KINDS, ITEM_SPECS, itemsOf, validateItem, type MetaItem } from './kinds.js';
import { normalizeObject } from './normalize.js';
import { followObjectChange, followOwnFields, renameMap } from './references.js';
import { followInWorkflow, type ObjectRename } from './workflow-references.js';
import type { QueryChecks } from './query-checks.js';
import { securityContextOf } from './security-items.js';
import type {
  DashboardDef,
  ItemKind,
  LayoutDef,
  ListViewDef,
  MetadataKind,
  MetadataSnapshot,
  ObjectDef,
  PermissionSetDef,
  WorkflowDef,
} from './types.js';
import { validateObject } from './validate.js';

/**
 * The draft: the working copy of the metadata that admins edit. Nothing here touches record
 * tables; publishing (publish.ts) turns the draft into a release and the schema into its shape.
 */

type Db = Knex | Knex.Transaction;
type ItemOf<K extends MetadataKind> = K extends 'object'
  ? ObjectDef
  : K extends 'layout'
    ? LayoutDef
    : K extends 'listView'
      ? ListViewDef
      : MetaItem;

type Row = { kind: MetadataKind; id: string; definition: RowChange['after'] };

/**
 * Properties of an item someone else keeps (an installed pack, packs/pack-locks.ts): the errors
 * of an edit that changes them. Given by the layer that knows (tenant.ts).
 */
export type ItemLocks = (
  db: Knex | Knex.Transaction,
  kind: MetadataKind,
  item: { id: string; apiName: string },
) => Promise<FieldError[]>;

export class DraftStore {
  readonly journal: DraftJournal;
  /** The rows each edit's transaction has changed so far, for its undo step. */
  private readonly changes = new WeakMap<Db, RowChange[]>();

  constructor(
    private readonly schema: string,
    private readonly checks: QueryChecks,
    private readonly locks?: ItemLocks,
  ) {
    this.journal = new DraftJournal(schema);
  }

  private table(db: Db) {
    return db(`${this.schema}._meta_draft`);
  }

  /** Runs one edit in one transaction and records what it changed as one undo step. */
  edit<T>(db: Knex, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return db.transaction((trx) => this.recorded(trx, () => work(trx)));
  }

  /** Records what `work` changes in the draft, inside `trx`, as one undo step. */
  async recorded<T>(trx: Knex.Transaction, work: () => Promise<T>): Promise<T> {
    const changes: RowChange[] = [];
    this.changes.set(trx, changes);
    const result = await work();
    this.changes.delete(trx);
    await this.journal.record(trx, changes);
    return result;
  }

  private note(db: Db, changes: RowChange[]) {
    this.changes.get(db)?.push(...changes);
  }

  private async remove(db: Db, where: (q: Knex.QueryBuilder) => Knex.QueryBuilder): Promise<number> {
    const gone = await where(this.table(db)).delete().returning<Row[]>(['kind', 'id', 'definition']);
    this.note(
      db,
      gone.map((r) => ({ kind: r.kind, id: r.id, before: r.definition, after: null })),
    );
    return gone.length;
  }

  async list<K extends MetadataKind>(db: Db, kind: K): Promise<ItemOf<K>[]> {
    const rows = await this.table(db).where({ kind }).orderBy('api_name').select('definition');
    return rows.map((r: { definition: ItemOf<K> }) => r.definition);
  }

  async get<K extends MetadataKind>(db: Db, kind: K, apiName: string): Promise<ItemOf<K> | undefined> {
    const row = await this.table(db)
      .where({ kind, api_name: apiName })
      .first<{ definition: ItemOf<K> } | undefined>('definition');
    return row?.definition;
  }

  /** The item with its tag (draft-tags.ts), read in one statement so the two agree. */
  async getTagged<K extends MetadataKind>(db: Db, kind: K, apiName: string): Promise<Tagged<ItemOf<K>> | undefined> {
    const row = await this.table(db)
      .where({ kind, api_name: apiName })
      .first<{ definition: ItemOf<K>; tag: string } | undefined>('definition', db.raw(TAG_COLUMN));
    return row && { item: row.definition, tag: row.tag };
  }

  /**
   * Refuses with 412 when If-Match is not the item's tag. The row stays locked to the end of the
   * transaction, so no other save slips in between this check and the write.
   */
  private async checkTag(trx: Knex.Transaction, kind: MetadataKind, apiName: string, ifMatch: IfMatch | undefined) {
    if (ifMatch === undefined) return;
    const row = await this.table(trx)
      .where({ kind, api_name: apiName })
      .forUpdate()
      .first<{ tag: string } | undefined>(trx.raw(TAG_COLUMN));
    if (!row) throw notFound(`${kind} "${apiName}" does not exist`);
    requireTag(`${kind} "${apiName}"`, row.tag, ifMatch);
  }

  private async tagOf(db: Db, kind: MetadataKind, id: string): Promise<string> {
    const row = await this.table(db).where({ kind, id }).first<{ tag: string }>(db.raw(TAG_COLUMN));
    return row.tag;
  }

  async snapshot(db: Db): Promise<MetadataSnapshot> {
    const rows: { kind: MetadataKind; definition: never }[] = await this.table(db)
      .orderBy(['kind', 'api_name'])
      .select('kind', 'definition');
    const pick = (kind: MetadataKind) => rows.filter((r) => r.kind === kind).map((r) => r.definition);
    const snapshot: MetadataSnapshot = { objects: pick('object'), layouts: [], listViews: [] };
    for (const spec of ITEM_SPECS) snapshot[spec.key] = pick(spec.kind);
    return snapshot;
  }

  private async objectsByName(db: Db): Promise<Map<string, ObjectDef>> {
    return new Map((await this.list(db, 'object')).map((o) => [o.apiName, o]));
  }

  /**
   * Inserts an item or replaces one. The update reads the row it replaces through a self-join,
   * which sees the row as it was when the statement began: the undo step's "before".
   */
  private async write(db: Db, kind: MetadataKind, item: { id: string; apiName: string }, replacing?: { id: string }) {
    const definition = JSON.stringify(item);
    if (replacing) {
      const table = `${this.schema}._meta_draft`;
      const { rows } = await db.raw<{ rows: { before: Row['definition']; after: Row['definition'] }[] }>(
        `update ?? as d set api_name = ?, definition = ?::jsonb, updated_at = now() from ?? as o
          where o.kind = d.kind and o.id = d.id and d.kind = ? and d.id = ?
          returning o.definition as before, d.definition as after`,
        [table, item.apiName, definition, table, kind, replacing.id],
      );
      this.note(
        db,
        rows.map((r) => ({ kind, id: replacing.id, before: r.before, after: r.after })),
      );
    } else {
      const [row] = await this.table(db)
        .insert({ kind, id: item.id, api_name: item.apiName, definition })
        .returning<Row[]>(['definition']);
      this.note(db, [{ kind, id: item.id, before: null, after: row!.definition }]);
    }
  }

  /**
   * Saves an object into the draft: create when `existingName` is undefined, else replace it
   * (refused with 412 when `ifMatch` is not its tag). Answers what was stored and its new tag.
   */
  async saveObject(db: Knex, input: ObjectDef, existingName?: string, ifMatch?: IfMatch): Promise<Tagged<ObjectDef>> {
    return this.edit(db, async (trx) => {
      if (existingName !== undefined) await this.checkTag(trx, 'object', existingName, ifMatch);
      const objects = await this.objectsByName(trx);
      const existing = existingName === undefined ? undefined : objects.get(existingName);
      if (existingName !== undefined && !existing) throw notFound(`object "${existingName}" does not exist`);
      const obj = followOwnFields(existing, normalizeObject(input, existing));
      const errors = validateObject(obj);
      if (errors.length) throw invalid(`object "${String(input?.apiName)}" is not valid`, errors);
      const clash = objects.get(obj.apiName);
      if (clash && clash.id !== obj.id) {
        throw conflict(`an object named "${obj.apiName}" already exists`, [
          { field: '/apiName', code: 'duplicate', message: 'already used by another object' },
        ]);
      }
      if (existing && existing.id !== obj.id)
        throw invalid('the id of an object cannot change', [
          { field: '/id', code: 'const', message: `must stay ${existing.id}` },
        ]);
      if (existing) objects.delete(existing.apiName);
      objects.set(obj.apiName, obj);
      const refErrors: FieldError[] = [];
      obj.fields.forEach((f, i) => {
        if (isRelation(f) && !objects.has(f.target!)) {
          refErrors.push({
            field: `/fields/${i}/target`,
            code: 'reference',
            message: `target object "${f.target}" does not exist`,
          });
        }
      });
      if (refErrors.length) throw invalid(`object "${obj.apiName}" refers to objects that do not exist`, refErrors);
      await this.refuseLocked(trx, 'object', obj);
      await this.write(trx, 'object', obj, existing);
      await this.updateDependents(trx, existing, obj);
      return { item: obj, tag: await this.tagOf(trx, 'object', obj.id) };
    });
  }

  /** Layouts, list views, dashboards, other objects' lookups and workflows follow renamed and deleted fields. */
  private async updateDependents(
    trx: Knex.Transaction,
    before: ObjectDef | undefined,
    after: ObjectDef,
  ): Promise<void> {
    const current = {
      objects: (await this.list(trx, 'object')).filter((o) => o.id !== after.id),
      layouts: await this.list(trx, 'layout'),
      listViews: await this.list(trx, 'listView'),
      dashboards: (await this.list(trx, 'dashboard')) as unknown as DashboardDef[],
    };
    const next = followObjectChange(current, before, after);
    const kinds = [
      ['object', current.objects, next.objects],
      ['layout', current.layouts, next.layouts],
      ['listView', current.listViews, next.listViews],
      ['dashboard', current.dashboards, next.dashboards ?? []],
    ] as const;
    for (const [kind, was, now] of kinds) {
      for (let i = 0; i < now.length; i++) {
        if (JSON.stringify(was[i]) !== JSON.stringify(now[i])) await this.write(trx, kind, now[i]!, was[i]);
      }
    }
    if (!before) return;
    const change: ObjectRename = {
      from: before.apiName,
      to: after.apiName,
      fields: renameMap(before, after).renamed,
      objects: new Map([...next.objects, after].map((o) => [o.apiName, o])),
    };
    if (change.from === change.to && !change.fields.size) return;
    for (const workflow of (await this.list(trx, 'workflow')) as unknown as WorkflowDef[]) {
      const followed = followInWorkflow(workflow, change);
      if (followed !== workflow) await this.write(trx, 'workflow', followed, workflow);
    }
  }

  async deleteObject(db: Knex, apiName: string, ifMatch?: IfMatch): Promise<void> {
    await this.edit(db, async (trx) => {
      await this.checkTag(trx, 'object', apiName, ifMatch);
      const objects = await this.objectsByName(trx);
      const obj = objects.get(apiName);
      if (!obj) throw notFound(`object "${apiName}" does not exist`);
      const referrers: FieldError[] = [];
      for (const other of objects.values()) {
        if (other.id === obj.id) continue;
        other.fields.forEach((f) => {
          if (f.target === apiName)
            referrers.push({
              field: `${other.apiName}.${f.apiName}`,
              code: 'reference',
              message: `${other.apiName}.${f.apiName} points at ${apiName}`,
            });
        });
      }
      for (const workflow of (await this.list(trx, 'workflow')) as unknown as WorkflowDef[]) {
        if (
          workflow.object !== apiName &&
          workflow.actions.some((a) => a.type === 'createRecord' && a.object === apiName)
        )
          referrers.push({
            field: `workflows.${workflow.apiName}`,
            code: 'reference',
            message: `workflow ${workflow.apiName} creates ${apiName} records`,
          });
      }
      if (referrers.length)
        throw conflict(`other objects point at "${apiName}"; delete or change those fields first`, referrers);
      // Its layouts, list views, workflows and approval processes go with it.
      for (const kind of ['layout', 'listView', 'workflow', 'approvalProcess'] as const) {
        const items = await this.list(trx, kind);
        const ids = items.filter((i) => i.object === apiName).map((i) => i.id);
        if (ids.length) await this.remove(trx, (q) => q.where({ kind }).whereIn('id', ids));
      }
      // Dashboards lose the widgets over it.
      for (const dashboard of (await this.list(trx, 'dashboard')) as unknown as DashboardDef[]) {
        if (dashboard.widgets.some((w) => w.object === apiName)) {
          const kept: DashboardDef = { ...dashboard, widgets: dashboard.widgets.filter((w) => w.object !== apiName) };
          await this.write(trx, 'dashboard', kept, dashboard);
        }
      }
      // Permission sets stop granting it (they would no longer validate).
      for (const set of (await this.list(trx, 'permissionSet')) as PermissionSetDef[]) {
        const next = withoutObject(set, apiName);
        if (next !== set) await this.write(trx, 'permissionSet', next, set);
      }
      await this.remove(trx, (q) => q.where({ kind: 'object', id: obj.id }));
    });
  }

  /**
   * Saves a layout, list view, role, group or permission set: create when `existingName` is undefined, else replace it.
   */
  async saveItem(
    db: Knex,
    kind: ItemKind,
    input: MetaItem,
    existingName?: string,
    ifMatch?: IfMatch,
  ): Promise<Tagged<MetaItem>> {
    const spec = ITEM_KINDS[kind];
    return this.edit(db, async (trx) => {
      if (existingName !== undefined) await this.checkTag(trx, kind, existingName, ifMatch);
      const existing = existingName === undefined ? undefined : await this.get(trx, kind, existingName);
      if (existingName !== undefined && !existing) throw notFound(`${kind} "${existingName}" does not exist`);
      const snapshot = await this.snapshot(trx);
      const item = spec.normalize(input, existing);
      const errors = validateItem(kind, item, securityContextOf(snapshot, this.checks));
      if (errors.length) throw invalid(`${kind} "${String(input?.apiName)}" is not valid`, errors);
      const clash = await this.get(trx, kind, item.apiName);
      if (clash && clash.id !== item.id)
        throw conflict(`a ${kind} named "${item.apiName}" already exists`, [
          { field: '/apiName', code: 'duplicate', message: 'already used' },
        ]);
      if (existing && existing.id !== item.id)
        throw invalid(`the id of a ${kind} cannot change`, [
          { field: '/id', code: 'const', message: `must stay ${existing.id}` },
        ]);
      await this.refuseLocked(trx, kind, item);
      await this.write(trx, kind, item, existing);
      return { item, tag: await this.tagOf(trx, kind, item.id) };
    });
  }

  private async refuseLocked(trx: Knex.Transaction, kind: MetadataKind, item: { id: string; apiName: string }) {
    const errors = (await this.locks?.(trx, kind, item)) ?? [];
    if (errors.length) throw invalid(`${kind} "${item.apiName}" changes what an installed pack keeps`, errors);
  }

  async deleteItem(db: Knex, kind: ItemKind, apiName: string, ifMatch?: IfMatch): Promise<void> {
    await this.edit(db, async (trx) => {
      await this.checkTag(trx, kind, apiName, ifMatch);
      const n = await this.remove(trx, (q) => q.where({ kind, api_name: apiName }));
      if (!n) throw notFound(`${kind} "${apiName}" does not exist`);
    });
  }

  /**
   * Makes the draft equal to a snapshot (rollback, pack install, configuration import). Inside
   * an edit, the undo step holds only the items that differ.
   */
  async replace(trx: Knex.Transaction, snapshot: MetadataSnapshot): Promise<void> {
    const gone = await this.table(trx).delete().returning<Row[]>(['kind', 'id', 'definition']);
    const row = (kind: MetadataKind, o: { id: string; apiName: string }) => ({
      kind,
      id: o.id,
      api_name: o.apiName,
      definition: JSON.stringify(o),
    });
    const rows = [
      ...snapshot.objects.map((o) => row('object', o)),
      ...ITEM_SPECS.flatMap((spec) => itemsOf(snapshot, spec.kind).map((o) => row(spec.kind, o))),
    ];
    const added = rows.length ? await this.table(trx).insert(rows).returning<Row[]>(['kind', 'id', 'definition']) : [];
    if (!this.changes.has(trx)) return;
    // Deletions first, then insertions, so replaying the step never meets a name twice.
    const key = (r: Row) => `${r.kind}:${r.id}`;
    const before = new Map(gone.map((r) => [key(r), r]));
    const after = new Map(added.map((r) => [key(r), r]));
    this.note(
      trx,
      [
        ...gone.map((r) => ({ kind: r.kind, id: r.id, before: r.definition, after: null })),
        ...added.map((r) => ({ kind: r.kind, id: r.id, before: null, after: r.definition })),
      ].filter((c) => {
        const k = `${c.kind}:${c.id}`;
        return JSON.stringify(before.get(k)?.definition ?? null) !== JSON.stringify(after.get(k)?.definition ?? null);
      }),
    );
  }

  /** Puts an object into the draft whether or not an item with its id is there (archive restore). */
  async putObject(trx: Knex.Transaction, object: ObjectDef): Promise<void> {
    const existing = await this.table(trx)
      .where({ kind: 'object', id: object.id })
      .first<{ id: string } | undefined>('id');
    await this.write(trx, 'object', object, existing);
  }
}

function withoutObject(set: PermissionSetDef, object: string): PermissionSetDef {
  const fields = Object.entries(set.fields ?? {}).filter(([path]) => !path.startsWith(`${object}.`));
  if (!set.objects?.[object] && fields.length === Object.keys(set.fields ?? {}).length) return set;
  const { [object]: _gone, ...objects } = set.objects ?? {};
  return { ...set, objects, fields: Object.fromEntries(fields) };
}

/** The draft as the metadata API edits it: each call on its own connection, outside any transaction. */
export class DraftEdits {
  constructor(
    private readonly store: DraftStore,
    private readonly knex: Knex,
  ) {}

  list<K extends MetadataKind>(kind: K) {
    return this.store.list(this.knex, kind);
  }

  get<K extends MetadataKind>(kind: K, apiName: string) {
    return this.store.get(this.knex, kind, apiName);
  }

  getTagged<K extends MetadataKind>(kind: K, apiName: string) {
    return this.store.getTagged(this.knex, kind, apiName);
  }

  saveObject(input: ObjectDef, existingName?: string, ifMatch?: IfMatch) {
    return this.store.saveObject(this.knex, input, existingName, ifMatch);
  }

  deleteObject(apiName: string, ifMatch?: IfMatch) {
    return this.store.deleteObject(this.knex, apiName, ifMatch);
  }

  saveItem(kind: ItemKind, input: MetaItem, existingName?: string, ifMatch?: IfMatch) {
    return this.store.saveItem(this.knex, kind, input, existingName, ifMatch);
  }

  deleteItem(kind: ItemKind, apiName: string, ifMatch?: IfMatch) {
    return this.store.deleteItem(this.knex, kind, apiName, ifMatch);
  }
}
