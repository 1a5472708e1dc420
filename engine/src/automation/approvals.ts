import type { Knex } from 'knex';
import { conflict, invalid, notFound } from '../errors.js';
import { UUID, uuidv7 } from '../lib/ids.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { Approver, WorkflowAction, WorkflowDef } from '../metadata/types.js';
import type { RecordsService } from '../records/records.service.js';
import { evaluate, truthy } from '../rules/json-logic.js';
import { forbidden } from '../security/access.js';
import type { Caller } from '../security/caller.js';
import { systemCaller } from '../security/system-caller.js';
import { view, type ApprovalRow, type ApprovalStatus, type ApprovalView, type TaskRow } from './approval-view.js';
import { usersOf } from './audience.js';
import { newRun } from './dispatcher.js';
import { MAX_DEPTH } from './runner.js';
import { expressionData } from '../rules/workflow-match.js';
import type { QueuedRun, RunStore } from './run-store.js';

/**
 * Approvals: a record submitted to an approval process goes through its steps in order; each
 * step's approvers get a task (and a notification), and the step's mode says whose answer counts
 * (the first, or all). A rejection ends it; the last step's approval approves it; the submitter
 * (or an admin) can recall it while it is pending, and an approver can hand their task to someone
 * else. While pending the record is locked (records/approval-lock.ts). What the process does on
 * submit, approval, rejection and recall runs as workflow runs, as the person whose act it was,
 * started in the transaction of that act.
 */

export interface ApprovalsDeps {
  knex: Knex;
  schema: string;
  tenant: string;
  compiled: () => CompiledMetadata;
  store: RunStore;
  recordsIn: (db: Knex | Knex.Transaction) => RecordsService;
  ready: () => Promise<void>;
  enqueue: (trx: Knex.Transaction, runs: QueuedRun[]) => Promise<void>;
}

type Event = 'onSubmit' | 'onApprove' | 'onReject' | 'onRecall';

function text(body: unknown, name: string, max: number): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > max)
    throw invalid(`${name} must be text of at most ${max} characters`, [
      { field: name, code: 'type', message: `text, at most ${max} characters` },
    ]);
  return value;
}

export class Approvals {
  constructor(private readonly deps: ApprovalsDeps) {}

  private approvals(db: Knex | Knex.Transaction) {
    return db(`${this.deps.schema}._approvals`);
  }

  private tasks(db: Knex | Knex.Transaction) {
    return db(`${this.deps.schema}._approval_tasks`);
  }

  /** Submits a record the caller may edit; the first active process whose entry condition holds, or the one named. */
  async submit(caller: Caller, object: string, id: string, body: unknown, depth = 0): Promise<ApprovalView> {
    if (depth >= MAX_DEPTH)
      throw conflict(
        `stopped: workflows triggered each other ${MAX_DEPTH} times in a row (a loop?); nothing was submitted`,
        [{ field: 'depth', code: 'depth', message: `at most ${MAX_DEPTH - 1}` }],
      );
    const records = this.deps.recordsIn(this.deps.knex);
    await records.requireRecord(object, id, caller, 'edit');
    const record = await this.record(object, id);
    const named = text(body, 'process', 40);
    const comment = text(body, 'comment', 2000) ?? null;
    const candidates = (this.deps.compiled().snapshot.approvalProcesses ?? []).filter(
      (p) => p.object === object && p.active !== false && (named === undefined || p.apiName === named),
    );
    const process = candidates.find((p) => p.entryCondition === undefined || holds(p.entryCondition, record));
    if (!process)
      throw invalid(`no approval process of ${object} takes this record`, [
        {
          field: 'process',
          code: 'reference',
          message: named ? `"${named}" is not an active process whose entry condition holds` : 'none applies',
        },
      ]);
    await this.deps.ready();
    return this.deps.knex.transaction(async (trx) => {
      const approval: ApprovalRow = {
        id: uuidv7(),
        process_id: process.id,
        process: process.apiName,
        definition: process,
        object,
        record_id: id,
        submitted_by: caller.userId,
        status: 'pending',
        step: -1,
        depth,
        comment,
        submitted_at: new Date(),
        finished_at: null,
      };
      try {
        await this.approvals(trx).insert({
          ...approval,
          definition: JSON.stringify(process),
          submitted_at: trx.fn.now(),
        });
      } catch (e) {
        if ((e as { code?: string }).code === '23505')
          throw conflict(`this ${object} is already waiting for approval`, [
            { field: 'id', code: 'approvalPending', message: 'recall it first' },
          ]);
        throw e;
      }
      await this.act(trx, approval, 'onSubmit', caller, record);
      await this.advance(trx, approval, record);
      return this.find(trx, approval.id);
    });
  }

  /** An approver's decision on their pending task: approve or reject, with a comment. */
  async decide(caller: Caller, taskId: string, body: unknown): Promise<ApprovalView> {
    const decision = (body as { decision?: unknown } | undefined)?.decision;
    if (decision !== 'approve' && decision !== 'reject')
      throw invalid('decide with "approve" or "reject"', [
        { field: 'decision', code: 'enum', message: 'approve or reject' },
      ]);
    const comment = text(body, 'comment', 2000) ?? null;
    await this.deps.ready();
    return this.deps.knex.transaction(async (trx) => {
      const { task, approval } = await this.myTask(trx, caller, taskId);
      await this.tasks(trx)
        .where({ id: task.id })
        .update({ status: decision === 'approve' ? 'approved' : 'rejected', comment, decided_at: trx.fn.now() });
      const record = await this.record(approval.object, approval.record_id, trx);
      const step = approval.definition.steps[approval.step]!;
      if (decision === 'reject') {
        await this.skipPending(trx, approval.id);
        await this.finish(trx, approval, 'rejected', caller, record);
      } else {
        const open = await this.tasks(trx).where({ approval_id: approval.id, step: approval.step, status: 'pending' });
        if ((step.mode ?? 'first') === 'first' || open.length === 0) {
          await this.skipPending(trx, approval.id);
          await this.advance(trx, approval, record, caller);
        }
      }
      return this.find(trx, approval.id);
    });
  }

  /** The submitter (or an admin) takes a pending approval back. */
  async recall(caller: Caller, object: string, id: string, body: unknown): Promise<ApprovalView> {
    await this.deps.recordsIn(this.deps.knex).requireRecord(object, id, caller);
    const comment = text(body, 'comment', 2000) ?? null;
    await this.deps.ready();
    return this.deps.knex.transaction(async (trx) => {
      const approval = await this.approvals(trx)
        .where({ object, record_id: id, status: 'pending' })
        .forUpdate()
        .first<ApprovalRow | undefined>();
      if (!approval) throw notFound(`this ${object} has no pending approval`);
      if (approval.submitted_by !== caller.userId && !caller.access.isAdmin)
        throw forbidden(
          'only the person who submitted it, or an admin, recalls an approval; nothing was changed',
          'id',
          'recordAccess',
          'not your submission',
        );
      await this.skipPending(trx, approval.id);
      const record = await this.record(object, id, trx);
      await this.finish(trx, approval, 'recalled', caller, record, comment);
      return this.find(trx, approval.id);
    });
  }

  /** An approver hands their pending task to another active user. */
  async delegate(caller: Caller, taskId: string, body: unknown): Promise<ApprovalView> {
    const to = (body as { user?: unknown } | undefined)?.user;
    if (typeof to !== 'string' || !UUID.test(to) || to === caller.userId)
      throw invalid('delegate to another user', [{ field: 'user', code: 'format', message: "another user's id" }]);
    return this.deps.knex.transaction(async (trx) => {
      const { task, approval } = await this.myTask(trx, caller, taskId);
      const user = await trx(`${this.deps.schema}._users`)
        .where({ id: to, active: true })
        .first<{ id: string } | undefined>('id');
      if (!user)
        throw invalid('delegate to an active user', [{ field: 'user', code: 'reference', message: 'no active user' }]);
      await this.tasks(trx).where({ id: task.id }).update({ status: 'reassigned', decided_at: trx.fn.now() });
      await this.tasks(trx).insert({
        id: uuidv7(),
        approval_id: approval.id,
        step: approval.step,
        approver_id: to,
        status: 'pending',
        delegated_from: caller.userId,
      });
      await this.notify(trx, approval, [to]);
      return this.find(trx, approval.id);
    });
  }

  /** The caller's pending tasks, oldest first, with the approval each belongs to. */
  async mine(caller: Caller): Promise<(ApprovalView['tasks'][number] & { approval: Omit<ApprovalView, 'tasks'> })[]> {
    const tasks = await this.tasks(this.deps.knex)
      .where({ approver_id: caller.userId, status: 'pending' })
      .orderBy('created_at')
      .limit(200)
      .select<TaskRow[]>();
    const approvals = new Map<string, ApprovalRow>();
    for (const row of tasks.length
      ? await this.approvals(this.deps.knex)
          .whereIn('id', [...new Set(tasks.map((t) => t.approval_id))])
          .select<ApprovalRow[]>()
      : [])
      approvals.set(row.id, row);
    return tasks.map((t) => {
      const {
        tasks: [own],
        ...approval
      } = view(approvals.get(t.approval_id)!, [t]);
      return { ...own!, approval };
    });
  }

  /** A record's approvals, newest first, for whoever can see the record. */
  async history(caller: Caller, object: string, id: string): Promise<ApprovalView[]> {
    await this.deps.recordsIn(this.deps.knex).requireRecord(object, id, caller);
    const rows = await this.approvals(this.deps.knex)
      .where({ object, record_id: id })
      .orderBy('id', 'desc')
      .select<ApprovalRow[]>();
    const tasks = rows.length
      ? await this.tasks(this.deps.knex)
          .whereIn(
            'approval_id',
            rows.map((r) => r.id),
          )
          .orderBy('id')
          .select<TaskRow[]>()
      : [];
    return rows.map((r) =>
      view(
        r,
        tasks.filter((t) => t.approval_id === r.id),
      ),
    );
  }

  private async find(db: Knex | Knex.Transaction, id: string): Promise<ApprovalView> {
    const row = await this.approvals(db).where({ id }).first<ApprovalRow>();
    const tasks = await this.tasks(db).where({ approval_id: id }).orderBy('id').select<TaskRow[]>();
    return view(row, tasks);
  }

  /**
   * The caller's pending task and its approval, both locked for the decision. The approval is
   * locked first, as every path that changes an approval does (recall, another approver's
   * decision), so two of them never wait on each other's rows.
   */
  private async myTask(trx: Knex.Transaction, caller: Caller, taskId: string) {
    const mine = { id: taskId, approver_id: caller.userId, status: 'pending' };
    const seen = UUID.test(taskId) ? await this.tasks(trx).where(mine).first<TaskRow>() : undefined;
    const approval = seen
      ? await this.approvals(trx).where({ id: seen.approval_id, status: 'pending' }).forUpdate().first<ApprovalRow>()
      : undefined;
    const task = approval ? await this.tasks(trx).where(mine).forUpdate().first<TaskRow>() : undefined;
    if (!task || !approval) throw notFound(`you have no pending approval task ${taskId}`);
    return { task, approval };
  }

  /** The record as the caller sees it (a decision reads it with the lock's exemption, as workflows do). */
  /**
   * The whole record, read with all access: conditions decide on every field whoever submits, and
   * an approver decides on the task they were given even if the record is not theirs to read.
   */
  private async record(object: string, id: string, db: Knex | Knex.Transaction = this.deps.knex) {
    const system = systemCaller(this.deps.compiled(), 'approval');
    return JSON.parse((await this.deps.recordsIn(db).get(object, id, system)).json) as Record<string, unknown>;
  }

  /** Moves to the next step whose condition holds and asks its approvers; past the last, approved. */
  private async advance(trx: Knex.Transaction, approval: ApprovalRow, record: Record<string, unknown>, by?: Caller) {
    const steps = approval.definition.steps;
    for (let next = approval.step + 1; next < steps.length; next++) {
      const step = steps[next]!;
      if (step.condition !== undefined && !holds(step.condition, record)) continue;
      const approvers = await this.approvers(trx, step.approver, approval, record);
      if (!approvers.length)
        throw invalid(`step "${step.name}" has no active approver for this record`, [
          { field: `/steps/${next}/approver`, code: 'reference', message: 'nobody to ask' },
        ]);
      approval.step = next;
      await this.approvals(trx).where({ id: approval.id }).update({ step: next });
      await this.tasks(trx).insert(
        approvers.map((approver_id) => ({
          id: uuidv7(),
          approval_id: approval.id,
          step: next,
          approver_id,
          status: 'pending',
        })),
      );
      await this.notify(trx, approval, approvers);
      return;
    }
    await this.finish(trx, approval, 'approved', by, record);
  }

  private async finish(
    trx: Knex.Transaction,
    approval: ApprovalRow,
    status: Exclude<ApprovalStatus, 'pending'>,
    by: Caller | undefined,
    record: Record<string, unknown>,
    comment?: string | null,
  ) {
    await this.approvals(trx)
      .where({ id: approval.id })
      .update({ status, finished_at: trx.fn.now(), ...(comment === undefined ? {} : { comment }) });
    const event = ({ approved: 'onApprove', rejected: 'onReject', recalled: 'onRecall' } as const)[status];
    await this.act(trx, approval, event, by, record);
    // The submitter hears how it ended, unless they ended it themselves.
    if (by?.userId !== approval.submitted_by) await this.notify(trx, approval, [approval.submitted_by], ENDED[status]);
  }

  /** Starts the process's actions for an event as a run, acting as the person whose act it was. */
  private async act(
    trx: Knex.Transaction,
    approval: ApprovalRow,
    event: Event,
    by: Caller | undefined,
    record: Record<string, unknown>,
  ) {
    const actions: WorkflowAction[] = approval.definition[event] ?? [];
    if (!actions.length) return;
    const workflow: WorkflowDef = {
      id: approval.definition.id,
      apiName: `${approval.process}__${event.slice(2).toLowerCase()}`,
      label: approval.definition.label,
      object: approval.object,
      trigger: { manual: true },
      actions,
    };
    const run = newRun(workflow, this.deps.compiled().release, {
      event: 'approval',
      recordId: approval.record_id,
      record,
      changed: [],
      userId: by?.userId ?? approval.submitted_by,
      depth: approval.depth,
    });
    await this.deps.store.insert(trx, [run]);
    await this.deps.enqueue(trx, [run]);
  }

  private async skipPending(trx: Knex.Transaction, approvalId: string) {
    await this.tasks(trx)
      .where({ approval_id: approvalId, status: 'pending' })
      .update({ status: 'skipped', decided_at: trx.fn.now() });
  }

  private approvers(trx: Knex.Transaction, a: Approver, approval: ApprovalRow, record: Record<string, unknown>) {
    return usersOf([a], {
      db: trx,
      schema: this.deps.schema,
      compiled: this.deps.compiled(),
      submitter: approval.submitted_by,
      ...(typeof record.owner_id === 'string' ? { owner: record.owner_id } : {}),
    });
  }

  /** Notifications about an approval: a request to its approvers, or how it ended to its submitter. */
  private async notify(
    trx: Knex.Transaction,
    approval: ApprovalRow,
    users: string[],
    what: 'Approval requested' | (typeof ENDED)[keyof typeof ENDED] = 'Approval requested',
  ) {
    const label = approval.definition.label;
    const name = typeof label === 'string' ? label : (label.en ?? Object.values(label)[0] ?? approval.process);
    await trx(`${this.deps.schema}._notifications`).insert(
      users.map((user_id) => ({
        id: uuidv7(),
        user_id,
        title: `${what}: ${name}`,
        body: approval.comment,
        object: approval.object,
        record_id: approval.record_id,
      })),
    );
  }
}

const ENDED = { approved: 'Approved', rejected: 'Rejected', recalled: 'Recalled' } as const;

const holds = (condition: unknown, record: Record<string, unknown>) =>
  truthy(evaluate(condition, expressionData({ record })));
