import type { Knex } from 'knex';
import type { CompiledMetadata, CompiledObject } from '../metadata/compile.js';
import type { WorkflowDef } from '../metadata/types.js';
import { uuidv7 } from '../lib/ids.js';
import { activeWorkflows } from './capture.js';
import { toEvent, type OutboxRow, type RecordEvent } from './events.js';
import { conditionHolds, triggers } from '../rules/workflow-match.js';
import { MAX_DEPTH } from './runner.js';
import { tablesImporting } from '../query/import-visibility.js';
import type { NewRun, QueuedRun, RunStore } from './run-store.js';

/**
 * Turns captured changes into runs: claims a batch of outbox rows (SKIP LOCKED, so engines
 * draining side by side never take the same row), matches each against the active workflows of
 * its object, and in the same transaction deletes the rows, writes the runs and sends their jobs.
 * A crash before the commit leaves the rows for the next drain; after it, the jobs exist.
 */

const BATCH = 200;

export interface DispatcherDeps {
  knex: Knex;
  schema: string;
  compiled: () => CompiledMetadata;
  store: RunStore;
  enqueue: (trx: Knex.Transaction, runs: QueuedRun[]) => Promise<void>;
}

export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  /** Claims and dispatches one batch; the number of changes it took (0: the outbox is empty). */
  drain(): Promise<number> {
    const { knex, schema, store } = this.deps;
    return knex.transaction(async (trx) => {
      const held = this.held();
      const { rows } = await trx.raw<{ rows: OutboxRow[] }>(
        `delete from ??._automation_outbox where seq in
           (select seq from ??._automation_outbox where object_id <> all(?::text[])
            order by seq limit ? for update skip locked)
         returning *`,
        [schema, schema, held, BATCH],
      );
      if (!rows.length) return 0;
      rows.sort((a, b) => Number(a.seq) - Number(b.seq));
      const runs = this.runsFor(rows);
      await store.insert(trx, runs);
      await this.deps.enqueue(
        trx,
        runs.filter((r) => r.status === 'queued'),
      );
      return rows.length;
    });
  }

  /**
   * The ids of objects whose changes wait: an import that may still be undone is writing them
   * (query/import-visibility.ts, records/import-undo.ts). Their order is kept, as the changes
   * wait in the outbox.
   */
  private held(): string[] {
    const tables = new Set(tablesImporting(this.deps.schema));
    if (!tables.size) return [];
    return [...this.deps.compiled().objects.values()].filter((o) => tables.has(o.table)).map((o) => o.def.id);
  }

  private runsFor(rows: OutboxRow[]): NewRun[] {
    const compiled = this.deps.compiled();
    const byId = new Map<string, CompiledObject>();
    for (const object of compiled.objects.values()) byId.set(object.def.id, object);
    const workflows = activeWorkflows(compiled);
    const runs: NewRun[] = [];
    for (const row of rows) {
      const object = byId.get(row.object_id);
      if (!object) continue;
      const event = toEvent(object, row);
      for (const workflow of workflows) {
        if (workflow.object !== object.def.apiName || !triggers(workflow, event)) continue;
        let error: string | undefined;
        try {
          if (!conditionHolds(workflow, event)) continue;
        } catch (e) {
          error = `the condition could not be worked out: ${(e as Error).message}`;
        }
        if (event.depth >= MAX_DEPTH)
          error = `stopped: workflows triggered each other ${MAX_DEPTH} times in a row (a loop?)`;
        runs.push({ ...newRun(workflow, compiled.release, event), ...(error ? { status: 'failed', error } : {}) });
      }
    }
    return runs;
  }
}

/** A queued run of a workflow for one event, holding the definition it will follow. */
export function newRun(
  workflow: WorkflowDef,
  release: number,
  event: Pick<RecordEvent, 'recordId' | 'record' | 'old' | 'changed' | 'userId' | 'depth'> & { event: string },
): NewRun {
  return {
    id: uuidv7(),
    workflow_id: workflow.id,
    workflow: workflow.apiName,
    release,
    definition: workflow,
    object: workflow.object,
    record_id: event.recordId,
    event: event.event,
    record: event.record,
    old_record: event.old ?? null,
    changed: event.changed,
    user_id: event.userId,
    depth: event.depth,
    status: 'queued',
  };
}
