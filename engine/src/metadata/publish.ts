import type { Knex } from 'knex';
import { bumpStamp } from '../db/stamp.js';
import { conflict, invalid, notFound, type FieldError } from '../errors.js';
import { readCatalog } from '../schema/catalog.js';
import { desiredSchema } from '../schema/desired.js';
import { planSchema, RefusedTypeChange, type Step } from '../schema/plan.js';
import { runSteps, StepFailed, type StepResult } from '../schema/apply.js';
import { compile, type CompiledMetadata } from './compile.js';
import { diffSnapshots, type MetadataChange } from './diff.js';
import { etagOf, type IfMatch } from './draft-tags.js';
import { publishTag, requirePlanTag, rollbackTag } from './plan-tags.js';
import type { QueryChecks } from './query-checks.js';
import type { DraftStore } from './store.js';
import type { MetadataSnapshot } from './types.js';
import { validateSnapshot } from './validate.js';

/**
 * Draft → release. In one transaction under an advisory lock: validate the whole draft, diff it
 * against the current release, plan the schema against the live catalog, run the plan, and write
 * the release. Dry runs and refusals roll the transaction back, so they change nothing at all.
 */

export interface ReleaseSummary {
  n: number;
  kind: 'publish' | 'rollback';
  sourceRelease: number | null;
  createdAt: string;
  createdBy: string | null;
  /** The name of that user, while they exist. */
  createdByName: string | null;
  changes: number;
  /** Items per kind of change: `{ added: 2, changed: 1 }`. */
  summary: Partial<Record<MetadataChange['change'], number>>;
}

export interface PublishOptions {
  dryRun?: boolean;
  confirmLossy?: boolean;
  userId?: string | null;
}

/** A publish or rollback of the plan the caller read: If-Match as its dry run's `planTag` gave it. */
export interface PlanMatch {
  ifMatch?: IfMatch;
}

export interface PublishResult {
  release: number | null;
  dryRun: boolean;
  diff: MetadataChange[];
  plan: PlanEntry[];
  /** The entity tag of what was planned (plan-tags.ts), quoted: a publish and a rollback answer it. */
  planTag?: string;
}

/** The tag of what a publish or rollback plans, from the snapshot it applies and the current release. */
type PlanTagOf = (current: number | null, snapshot: MetadataSnapshot) => string;

export interface PlanEntry {
  op: Step['op'];
  table: string;
  column?: string;
  description: string;
  lossy: boolean;
  rows?: number;
  blocked?: string;
  sql: string[];
  step: Step;
}

/**
 * Work on records that a publish does inside its transaction once the schema plan has run (the
 * records layer's rollups, computed for new and changed rollup fields). It is handed in, since
 * metadata sits below the records layer. `changed`: ids of the fields the release adds or changes.
 */
export type PublishRecordStep = (
  trx: Knex.Transaction,
  schema: string,
  next: CompiledMetadata,
  changed: ReadonlySet<string>,
) => Promise<void>;

/** A row of `_meta_releases` as the driver returns it (jsonb parsed, timestamps as Date). */
interface ReleaseRow {
  n: number;
  kind: 'publish' | 'rollback';
  source_release: number | null;
  snapshot: MetadataSnapshot;
  diff: MetadataChange[];
  plan: PlanEntry[];
  created_by: string | null;
  created_at: Date;
}

class Rollback extends Error {
  constructor(readonly result: PublishResult) {
    super('rollback');
  }
}

function describe(r: StepResult): PlanEntry {
  const s = r.step;
  const table = 'table' in s ? s.table : s.name;
  const column =
    s.op === 'addColumn' || s.op === 'restoreColumn' || s.op === 'replaceFormula' || s.op === 'changeEncryption'
      ? s.column.name
      : s.op === 'archiveColumn' || s.op === 'renameColumn' || s.op === 'alterColumnType' || s.op === 'dropFormula'
        ? s.column
        : s.op === 'addConstraint'
          ? s.constraint.column
          : undefined;
  const text: Record<Step['op'], string> = {
    // Names end in what they are (schema/desired.ts): _ix and _tg are indexes, _uq and _fk constraints.
    dropConstraint: `drop ${'name' in s && /_(ix|tg)$/.test(s.name) ? 'index' : 'constraint'} ${'name' in s ? s.name : ''} on ${table}`,
    archiveColumn: `archive column ${table}.${column} (renamed out of the way, restorable)`,
    archiveTable: `archive table ${table} (renamed out of the way, restorable)`,
    createSequence: `create sequence ${table}`,
    createTable: `create table ${table}`,
    restoreTable: `restore archived table as ${table}`,
    renameTable: `rename table ${'from' in s ? s.from : ''} to ${table}`,
    addColumn: `add column ${table}.${column}`,
    restoreColumn: `restore archived column as ${table}.${column}`,
    renameColumn: `rename column ${table}.${'from' in s ? s.from : ''} to ${column}`,
    alterColumnType: s.op === 'alterColumnType' ? `change ${table}.${column} from ${s.from} to ${s.to}` : '',
    setAutonumberDefault: `set the autonumber format of ${table}.${column}`,
    changeEncryption:
      s.op === 'changeEncryption'
        ? `${s.column.encrypted ? 'encrypt' : 'stop encrypting'} ${table}.${column} (only while it holds no values)`
        : '',
    addConstraint:
      s.op !== 'addConstraint'
        ? ''
        : s.constraint.keys
          ? `add index ${s.constraint.name} on ${table} (${s.constraint.keys.map((k) => k.column + (k.desc ? ' desc' : '')).join(', ')})`
          : `add ${s.constraint.kind} ${s.constraint.name} on ${table}.${column}`,
    replaceFormula: `recompute formula ${table}.${column}`,
    dropFormula: `keep the last values of former formula ${table}.${column}`,
  };
  return {
    op: s.op,
    table,
    ...(column ? { column } : {}),
    description: text[s.op],
    lossy: r.lossy,
    ...(r.rows !== undefined ? { rows: r.rows } : {}),
    ...(r.blocked ? { blocked: r.blocked } : {}),
    sql: r.sql,
    step: s,
  };
}

export class Publisher {
  constructor(
    private readonly knex: Knex,
    private readonly schema: string,
    private readonly draft: DraftStore,
    private readonly checks: QueryChecks,
    private readonly recordSteps: readonly PublishRecordStep[] = [],
  ) {}

  private releases(db: Knex | Knex.Transaction) {
    return db(`${this.schema}._meta_releases`);
  }

  async current(
    db: Knex | Knex.Transaction = this.knex,
  ): Promise<{ n: number; snapshot: MetadataSnapshot } | undefined> {
    return this.releases(db).orderBy('n', 'desc').first('n', 'snapshot');
  }

  async list(): Promise<ReleaseSummary[]> {
    const rows = await this.releases(this.knex)
      .from(`${this.schema}._meta_releases as r`)
      .leftJoin(`${this.schema}._users as u`, 'u.id', 'r.created_by')
      .orderBy('r.n', 'desc')
      .select(
        'r.n',
        'r.kind',
        'r.source_release',
        'r.created_at',
        'r.created_by',
        'u.name as created_by_name',
        this.knex.raw('jsonb_array_length(r.diff) as changes'),
        // How many items each kind of change touched: the history's one-line summary.
        this.knex.raw(
          "(select coalesce(jsonb_object_agg(c, k), '{}') from (select e->>'change' as c, count(*) as k from jsonb_array_elements(r.diff) e group by 1) x) as summary",
        ),
      );
    return (
      rows as (ReleaseRow & { changes: number; created_by_name: string | null; summary: ReleaseSummary['summary'] })[]
    ).map((r) => ({
      n: r.n,
      kind: r.kind,
      sourceRelease: r.source_release,
      createdAt: new Date(r.created_at).toISOString(),
      createdBy: r.created_by,
      createdByName: r.created_by_name,
      changes: r.changes,
      summary: r.summary,
    }));
  }

  async get(n: number) {
    const row = (await this.releases(this.knex).where({ n }).first()) as ReleaseRow | undefined;
    if (!row) throw notFound(`release ${n} does not exist`);
    return {
      n: row.n,
      kind: row.kind,
      sourceRelease: row.source_release,
      createdAt: new Date(row.created_at).toISOString(),
      snapshot: row.snapshot,
      diff: row.diff,
      plan: row.plan,
    };
  }

  publish(options: PublishOptions & PlanMatch): Promise<PublishResult> {
    return this.run(options, async (trx) => this.draft.snapshot(trx), 'publish', null, false, undefined, {
      of: publishTag,
      ifMatch: options.ifMatch,
    });
  }

  async rollback(n: number, options: PublishOptions & PlanMatch): Promise<PublishResult> {
    return this.run(
      options,
      async (trx) => {
        const row = await this.releases(trx).where({ n }).first<Pick<ReleaseRow, 'snapshot'> | undefined>('snapshot');
        if (!row) throw notFound(`release ${n} does not exist`);
        await this.draft.replace(trx, row.snapshot);
        return row.snapshot;
      },
      'rollback',
      n,
      false,
      undefined,
      { of: (current) => rollbackTag(current, n), ifMatch: options.ifMatch },
    );
  }

  /**
   * Makes the draft the current release again, dropping every unpublished edit, in one
   * transaction under the publish lock (a publish running meanwhile cannot interleave).
   */
  async discardDraft(): Promise<{ release: number | null }> {
    return this.knex.transaction(async (trx) => {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`tessera:publish:${this.schema}`]);
      const current = await this.current(trx);
      await this.draft.replace(trx, current?.snapshot ?? { objects: [], layouts: [], listViews: [] });
      await this.draft.journal.clear(trx);
      return { release: current?.n ?? null };
    });
  }

  /**
   * Replaces the draft with what `prepare` makes of it (a configuration import), then plans it —
   * the draft stays replaced, the schema untouched (dryRun) — or publishes it, in one transaction:
   * a refusal anywhere leaves the draft as it was.
   */
  replaceDraft(
    options: PublishOptions,
    prepare: (draft: MetadataSnapshot) => MetadataSnapshot,
  ): Promise<PublishResult> {
    const source = async (trx: Knex.Transaction) => {
      // One undo step: an import planned but not published can be taken back whole.
      await this.draft.recorded(trx, async () => this.draft.replace(trx, prepare(await this.draft.snapshot(trx))));
      // As the draft holds it (jsonb orders keys its own way), so the diff compares like with like.
      return this.draft.snapshot(trx);
    };
    return this.run(options, source, 'publish', null, true);
  }

  /**
   * Publishes what `prepare` makes of the draft, with `onApplied` in the same transaction (a
   * pack's install record): all or nothing. A dry run leaves the draft as it was.
   */
  publishReplaced(
    options: PublishOptions,
    prepare: (draft: MetadataSnapshot) => MetadataSnapshot,
    onApplied: (trx: Knex.Transaction, result: PublishResult) => Promise<void>,
  ): Promise<PublishResult> {
    const source = async (trx: Knex.Transaction) => {
      await this.draft.replace(trx, prepare(await this.draft.snapshot(trx)));
      return this.draft.snapshot(trx);
    };
    return this.run(options, source, 'publish', null, false, onApplied);
  }

  private async run(
    options: PublishOptions,
    source: (trx: Knex.Transaction) => Promise<MetadataSnapshot>,
    kind: 'publish' | 'rollback',
    sourceRelease: number | null,
    keepSourceOnDryRun = false,
    onApplied?: (trx: Knex.Transaction, result: PublishResult) => Promise<void>,
    tag?: { of: PlanTagOf; ifMatch: IfMatch | undefined },
  ): Promise<PublishResult> {
    let planTag: string | undefined;
    const tagged = (result: PublishResult) => (planTag ? { ...result, planTag: etagOf(planTag) } : result);
    try {
      return tagged(
        await this.knex.transaction(async (trx) => {
          await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`tessera:publish:${this.schema}`]);
          const snapshot = await source(trx);
          if (tag) {
            // Under the lock, of the very snapshot applied below: nothing can move between check and publish.
            planTag = tag.of(await this.currentNumber(trx), snapshot);
            requirePlanTag(planTag, tag.ifMatch);
          }
          if (!options.dryRun || !keepSourceOnDryRun) {
            const result = await this.apply(trx, snapshot, options, kind, sourceRelease);
            // What the caller records beside the release (a pack's install) commits or fails with it.
            await onApplied?.(trx, result);
            return result;
          }
          // What the source wrote (an imported draft) stays; the dry run's schema steps roll back to a savepoint.
          return trx
            .transaction((sp) => this.apply(sp, snapshot, options, kind, sourceRelease))
            .catch((e: unknown) => {
              if (e instanceof Rollback) return e.result;
              throw e;
            });
        }),
      );
    } catch (e) {
      if (e instanceof Rollback) return tagged(e.result);
      throw e;
    }
  }

  /** The current release's number alone (its snapshot is large), or null before the first publish. */
  private async currentNumber(trx: Knex.Transaction): Promise<number | null> {
    const row = await this.releases(trx).max<{ n: number | null }>('n as n').first();
    return row?.n ?? null;
  }

  /** Validates, diffs, plans and runs the schema steps, and writes the release (dry runs throw Rollback). */
  private async apply(
    trx: Knex.Transaction,
    snapshot: MetadataSnapshot,
    options: PublishOptions,
    kind: 'publish' | 'rollback',
    sourceRelease: number | null,
  ): Promise<PublishResult> {
    const errors = validateSnapshot(snapshot, this.checks);
    if (errors.length) throw invalid('the draft metadata is not valid; nothing was published', errors);
    const current = await this.current(trx);
    const diff = diffSnapshots(current?.snapshot, snapshot);
    let steps: Step[];
    try {
      steps = planSchema(desiredSchema(snapshot), await readCatalog(trx, this.schema));
    } catch (e) {
      if (!(e instanceof RefusedTypeChange)) throw e;
      throw invalid(e.message, [
        {
          field: `${e.table}.${e.column}`,
          code: 'typeChange',
          message: `cannot change from ${e.from} to ${e.to}; add a new field and copy the data instead`,
        },
      ]);
    }
    let plan: PlanEntry[];
    try {
      plan = (await runSteps(trx, this.schema, steps, options.confirmLossy === true)).map(describe);
    } catch (e) {
      if (!(e instanceof StepFailed)) throw e;
      const entry = describe({ step: e.step, lossy: false, sql: [] });
      const why =
        e.sqlState === '42P07' || e.sqlState === '42701'
          ? `something named ${entry.column ?? entry.table} already exists in the database and is not managed by Tessera`
          : `the database refused it (SQLSTATE ${e.sqlState ?? 'unknown'})`;
      throw conflict(`could not ${entry.description}: ${why}; nothing was published`, [
        { field: entry.column ? `${entry.table}.${entry.column}` : entry.table, code: 'schemaStep', message: why },
      ]);
    }
    const result: PublishResult = { release: null, dryRun: options.dryRun === true, diff, plan };
    const blocked = plan.filter((p) => p.blocked);
    if (blocked.length) {
      throw conflict('the data does not allow this change yet; nothing was published', blocked.map(stepError), {
        plan: plan.map(publicEntry),
        confirmable: false,
      });
    }
    const lossy = plan.filter((p) => p.lossy);
    if (lossy.length && !options.confirmLossy && !options.dryRun) {
      throw conflict(
        'this change would lose data; nothing was published. Send { "confirmLossy": true } to archive the affected data and go ahead',
        lossy.map(stepError),
        { plan: plan.map(publicEntry), confirmable: true },
      );
    }
    await this.runRecordSteps(trx, snapshot, diff);
    if (options.dryRun) throw new Rollback(result);
    // The draft's edits are released now: nothing unpublished is left to undo.
    await this.draft.journal.clear(trx);
    if (!diff.length && !plan.length && kind === 'publish' && current) return { ...result, release: current.n };
    const n = (current?.n ?? 0) + 1;
    await this.recordArchives(trx, plan, current?.snapshot, n);
    await this.releases(trx).insert({
      n,
      kind,
      source_release: sourceRelease,
      snapshot: JSON.stringify(snapshot),
      diff: JSON.stringify(diff),
      plan: JSON.stringify(plan.map(publicEntry)),
      created_by: options.userId ?? null,
    });
    // Every engine process serving the tenant compiles the new release before its next answer.
    await bumpStamp(trx, this.schema);
    return { ...result, release: n };
  }

  private async runRecordSteps(trx: Knex.Transaction, snapshot: MetadataSnapshot, diff: MetadataChange[]) {
    if (!this.recordSteps.length) return;
    const changed = new Set(diff.filter((c) => c.kind === 'field' && c.change !== 'removed').map((c) => c.id));
    const next = compile(0, snapshot);
    for (const step of this.recordSteps) await step(trx, this.schema, next, changed);
  }

  /** Keeps the definitions of archived fields and objects, so they can be restored. */
  private async recordArchives(
    trx: Knex.Transaction,
    plan: PlanEntry[],
    previous: MetadataSnapshot | undefined,
    release: number,
  ) {
    const rows: Record<string, unknown>[] = [];
    for (const { step } of plan) {
      const obj = previous?.objects.find((o) => 'objectId' in step && o.id === step.objectId);
      if (!obj) continue;
      if (step.op === 'archiveTable') {
        rows.push({
          kind: 'object',
          item_id: obj.id,
          object_id: obj.id,
          definition: JSON.stringify(obj),
          physical_table: step.archivedName,
          release,
        });
      } else if (step.op === 'archiveColumn') {
        const field = obj.fields.find((f) => f.id === step.fieldId);
        if (field && !rows.some((r) => r.item_id === field.id)) {
          rows.push({
            kind: 'field',
            item_id: field.id,
            object_id: obj.id,
            definition: JSON.stringify(field),
            physical_table: step.table,
            physical_columns: JSON.stringify([step.archivedName]),
            release,
          });
        }
      }
    }
    if (rows.length) await trx(`${this.schema}._meta_archive`).insert(rows);
  }
}

const publicEntry = ({ step: _s, ...entry }: PlanEntry) => entry;

function stepError(p: PlanEntry): FieldError {
  return {
    field: p.column ? `${p.table}.${p.column}` : p.table,
    code: p.blocked ? 'blocked' : 'lossy',
    message: p.blocked ?? `${p.description}: ${p.rows} row(s) hold data that would be lost`,
  };
}
