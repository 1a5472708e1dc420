import { CronExpressionParser } from 'cron-parser';
import type { Knex } from 'knex';
import { signedDurationMs } from '../lib/duration.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { RelativeTrigger, ScheduleTrigger, WorkflowDef } from '../metadata/types.js';
import type { RecordsService } from '../records/records.service.js';
import { systemCaller } from '../security/system-caller.js';
import { activeWorkflows } from './capture.js';
import { newRun } from './dispatcher.js';
import { conditionHolds } from '../rules/workflow-match.js';
import type { NewRun, QueuedRun, RunStore } from './run-store.js';

/**
 * Time-based triggers, worked out at each scheduler pass for the time `now` (the engine's clock,
 * or a test's). Each workflow keeps two marks in _automation_fired: when it was first seen
 * (`activated`: publishing one does not replay the past) and the time the last pass worked up to
 * (`seen`), so a pass looks only at what came due since:
 * - a schedule fires at the last cron time after `seen` (times missed while no engine ran
 *   collapse into one), for every record its filter matches;
 * - a relative trigger fires once for each record whose date + offset came in (seen, now] — and,
 *   for a record saved since `seen` with a time already past (a date set late, or moved), at the
 *   next pass, as long as that time is after `activated`; a date moved later fires again at the
 *   new time (a date is read as midnight UTC).
 * Each firing is claimed by inserting its row in _automation_fired (the primary key decides
 * between engines), in the transaction that writes its runs and their jobs; records are read a
 * page at a time, so a firing over many records holds one page in memory. Runs act as each
 * record's owner.
 */

const PAGE = 500;

/**
 * A publish step: a time-based workflow that is not active in the release forgets when it was
 * seen, so turned on again it starts counting then — the times that came while it was off do not
 * fire all at once. The firings it claimed stay: a record never fires twice for one time.
 */
export async function forgetInactiveSchedules(trx: Knex.Transaction, schema: string, next: CompiledMetadata) {
  const timed = activeWorkflows(next)
    .filter((w) => 'schedule' in w.trigger || 'relativeTo' in w.trigger)
    .map((w) => w.id);
  await trx(`${schema}._automation_fired`)
    .whereIn('key', ['activated', 'seen'])
    .whereNotIn('workflow_id', timed)
    .delete();
}

export interface SchedulerDeps {
  knex: Knex;
  schema: string;
  compiled: () => CompiledMetadata;
  store: RunStore;
  recordsIn: (db: Knex | Knex.Transaction) => RecordsService;
  enqueue: (trx: Knex.Transaction, runs: QueuedRun[]) => Promise<void>;
}

type Row = Record<string, unknown>;
type Marks = { activated: Date; seen: Date };

export class Scheduler {
  constructor(private readonly deps: SchedulerDeps) {}

  /** Starts the runs that are due at `now`; how many. */
  async due(now: Date): Promise<number> {
    const compiled = this.deps.compiled();
    let started = 0;
    for (const workflow of activeWorkflows(compiled)) {
      const { trigger } = workflow;
      if (!('schedule' in trigger) && !('relativeTo' in trigger)) continue;
      const marks = await this.marks(workflow, now);
      if (!marks || now <= marks.seen) continue;
      started +=
        'schedule' in trigger
          ? await this.scheduled(workflow, trigger, marks, now)
          : await this.relative(workflow, trigger, marks, now);
      // Only once the pass went through: a pass that failed is worked out again by the next.
      await this.fired(this.deps.knex)
        .where({ workflow_id: workflow.id, key: 'seen' })
        .update({ due_at: this.deps.knex.raw('greatest(due_at, ?)', [now]) });
    }
    return started;
  }

  private fired(db: Knex | Knex.Transaction) {
    return db(`${this.deps.schema}._automation_fired`);
  }

  /** The workflow's marks; undefined the first time it is seen (it starts counting now). */
  private async marks(workflow: WorkflowDef, now: Date): Promise<Marks | undefined> {
    const inserted = await this.fired(this.deps.knex)
      .insert(['activated', 'seen'].map((key) => ({ workflow_id: workflow.id, key, due_at: now })))
      .onConflict(['workflow_id', 'key'])
      .ignore()
      .returning('key');
    if (inserted.length === 2) return undefined;
    const rows = await this.fired(this.deps.knex)
      .where({ workflow_id: workflow.id })
      .whereIn('key', ['activated', 'seen'])
      .select<{ key: string; due_at: Date }[]>('key', 'due_at');
    const at = (key: string) => new Date(rows.find((r) => r.key === key)!.due_at);
    return { activated: at('activated'), seen: at('seen') };
  }

  private async scheduled(workflow: WorkflowDef, trigger: ScheduleTrigger, marks: Marks, now: Date): Promise<number> {
    const at = CronExpressionParser.parse(trigger.schedule, {
      currentDate: now,
      // UTC unless the workflow names a zone: never the engine host's own.
      tz: trigger.timezone ?? 'UTC',
    })
      .prev()
      .toDate();
    if (at <= marks.seen) return 0;
    // One transaction: the firing is claimed with all of its runs, or not at all.
    return this.deps.knex.transaction(async (trx) => {
      if (!(await this.claim(trx, workflow, [{ key: `at:${at.toISOString()}`, due: at }])).size) return 0;
      let started = 0;
      for await (const page of this.pages(trx, workflow, trigger.filter))
        started += await this.start(trx, workflow, page);
      return started;
    });
  }

  private async relative(workflow: WorkflowDef, trigger: RelativeTrigger, marks: Marks, now: Date): Promise<number> {
    const offset = signedDurationMs(trigger.offset) ?? 0;
    const field = trigger.relativeTo;
    const object = this.deps.compiled().objects.get(workflow.object)!;
    const isDate = object.fields.get(field)?.def.type === 'date';
    // Due = date + offset: the dates due in (from, now] are those in (from - offset, now - offset],
    // read at day granularity for a date field and narrowed by `due` below.
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const dates = (from: Date) =>
      isDate
        ? { gte: day(from.getTime() - offset - 86_400_000), lte: day(now.getTime() - offset) }
        : { gt: new Date(from.getTime() - offset).toISOString(), lte: new Date(now.getTime() - offset).toISOString() };
    const window = {
      or: [
        { [field]: dates(marks.seen) },
        { and: [{ updated_at: { gt: marks.seen.toISOString() } }, { [field]: dates(marks.activated) }] },
      ],
    };
    const filter = trigger.filter === undefined ? window : { and: [window, trigger.filter] };
    const due = (r: Row) => {
      const value = r[field];
      if (typeof value !== 'string') return undefined;
      const at = Date.parse(isDate ? `${value}T00:00:00Z` : value) + offset;
      // Came due since the last pass; or earlier (not before the workflow was seen) and saved since.
      const saved = typeof r.updated_at === 'string' && Date.parse(r.updated_at) > marks.seen.getTime();
      const from = saved ? marks.activated : marks.seen;
      return at > from.getTime() && at <= now.getTime() ? new Date(at) : undefined;
    };
    let started = 0;
    for await (const page of this.pages(this.deps.knex, workflow, filter)) {
      const firings = page.flatMap((record) => {
        const at = due(record);
        return at ? [{ key: `${String(record.id)}@${at.toISOString()}`, due: at, record }] : [];
      });
      if (!firings.length) continue;
      started += await this.deps.knex.transaction(async (trx) => {
        const claimed = await this.claim(trx, workflow, firings);
        return this.start(
          trx,
          workflow,
          firings.filter((f) => claimed.has(f.key)).map((f) => f.record),
        );
      });
    }
    return started;
  }

  /** Inserts the firings' rows; the keys this engine inserted (another may have been first). */
  private async claim(trx: Knex.Transaction, workflow: WorkflowDef, firings: { key: string; due: Date }[]) {
    const rows = await this.fired(trx)
      .insert(firings.map((f) => ({ workflow_id: workflow.id, key: f.key, due_at: f.due })))
      .onConflict(['workflow_id', 'key'])
      .ignore()
      .returning<{ key: string }[]>('key');
    return new Set(rows.map((r) => r.key));
  }

  /** Writes a run for each record whose condition holds, with the runs' jobs. */
  private async start(trx: Knex.Transaction, workflow: WorkflowDef, records: Row[]): Promise<number> {
    const release = this.deps.compiled().release;
    const runs: NewRun[] = [];
    for (const record of records) {
      const facts = {
        event: 'scheduled',
        recordId: String(record.id),
        record,
        changed: [],
        userId: typeof record.owner_id === 'string' ? record.owner_id : null,
        depth: 0,
      };
      if (conditionHolds(workflow, facts)) runs.push(newRun(workflow, release, facts));
    }
    await this.deps.store.insert(trx, runs);
    await this.deps.enqueue(trx, runs);
    return runs.length;
  }

  /** The records a filter matches, read with all access, a page at a time. */
  private async *pages(db: Knex | Knex.Transaction, workflow: WorkflowDef, filter: unknown): AsyncGenerator<Row[]> {
    const compiled = this.deps.compiled();
    const caller = systemCaller(compiled, 'workflow');
    const records = this.deps.recordsIn(db);
    let cursor: string | null = null;
    do {
      const page = await records.list(
        workflow.object,
        { ...(filter === undefined ? {} : { filter }), limit: PAGE, ...(cursor ? { cursor } : {}) },
        caller,
      );
      yield JSON.parse(`[${page.records}]`) as Row[];
      cursor = page.nextCursor;
    } while (cursor);
  }
}
