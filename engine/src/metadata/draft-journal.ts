import type { Knex } from 'knex';
import { conflict } from '../errors.js';
import type { ImportAuthorizer } from './config.service.js';
import { ITEM_KINDS } from './kinds.js';
import type { MetadataKind, MetadataSnapshot } from './types.js';

/**
 * Undo and redo of unpublished edits. Each edit of the draft — a save or delete, with the
 * layouts, views and workflows it rewrote to follow a rename — is one step: the draft rows it
 * changed, in statement order, each before and after. Undo puts a step's rows back in reverse
 * order, redo forward in order, so every intermediate state is one the draft really had and the
 * unique names hold throughout. A new edit drops what was undone, as in every editor; publishing,
 * discarding and rolling back start afresh, since the edits are then no longer unpublished.
 *
 * The journal is the tenant's, not a browser's: an admin's undo takes back the last edit of the
 * draft whoever made it, and the studio keeps nothing the engine does not hold. Before a row is
 * put back it must still be as the step left it; when it is not, the undo is refused (412)
 * rather than overwrite what came since.
 */

type Definition = { apiName: string } & Record<string, unknown>;

/** One draft row changed by one statement: `null` is "not there". */
export interface RowChange {
  kind: MetadataKind;
  id: string;
  before: Definition | null;
  after: Definition | null;
}

export interface StepSummary {
  seq: number;
  at: string;
  /** Each item the step touched once, with what happened to it over the whole step. */
  items: { kind: MetadataKind; apiName: string; change: 'created' | 'changed' | 'deleted' }[];
}

export interface History {
  undo: StepSummary | null;
  redo: StepSummary | null;
}

/** How many steps are kept: older ones fall off, as an editor's undo depth. */
const DEPTH = 100;

interface StepRow {
  seq: string | number;
  changes: RowChange[];
  created_at: Date | string;
}

/** What the step did to each item, first state to last: created, changed or deleted. */
export function summarize(changes: RowChange[]): StepSummary['items'] {
  const first = new Map<string, RowChange>();
  const last = new Map<string, RowChange>();
  for (const c of changes) {
    const key = `${c.kind}:${c.id}`;
    if (!first.has(key)) first.set(key, c);
    last.set(key, c);
  }
  return [...first].flatMap(([key, start]) => {
    const end = last.get(key)!;
    const apiName = (end.after ?? start.before)?.apiName ?? start.id;
    if (!start.before && !end.after) return [];
    const change = !start.before ? 'created' : !end.after ? 'deleted' : 'changed';
    return [{ kind: start.kind, apiName, change } as const];
  });
}

const same = (a: Definition | null, b: Definition | null) => JSON.stringify(a) === JSON.stringify(b);

/**
 * The items a replay moves from and to, as two partial snapshots: the same shape an import is
 * authorized on, so an undo passes the checks a save of each item would (security kinds need
 * manageUsers, a permission set grants only what its author holds, and so on).
 */
export function replaySnapshots(changes: RowChange[], direction: 'undo' | 'redo') {
  const from = new Map<string, RowChange>();
  const to = new Map<string, RowChange>();
  const order = direction === 'undo' ? [...changes].reverse() : changes;
  for (const c of order) {
    const key = `${c.kind}:${c.id}`;
    if (!from.has(key)) from.set(key, c);
    to.set(key, c);
  }
  const snapshotOf = (rows: Map<string, RowChange>, pick: (c: RowChange) => Definition | null) => {
    const snapshot: MetadataSnapshot = { objects: [], layouts: [], listViews: [] };
    for (const c of rows.values()) {
      const definition = pick(c);
      if (!definition) continue;
      const key = c.kind === 'object' ? 'objects' : ITEM_KINDS[c.kind].key;
      ((snapshot[key] ??= []) as unknown[]).push(definition);
    }
    return snapshot;
  };
  const [was, will] = direction === 'undo' ? (['after', 'before'] as const) : (['before', 'after'] as const);
  return { before: snapshotOf(from, (c) => c[was]), after: snapshotOf(to, (c) => c[will]) };
}

export class DraftJournal {
  constructor(private readonly schema: string) {}

  private steps(db: Knex | Knex.Transaction) {
    return db(`${this.schema}._meta_draft_journal`);
  }

  private draft(db: Knex | Knex.Transaction) {
    return db(`${this.schema}._meta_draft`);
  }

  /** Records an edit's changes as the newest step; what was undone before it can no longer be redone. */
  async record(trx: Knex.Transaction, changes: RowChange[]): Promise<void> {
    const real = changes.filter((c) => !same(c.before, c.after));
    if (!real.length) return;
    await this.steps(trx).where({ undone: true }).delete();
    const [row] = await this.steps(trx)
      .insert({ changes: JSON.stringify(real) })
      .returning<{ seq: string | number }[]>('seq');
    await this.steps(trx)
      .where('seq', '<=', Number(row!.seq) - DEPTH)
      .delete();
  }

  /** The journal starts afresh (publish, discard, rollback). */
  async clear(trx: Knex.Transaction): Promise<void> {
    await this.steps(trx).delete();
  }

  async history(db: Knex | Knex.Transaction): Promise<History> {
    const [undo, redo] = await Promise.all([this.next(db, 'undo'), this.next(db, 'redo')]);
    return { undo: undo ? summary(undo) : null, redo: redo ? summary(redo) : null };
  }

  /** Takes back the newest step that is not undone, or puts forward the oldest undone one. */
  async apply(
    knex: Knex,
    direction: 'undo' | 'redo',
    authorize: ImportAuthorizer,
  ): Promise<{ step: StepSummary } & History> {
    return knex.transaction(async (trx) => {
      // Under the publish lock, so a publish cannot read the draft halfway through.
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`tessera:publish:${this.schema}`]);
      const step = await this.next(trx, direction, true);
      if (!step)
        throw conflict(`there is no unpublished edit to ${direction}`, [
          { field: 'draft', code: 'undo', message: `nothing to ${direction}` },
        ]);
      const { before, after } = replaySnapshots(step.changes, direction);
      authorize(before, after);
      const order = direction === 'undo' ? [...step.changes].reverse() : step.changes;
      for (const change of order) {
        const [expected, next] = direction === 'undo' ? [change.after, change.before] : [change.before, change.after];
        await this.put(trx, change, expected, next);
      }
      await this.steps(trx)
        .where({ seq: step.seq })
        .update({ undone: direction === 'undo' });
      return { step: summary(step), ...(await this.history(trx)) };
    });
  }

  private async next(db: Knex | Knex.Transaction, direction: 'undo' | 'redo', lock = false) {
    const query = this.steps(db)
      .where({ undone: direction === 'redo' })
      .orderBy('seq', direction === 'undo' ? 'desc' : 'asc')
      .first<StepRow | undefined>('seq', 'changes', 'created_at');
    return lock ? query.forUpdate() : query;
  }

  /** Sets one row to `next`, refusing when it is no longer `expected`. */
  private async put(trx: Knex.Transaction, change: RowChange, expected: Definition | null, next: Definition | null) {
    const where = { kind: change.kind, id: change.id };
    const row = await this.draft(trx)
      .where(where)
      .forUpdate()
      .first<{ definition: Definition } | undefined>('definition');
    const current = row?.definition ?? null;
    if (!same(current, expected)) {
      const name = (expected ?? current)?.apiName ?? change.id;
      throw conflict(`${change.kind} "${name}" changed since this edit; nothing was undone or redone`, [
        { field: `${change.kind}.${name}`, code: 'stale', message: 'changed outside the edit history' },
      ]);
    }
    if (!next) await this.draft(trx).where(where).delete();
    else if (!row) await this.draft(trx).insert({ ...where, api_name: next.apiName, definition: JSON.stringify(next) });
    else
      await this.draft(trx)
        .where(where)
        .update({ api_name: next.apiName, definition: JSON.stringify(next), updated_at: trx.fn.now() });
  }
}

function summary(row: StepRow): StepSummary {
  return { seq: Number(row.seq), at: new Date(row.created_at).toISOString(), items: summarize(row.changes) };
}
