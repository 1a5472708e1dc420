import type { Knex } from 'knex';
import { badRequest, conflict, notFound, Problem } from '../errors.js';
import { API_NAME_PATTERN } from './identifiers.js';
import { compile, type CompiledMetadata } from './compile.js';
import { ConfigFilesService } from './config.service.js';
import {
  Publisher,
  type PlanMatch,
  type PublishOptions,
  type PublishRecordStep,
  type PublishResult,
} from './publish.js';
import type { QueryChecks } from './query-checks.js';
import { draftChanges, type DraftChange } from './draft-changes.js';
import type { IfMatch } from './draft-tags.js';
import type { History } from './draft-journal.js';
import type { ImportAuthorizer } from './config.service.js';
import { planObject, type ObjectPlan } from './object-plan.js';
import { DraftEdits, DraftStore, type ItemLocks } from './store.js';
import { countRecords, recordCounts, type RecordCount } from './record-counts.js';
import type { FieldDef, MetadataSnapshot, ObjectDef } from './types.js';
import { usedBy, type Usage } from './used-by.js';

/** A row of `_meta_archive` as the driver returns it: an archived object or field. */
interface ArchiveRow {
  n: number;
  kind: 'object' | 'field';
  item_id: string;
  object_id: string;
  definition: ObjectDef | FieldDef;
  release: number;
  archived_at: Date;
}

/**
 * Holds the compiled current release and swaps it after every publish or rollback. Requests read
 * `compiled` and never copy it.
 */
export class MetadataService {
  readonly draft: DraftStore;
  /** The draft for the metadata API: the same store, on this service's connection. */
  readonly edits: DraftEdits;
  readonly publisher: Publisher;
  /** The configuration as files: export, import, diff. */
  readonly configFiles: ConfigFilesService;
  private current: CompiledMetadata = compile(0, { objects: [], layouts: [], listViews: [] });
  /** After this process published: what brings it up to date (the tenant's stamp with it). */
  private readonly published: () => Promise<void>;

  constructor(
    private readonly knex: Knex,
    readonly schema: string,
    /**
     * What the layers above metadata do for it: parse sorts and filters, refresh rollups on
     * publish, and `reload` after a publish — the tenant's freshness (db/stamp.ts), so this
     * process's own next requests do not take its publish for another process's change.
     */
    above: {
      checks: QueryChecks;
      recordSteps?: readonly PublishRecordStep[];
      locks?: ItemLocks;
      reload?: () => Promise<void>;
    },
  ) {
    this.published = async () => {
      // The new release first, whatever reload is already under way; then the stamp with it.
      await this.load();
      await above.reload?.();
    };
    this.draft = new DraftStore(schema, above.checks, above.locks);
    this.edits = new DraftEdits(this.draft, knex);
    this.publisher = new Publisher(knex, schema, this.draft, above.checks, above.recordSteps);
    this.configFiles = new ConfigFilesService(knex, this.draft, this.publisher, above.checks, () => this.published());
  }

  get compiled(): CompiledMetadata {
    return this.current;
  }

  async load(): Promise<void> {
    const release = await this.publisher.current();
    if (release && release.n !== this.current.release) this.current = compile(release.n, release.snapshot);
  }

  async publish(options: PublishOptions & PlanMatch): Promise<PublishResult> {
    const result = await this.publisher.publish(options);
    if (!result.dryRun) await this.published();
    return result;
  }

  /** Publishes what `prepare` makes of the draft, `onApplied` in the same transaction (packs). */
  async publishReplaced(
    options: PublishOptions,
    prepare: (draft: MetadataSnapshot) => MetadataSnapshot,
    onApplied: (trx: Knex.Transaction, result: PublishResult) => Promise<void>,
  ): Promise<PublishResult> {
    const result = await this.publisher.publishReplaced(options, prepare, onApplied);
    if (!result.dryRun) await this.published();
    return result;
  }

  async rollback(n: number, options: PublishOptions & PlanMatch): Promise<PublishResult> {
    const result = await this.publisher.rollback(n, options);
    if (!result.dryRun) await this.published();
    return result;
  }

  /** What publishing would do to an object's table were `input` saved over it; the draft is left as it is. */
  planObject(input: ObjectDef, existingName: string, ifMatch?: IfMatch): Promise<ObjectPlan> {
    return planObject(this.knex, this.draft, this.publisher, input, existingName, ifMatch);
  }

  /** What the draft changes against the current release, as a publish would see it. */
  async draftChanges(): Promise<{ release: number | null; changes: DraftChange[] }> {
    return this.knex.transaction(async (trx) => {
      const release = await this.publisher.current(trx);
      return { release: release?.n ?? null, changes: draftChanges(release?.snapshot, await this.draft.snapshot(trx)) };
    });
  }

  /** The unpublished edit an undo would take back, and the one a redo would put forward. */
  draftHistory(): Promise<History> {
    return this.draft.journal.history(this.knex);
  }

  /** `authorize` sees the items as they are and as the replay would leave them, as for an import. */
  undoOrRedo(direction: 'undo' | 'redo', authorize: ImportAuthorizer) {
    return this.draft.journal.apply(this.knex, direction, authorize);
  }

  /** First start: an empty tenant gets the given snapshot (the core pack) as release 1. */
  async installIfEmpty(snapshot: MetadataSnapshot): Promise<boolean> {
    if (await this.publisher.current()) return false;
    await this.knex.transaction((trx) => this.draft.replace(trx, snapshot));
    await this.publish({ confirmLossy: false });
    return true;
  }

  /**
   * What in the draft names an object or one of its fields, and the records deleting it would
   * archive. `object` and `field` are query parameters, checked here.
   */
  async usedBy(
    object: unknown,
    field: unknown,
  ): Promise<{ object: string; field?: string; usedBy: Usage[] } & RecordCount> {
    const objectName = apiNameParameter('object', object, true)!;
    const fieldName = apiNameParameter('field', field, false);
    const snapshot = await this.draft.snapshot(this.knex);
    const obj = snapshot.objects.find((o) => o.apiName === objectName);
    if (!obj)
      throw new Problem('not-found', `object "${objectName}" is not in the draft`, [
        { field: 'object', code: 'unknownObject', message: `no object is named "${objectName}"` },
      ]);
    const def = fieldName === undefined ? undefined : obj.fields.find((f) => f.apiName === fieldName);
    if (fieldName !== undefined && !def)
      throw new Problem('not-found', `${objectName} has no field "${fieldName}" in the draft`, [
        { field: 'field', code: 'unknownField', message: `${objectName} has no field "${fieldName}"` },
      ]);
    const target = fieldName === undefined ? { object: objectName } : { object: objectName, field: fieldName };
    const count = await countRecords(this.knex, this.schema, this.current.snapshot, obj, def?.id);
    return { ...target, usedBy: usedBy(snapshot, target), ...count };
  }

  /** Records per object of the current release (outside the recycle bin). */
  recordCounts(): Promise<Record<string, number>> {
    return recordCounts(this.knex, this.schema, this.current.snapshot);
  }

  async listArchive() {
    const rows = await this.knex(`${this.schema}._meta_archive`).whereNull('restored_at').orderBy('n', 'desc');
    return (rows as ArchiveRow[]).map((r) => ({
      n: r.n,
      kind: r.kind,
      id: r.item_id,
      objectId: r.object_id,
      apiName: r.definition.apiName,
      release: r.release,
      archivedAt: new Date(r.archived_at).toISOString(),
      definition: r.definition,
    }));
  }

  /** Forgets the archive entries of items whose archived data was dropped (a pack purged). */
  async forgetArchived(trx: Knex.Transaction, itemIds: readonly string[]): Promise<void> {
    if (itemIds.length) await trx(`${this.schema}._meta_archive`).whereIn('item_id', itemIds).delete();
  }

  /**
   * Puts an archived field or object back into the draft. The next publish finds its archived
   * table or column by id and renames it back, data and all.
   */
  async restoreArchived(n: number): Promise<{ kind: string; object: ObjectDef }> {
    return this.draft.edit(this.knex, async (trx) => {
      const row = (await trx(`${this.schema}._meta_archive`).where({ n }).whereNull('restored_at').first()) as
        ArchiveRow | undefined;
      if (!row) throw notFound(`archive entry ${n} does not exist or was already restored`);
      const objects = await this.draft.list(trx, 'object');
      let object: ObjectDef;
      if (row.kind === 'object') {
        object = row.definition as ObjectDef;
        if (objects.some((o) => o.id === object.id || o.apiName === object.apiName)) {
          throw conflict(`an object named "${object.apiName}" is already in the draft`, [
            { field: 'apiName', code: 'duplicate', message: 'rename or delete it first' },
          ]);
        }
      } else {
        const field = row.definition as FieldDef;
        const owner = objects.find((o) => o.id === row.object_id);
        if (!owner) throw conflict('the object this field belonged to is not in the draft; restore the object first');
        if (owner.fields.some((f) => f.id === field.id || f.apiName === field.apiName)) {
          throw conflict(`${owner.apiName} already has a field named "${field.apiName}"`, [
            { field: 'apiName', code: 'duplicate', message: 'rename or delete it first' },
          ]);
        }
        object = { ...owner, fields: [...owner.fields, field] };
      }
      await this.draft.putObject(trx, object);
      await trx(`${this.schema}._meta_archive`).where({ n }).update({ restored_at: trx.fn.now() });
      return { kind: row.kind, object };
    });
  }
}

/** A query parameter naming an object or field: absent (when optional), or an API name. */
function apiNameParameter(name: string, value: unknown, required: boolean): string | undefined {
  if (value === undefined || value === '') {
    if (!required) return undefined;
    throw badRequest(`the ${name} parameter is required`, [
      { field: name, code: 'required', message: `give the ${name}'s API name` },
    ]);
  }
  if (typeof value !== 'string' || !API_NAME_PATTERN.test(value))
    throw badRequest(`the ${name} parameter is not an API name`, [
      { field: name, code: 'pattern', message: 'lower-case letters, digits and _, starting with a letter' },
    ]);
  return value;
}
