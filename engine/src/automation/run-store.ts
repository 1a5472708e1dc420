import type { Knex } from 'knex';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { WorkflowDef } from '../metadata/types.js';
import { openRecord, sealRecord } from '../records/reveal.js';

/**
 * The runs and their steps (_automation_runs, _automation_steps): what the runs page and
 * `GET /api/v1/automation/runs` show, and what a runner resumes from.
 */

export const RUN_STATUSES = ['queued', 'running', 'waiting', 'retrying', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRow {
  id: string;
  workflow_id: string;
  workflow: string;
  release: number;
  definition: WorkflowDef;
  object: string;
  record_id: string | null;
  event: string;
  record: Record<string, unknown>;
  old_record: Record<string, unknown> | null;
  changed: string[];
  user_id: string | null;
  depth: number;
  status: RunStatus;
  attempts: number;
  error: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
}

export interface StepRow {
  step: number;
  action: string;
  attempt: number;
  /** replayed: an admin's successful replay of a webhook (the action had counted once already). */
  status: 'succeeded' | 'failed' | 'replayed';
  input: unknown;
  output: unknown;
  error: string | null;
  started_at: Date;
  duration_ms: number;
}

/** What the queue needs of a run: its id, and its record (runs of one record run one at a time, in order). */
export type QueuedRun = Pick<RunRow, 'id' | 'record_id'>;

export type NewRun = Omit<RunRow, 'attempts' | 'created_at' | 'started_at' | 'finished_at' | 'error'> & {
  error?: string;
};

/**
 * A run keeps its record as the workflow saw it, with the encrypted fields encrypted as in the
 * record's table (records/reveal.ts): opened when a runner or the run history reads it.
 */
export class RunStore {
  constructor(
    private readonly schema: string,
    private readonly compiled: () => CompiledMetadata,
  ) {}

  private sealed(run: Pick<RunRow, 'object' | 'record' | 'old_record'>) {
    const compiled = this.compiled();
    const object = compiled.objects.get(run.object);
    return {
      record: sealRecord(object, run.record, compiled),
      old_record: run.old_record && sealRecord(object, run.old_record, compiled),
    };
  }

  private opened<T extends RunRow | undefined>(run: T): T {
    if (!run) return run;
    const compiled = this.compiled();
    const object = compiled.objects.get(run.object);
    return {
      ...run,
      record: openRecord(object, run.record, compiled),
      old_record: run.old_record && openRecord(object, run.old_record, compiled),
    };
  }

  runs(db: Knex | Knex.Transaction) {
    return db(`${this.schema}._automation_runs`);
  }

  steps(db: Knex | Knex.Transaction) {
    return db(`${this.schema}._automation_steps`);
  }

  async insert(db: Knex.Transaction, runs: NewRun[]): Promise<void> {
    if (!runs.length) return;
    await this.runs(db).insert(
      runs.map((r) => {
        const sealed = this.sealed(r);
        return {
          ...r,
          definition: JSON.stringify(r.definition),
          record: JSON.stringify(sealed.record),
          old_record: sealed.old_record === null ? null : JSON.stringify(sealed.old_record),
          ...(r.status === 'failed' ? { finished_at: db.fn.now() } : {}),
        };
      }),
    );
  }

  /**
   * Takes a run that has not finished for one more attempt (status running, attempts + 1), with
   * how its actions went so far: one statement where a runner used to need three.
   */
  async claim(
    db: Knex | Knex.Transaction,
    id: string,
  ): Promise<(RunRow & { tried: { step: number; status: string }[] }) | undefined> {
    const { rows } = await db.raw<{ rows: (RunRow & { tried: { step: number; status: string }[] })[] }>(
      `update ??._automation_runs r set status = 'running', started_at = coalesce(r.started_at, now()),
         attempts = r.attempts + 1, finished_at = null
       where r.id = ? and r.status not in ('succeeded', 'failed')
       returning r.*, (select coalesce(json_agg(json_build_object('step', s.step, 'status', s.status)), '[]'::json)
         from ??._automation_steps s where s.run_id = r.id) as tried`,
      [this.schema, id, this.schema],
    );
    return this.opened(rows[0]);
  }

  async find(db: Knex | Knex.Transaction, id: string): Promise<RunRow | undefined> {
    return this.opened(await this.runs(db).where({ id }).first<RunRow | undefined>());
  }

  /** How many times an action of a run was tried. */
  async attempts(db: Knex | Knex.Transaction, id: string, step: number): Promise<number> {
    const [row] = await this.steps(db).where({ run_id: id, step }).count<{ n: string }[]>({ n: '*' });
    return Number(row?.n ?? 0);
  }

  async step(db: Knex | Knex.Transaction, runId: string, row: StepRow): Promise<void> {
    await this.steps(db).insert({
      run_id: runId,
      ...row,
      input: JSON.stringify(row.input ?? null),
      output: JSON.stringify(row.output ?? null),
    });
  }

  /** A run's new status (running is claim()'s); a finished run gets its finishing time. */
  async mark(
    db: Knex | Knex.Transaction,
    id: string,
    status: Exclude<RunStatus, 'running'>,
    error: string | null = null,
  ): Promise<void> {
    const finished = status === 'succeeded' || status === 'failed';
    await this.runs(db)
      .where({ id })
      .update({ status, error, finished_at: finished ? db.fn.now() : null });
  }
}
