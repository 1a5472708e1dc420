import { CronExpressionParser } from 'cron-parser';
import type { Knex } from 'knex';
import { signedDurationMs } from '../lib/duration.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { RelativeTrigger, ScheduleTrigger, WorkflowDef } from '../metadata/types.js';
import type { RecordsService } from '../records/records.service.js';
import { systemCaller } from '../security/system-caller.js';
import { activeWorkflows } from './capture.js';
import { newRun } from './dispatcher.js';
import { conditionHolds } from './match.js';
import type { NewRun, QueuedRun, RunStore } from './run-store.js';

/**
 * Time-based triggers, worked out at each scheduler pass for the time `now` (the engine's clock,
 * or a test's):
 * - a schedule fires at the last cron time after the one it fired at (times missed while no
 *   engine ran collapse into one), for the records its filter matches;
 * - a relative trigger fires once for each record whose date + offset has come, and again if the
 *   date moves and the new time comes (a date read as midnight UTC).
 * Neither fires for times before the workflow was first seen, so publishing one does not replay
 * the past. Each firing is claimed by inserting its row in _automation_fired (the primary key
 * decides between engines), in the transaction that writes its runs and their jobs. Runs act as
 * each record's owner.
 */

/** Records one firing starts runs for, at most. */
const MAX_RECORDS = 10_000;
const PAGE = 500;

export interface SchedulerDeps {
  knex: Knex;
  schema: string;
  compiled: () => CompiledMetadata;
  store: RunStore;
  recordsIn: (db: Knex | Knex.Transaction) => RecordsService;
  enqueue: (trx: Knex.Transaction, runs: QueuedRun[]) => Promise<void>;
}

type Timed = WorkflowDef & { trigger: ScheduleTrigger | RelativeTrigger };

export class Scheduler {
  constructor(private readonly deps: SchedulerDeps) {}

  /** Starts the runs that are due at `now`; how many. */
  async due(now: Date): Promise<number> {
    const compiled = this.deps.compiled();
    let started = 0;
    for (const workflow of activeWorkflows(compiled)) {
      const { trigger } = workflow;
      if (!('schedule' in trigger) && !('relativeTo' in trigger)) continue;
      const since = await this.activated(workflow, now);
      if (!since) continue;
      const timed = workflow as Timed;
      started +=
        'schedule' in trigger
          ? await this.scheduled(timed, trigger, since, now)
          : await this.relative(timed, trigger, since, now);
    }
    return started;
  }

  private fired(db: Knex | Knex.Transaction) {
    return db(`${this.deps.schema}._automation_fired`);
  }

  /** When the workflow was first seen; undefined the first time (it starts counting now). */
  private async activated(workflow: WorkflowDef, now: Date): Promise<Date | undefined> {
    const inserted = await this.fired(this.deps.knex)
      .insert({ workflow_id: workflow.id, key: 'activated', due_at: now })
      .onConflict(['workflow_id', 'key'])
      .ignore()
      .returning('due_at');
    if (inserted.length) return undefined;
    const row = await this.fired(this.deps.knex)
      .where({ workflow_id: workflow.id, key: 'activated' })
      .first<{ due_at: Date }>('due_at');
    return new Date(row.due_at);
  }

  private async scheduled(workflow: Timed, trigger: ScheduleTrigger, since: Date, now: Date): Promise<number> {
    const at = CronExpressionParser.parse(trigger.schedule, {
      currentDate: now,
      // UTC unless the workflow names a zone: never the engine host's own.
      tz: trigger.timezone ?? 'UTC',
    })
      .prev()
      .toDate();
    if (at <= since) return 0;
    const records = await this.matching(workflow, trigger.filter);
    return this.start(workflow, [{ key: `at:${at.toISOString()}`, due: at }], () => records, 'scheduled');
  }

  private async relative(workflow: Timed, trigger: RelativeTrigger, since: Date, now: Date): Promise<number> {
    const offset = signedDurationMs(trigger.offset) ?? 0;
    const field = trigger.relativeTo;
    // Due = date + offset, so the dates due in (since, now] are those in (since - offset, now - offset];
    // read at day granularity and narrowed below.
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const window = {
      gte: day(since.getTime() - offset - 86_400_000),
      lte: new Date(now.getTime() - offset).toISOString(),
    };
    const object = this.deps.compiled().objects.get(workflow.object)!;
    const isDate = object.fields.get(field)?.def.type === 'date';
    const bounds = isDate ? { gte: window.gte, lte: day(now.getTime() - offset) } : window;
    const filter = { and: [{ [field]: bounds }, ...(trigger.filter === undefined ? [] : [trigger.filter])] };
    const due = (r: Record<string, unknown>) => {
      const value = r[field];
      if (typeof value !== 'string') return undefined;
      const at = Date.parse(isDate ? `${value}T00:00:00Z` : value) + offset;
      return at > since.getTime() && at <= now.getTime() ? new Date(at) : undefined;
    };
    const records = (await this.matching(workflow, filter)).filter((r) => due(r));
    if (!records.length) return 0;
    return this.start(
      workflow,
      records.map((r) => ({ key: `${String(r.id)}@${due(r)!.toISOString()}`, due: due(r)!, record: r })),
      (claimed) => claimed,
      'scheduled',
    );
  }

  /**
   * Claims the firings (only those this engine inserts), and in the same transaction writes a run
   * for each record they cover whose condition holds, with the runs' jobs.
   */
  private async start<F extends { key: string; due: Date; record?: Record<string, unknown> }>(
    workflow: Timed,
    firings: F[],
    records: (claimed: Record<string, unknown>[]) => Record<string, unknown>[],
    event: string,
  ): Promise<number> {
    const release = this.deps.compiled().release;
    return this.deps.knex.transaction(async (trx) => {
      const claimed = new Set(
        (
          await this.fired(trx)
            .insert(firings.map((f) => ({ workflow_id: workflow.id, key: f.key, due_at: f.due })))
            .onConflict(['workflow_id', 'key'])
            .ignore()
            .returning<{ key: string }[]>('key')
        ).map((r) => r.key),
      );
      if (!claimed.size) return 0;
      const covered = records(firings.filter((f) => claimed.has(f.key) && f.record).map((f) => f.record!));
      const runs: NewRun[] = [];
      for (const record of covered) {
        const facts = {
          event,
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
    });
  }

  /** The records a filter matches, read with all access, up to MAX_RECORDS. */
  private async matching(workflow: WorkflowDef, filter: unknown): Promise<Record<string, unknown>[]> {
    const compiled = this.deps.compiled();
    const caller = systemCaller(compiled, 'workflow');
    const records = this.deps.recordsIn(this.deps.knex);
    const out: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    do {
      const page = await records.list(
        workflow.object,
        { ...(filter === undefined ? {} : { filter }), limit: PAGE, ...(cursor ? { cursor } : {}) },
        caller,
      );
      out.push(...(JSON.parse(`[${page.records}]`) as Record<string, unknown>[]));
      cursor = page.nextCursor;
    } while (cursor && out.length < MAX_RECORDS);
    return out.slice(0, MAX_RECORDS);
  }
}
