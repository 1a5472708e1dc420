import { timingSafeEqual } from 'node:crypto';
import { UUID } from '../lib/ids.js';
import type { Knex } from 'knex';
import { badRequest, conflict, invalid, notFound } from '../errors.js';
import type { Logger } from '../lib/log.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import { isManualTrigger, type InboundTrigger } from '../metadata/types.js';
import { Access } from '../security/access.js';
import { redact } from '../security/field-guard.js';
import type { Caller } from '../security/caller.js';
import { newRun } from './dispatcher.js';
import { conditionHolds } from '../rules/workflow-match.js';
import { activeWorkflows } from './capture.js';
import { Dispatcher } from './dispatcher.js';
import type { ActionServices } from './actions/action.js';
import type { Approvals } from './approvals.js';
import type { EmailTransport } from './email/transport.js';
import { describeError, MAX_DEPTH, Runner, type RunnerDeps } from './runner.js';
import { Scheduler } from './scheduler.js';
import {
  RUN_STATUSES,
  RunStore,
  type NewRun,
  type QueuedRun,
  type RunRow,
  type RunStatus,
  type StepRow,
} from './run-store.js';

/**
 * One tenant's automation: dispatching its captured changes into runs, running them, and the
 * run history the API shows admins (manageMetadata: runs hold record values whatever the
 * admin's field access, as setup tools do).
 */

/** What the engine process gives every tenant's automation. */
export interface EngineAutomation {
  /** Starts the job queue if it is not yet: before a transaction that sends jobs (embedded PGlite has one connection). */
  ready(): Promise<void>;
  /** Sends runs' jobs in the given transaction, to start after `delayMs` if given. */
  enqueue(trx: Knex.Transaction, tenant: string, runs: QueuedRun[], delayMs?: number): Promise<void>;
  email: EmailTransport;
  webhookTimeoutMs: number;
  /** Finished runs and read notifications older than this are deleted (prune). */
  runRetentionDays: number;
}

export interface AutomationDeps extends Omit<RunnerDeps, 'store' | 'services' | 'enqueueLater'> {
  tenant: string;
  approvals: Approvals;
  schema: string;
  logger: Logger;
  engine: EngineAutomation;
}

/** Compares secrets in time independent of where they differ. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Rows one pruning statement deletes: a short transaction each, however much is old. */
const PRUNE_BATCH = 1000;

/** Records one manual start may name (a list page's selection). */
const MAX_MANUAL = 200;

export interface RunSummary {
  id: string;
  workflow: string;
  release: number;
  object: string;
  recordId: string | null;
  event: string;
  changed: string[];
  userId: string | null;
  depth: number;
  status: RunStatus;
  attempts: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/** One query parameter, given once and in the shape it must have (400 naming it otherwise). */
function param(query: Record<string, unknown>, name: string, shape: RegExp, expected: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !shape.test(value))
    throw badRequest(`${name} must be ${expected}`, [{ field: name, code: 'format', message: expected }]);
  return value;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

function summary(r: RunRow): RunSummary {
  return {
    id: r.id,
    workflow: r.workflow,
    release: r.release,
    object: r.object,
    recordId: r.record_id,
    event: r.event,
    changed: r.changed,
    userId: r.user_id,
    depth: r.depth,
    status: r.status,
    attempts: r.attempts,
    error: r.error,
    createdAt: iso(r.created_at)!,
    startedAt: iso(r.started_at),
    finishedAt: iso(r.finished_at),
  };
}

export class AutomationService {
  private readonly store: RunStore;
  private readonly dispatcher: Dispatcher;
  private readonly runner: Runner;
  private readonly scheduler: Scheduler;

  constructor(private readonly deps: AutomationDeps) {
    this.store = new RunStore(deps.schema, deps.compiled);
    const enqueue = (trx: Knex.Transaction, runs: QueuedRun[], delayMs?: number) =>
      deps.engine.enqueue(trx, deps.tenant, runs, delayMs);
    this.dispatcher = new Dispatcher({ ...deps, store: this.store, enqueue });
    this.scheduler = new Scheduler({ ...deps, store: this.store, enqueue });
    this.runner = new Runner({
      ...deps,
      store: this.store,
      services: this.services(),
      enqueueLater: (trx, run, delayMs) => enqueue(trx, [run], delayMs),
    });
  }

  private services(): ActionServices {
    const { knex, schema, engine } = this.deps;
    const endpoints = () => knex(`${schema}._automation_endpoints`);
    const { approvals } = this.deps;
    return {
      submitApproval: (caller, object, id, body, depth) => approvals.submit(caller, object, id, body, depth),
      email: engine.email,
      webhookTimeoutMs: engine.webhookTimeoutMs,
      async emailOf(userId) {
        if (!UUID.test(userId)) return undefined;
        const user = await knex(`${schema}._users`)
          .where({ id: userId, active: true })
          .first<{ email: string } | undefined>('email');
        return user?.email;
      },
      async endpointDisabled(url) {
        return (await endpoints().where({ url }).first<{ reason: string } | undefined>('reason'))?.reason;
      },
      async disableEndpoint(url, reason) {
        await endpoints().insert({ url, reason }).onConflict('url').merge();
      },
    };
  }

  /** Whether the published release has anything for the background worker to do. */
  hasWork(compiled: CompiledMetadata = this.deps.compiled()): boolean {
    return activeWorkflows(compiled).length > 0;
  }

  /**
   * Deletes finished runs (their steps go with them) and read notifications older than the
   * retention at `now`, a batch at a time; how many of each. Runs in flight and unread
   * notifications stay whatever their age; so do the firings time-based triggers claimed, which
   * keep a record from firing twice for one time.
   */
  async prune(now: Date): Promise<{ runs: number; notifications: number }> {
    const { knex, schema, engine } = this.deps;
    const before = new Date(now.getTime() - engine.runRetentionDays * 86_400_000);
    const batches = async (table: string, where: string, bindings: unknown[]) => {
      let total = 0;
      for (;;) {
        const { rowCount } = await knex.raw<{ rowCount: number }>(
          `delete from ??.?? where id in (select id from ??.?? where ${where} limit ?)`,
          [schema, table, schema, table, ...bindings, PRUNE_BATCH] as Knex.RawBinding[],
        );
        total += rowCount;
        if (rowCount < PRUNE_BATCH) return total;
      }
    };
    return {
      runs: await batches('_automation_runs', "status in ('succeeded', 'failed') and created_at < ?", [before]),
      notifications: await batches('_notifications', 'read_at < ?', [before]),
    };
  }

  /** Whether runs are in flight (queued, running, waiting or to be retried), whatever their workflows now are. */
  async hasUnfinishedRuns(): Promise<boolean> {
    const row = await this.store
      .runs(this.deps.knex)
      .whereNotIn('status', ['succeeded', 'failed'])
      .first<{ id: string } | undefined>('id');
    return row !== undefined;
  }

  /** Dispatches captured changes until the outbox is empty; the number taken. */
  async drain(): Promise<number> {
    let total = 0;
    for (let n = await this.dispatcher.drain(); n > 0; n = await this.dispatcher.drain()) total += n;
    return total;
  }

  /** Starts the runs of time-based triggers due at `now`; how many. */
  due(now: Date): Promise<number> {
    return this.scheduler.due(now);
  }

  run(runId: string, final: boolean): Promise<void> {
    return this.runner.run(runId, final);
  }

  async list(
    access: Access,
    query: { workflow?: unknown; status?: unknown; record?: unknown; limit?: unknown; before?: unknown },
  ): Promise<RunSummary[]> {
    access.requireSystem('manageMetadata');
    const q = this.store.runs(this.deps.knex).orderBy('id', 'desc');
    const workflow = param(query, 'workflow', /^[a-z][a-z0-9_]{0,39}$/, 'a workflow API name');
    if (workflow) q.where({ workflow });
    const status = param(
      query,
      'status',
      new RegExp(`^(${RUN_STATUSES.join('|')})$`),
      `one of ${RUN_STATUSES.join(', ')}`,
    );
    if (status) q.where({ status });
    const record = param(query, 'record', UUID, 'a record id');
    if (record) q.where({ record_id: record });
    const before = param(query, 'before', UUID, 'the id of the last run of the previous page');
    if (before) q.where('id', '<', before);
    const limit = Number(param(query, 'limit', /^\d{1,3}$/, '1 to 200') ?? 50);
    if (limit < 1 || limit > 200)
      throw badRequest('limit is 1 to 200', [{ field: 'limit', code: 'maximum', message: '1 to 200' }]);
    return (await q.limit(limit).select<RunRow[]>()).map(summary);
  }

  async get(
    access: Access,
    id: string,
  ): Promise<RunSummary & { record: unknown; oldRecord: unknown; definition: unknown; steps: unknown[] }> {
    access.requireSystem('manageMetadata');
    const run = UUID.test(id) ? await this.store.find(this.deps.knex, id) : undefined;
    if (!run) throw notFound(`run ${id} does not exist`);
    const steps = await this.store
      .steps(this.deps.knex)
      .where({ run_id: id })
      .orderBy('seq')
      .select<StepRow[]>(
        'step',
        'action',
        'attempt',
        'status',
        'input',
        'output',
        'error',
        'started_at',
        'duration_ms',
      );
    // The record as the admin may read it: a metadata manager without grants on the object sees
    // no values through its runs.
    const object = this.deps.compiled().objects.get(run.object);
    const visible = (r: Record<string, unknown> | null) =>
      r && object && access.sees(run.object) ? redact(object, { ...r }, access) : null;
    return {
      ...summary(run),
      record: visible(run.record) ?? {},
      oldRecord: visible(run.old_record),
      definition: run.definition,
      steps: steps.map((s) => ({
        step: s.step,
        action: s.action,
        attempt: s.attempt,
        status: s.status,
        input: s.input,
        output: s.output,
        error: s.error,
        startedAt: iso(s.started_at),
        durationMs: s.duration_ms,
      })),
    };
  }

  /**
   * Starts a manual workflow for records the caller chose (a button on the record page, a bulk
   * action on list rows). Each record must be one they can see (404 otherwise, as for a record
   * that does not exist); the condition decides per record; the runs act as the caller.
   */
  async runManual(
    caller: Caller,
    apiName: string,
    body: unknown,
  ): Promise<{ runs: { recordId: string; runId: string }[]; skipped: { recordId: string; reason: string }[] }> {
    const compiled = this.deps.compiled();
    const workflow = activeWorkflows(compiled).find((w) => w.apiName === apiName && isManualTrigger(w.trigger));
    if (!workflow || !caller.access.sees(workflow.object)) throw notFound(`no manual workflow ${apiName}`);
    const ids = (body as { records?: unknown } | undefined)?.records;
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > MAX_MANUAL || !ids.every((i) => typeof i === 'string'))
      throw invalid('say which records to run it for', [
        { field: 'records', code: 'type', message: `an array of 1 to ${MAX_MANUAL} record ids` },
      ]);
    const records = this.deps.recordsIn(this.deps.knex);
    const runs: NewRun[] = [];
    const skipped: { recordId: string; reason: string }[] = [];
    for (const id of new Set(ids)) {
      // The record as the caller sees it: what their run's conditions and values work with.
      const record = JSON.parse((await records.get(workflow.object, id, caller)).json) as Record<string, unknown>;
      const event = { event: 'manual', recordId: id, record, changed: [] as string[], userId: caller.userId, depth: 0 };
      if (!conditionHolds(workflow, event)) {
        skipped.push({ recordId: id, reason: 'the condition does not hold' });
        continue;
      }
      runs.push(newRun(workflow, compiled.release, event));
    }
    await this.deps.engine.ready();
    await this.deps.knex.transaction(async (trx) => {
      await this.store.insert(trx, runs);
      await this.deps.engine.enqueue(trx, this.deps.tenant, runs);
    });
    return { runs: runs.map((r) => ({ recordId: r.record_id!, runId: r.id })), skipped };
  }

  /**
   * A POST from another system to an inbound workflow's secret URL: the JSON object becomes a
   * record (created, or updated when `upsertOn` matches one) written as the workflow's user, and
   * in the same transaction a run of its actions for that record. `depth` is the sender's
   * `tessera-chain-depth` (a Tessera webhook sends it), so a loop through other systems stops.
   */
  async inbound(
    secret: string,
    body: unknown,
    depthHeader: unknown,
  ): Promise<{ created: boolean; id: string; runId: string | null }> {
    const compiled = this.deps.compiled();
    const workflow = activeWorkflows(compiled).find(
      (w) => 'inbound' in w.trigger && sameSecret(w.trigger.secret, secret),
    );
    if (!workflow) throw notFound('there is no inbound workflow at this address');
    const trigger = workflow.trigger as InboundTrigger;
    const depth = typeof depthHeader === 'string' && /^\d{1,3}$/.test(depthHeader) ? Number(depthHeader) : 0;
    if (depth >= MAX_DEPTH) {
      this.deps.logger.warn(
        { workflow: workflow.apiName, depth },
        'inbound request refused: workflows triggered each other too often in a row',
      );
      throw conflict(
        `stopped: workflows triggered each other ${MAX_DEPTH} times in a row (a loop?); nothing was written`,
        [{ field: 'tessera-chain-depth', code: 'depth', message: `at most ${MAX_DEPTH - 1}` }],
      );
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw invalid('send a JSON object of field values', [{ field: '/', code: 'type', message: 'a JSON object' }]);
    const principal = await this.deps.principalOf(trigger.user);
    if (!principal)
      throw conflict("the workflow's user does not exist; nothing was written", [
        { field: 'trigger.user', code: 'reference', message: 'an admin gives the workflow an existing user' },
      ]);
    const caller: Caller = { userId: trigger.user, locale: 'en', access: new Access(principal, compiled), via: 'api' };
    await this.deps.engine.ready();
    return this.deps.knex.transaction(async (trx) => {
      await trx.raw("select set_config('tessera.depth', ?, true)", [String(depth)]);
      const records = this.deps.recordsIn(trx);
      let id: string;
      let created = true;
      if (trigger.upsertOn) {
        const [row] = (await records.bulk(workflow.object, { records: [body], upsertOn: trigger.upsertOn }, caller))
          .result.results;
        if (!row?.ok) throw invalid(`the ${workflow.object} was not saved`, row && !row.ok ? row.errors : []);
        ({ id, created } = row);
      } else {
        id = (await records.create(workflow.object, body, caller)).id;
      }
      const record = JSON.parse((await records.get(workflow.object, id, caller)).json) as Record<string, unknown>;
      const event = { event: 'inbound', recordId: id, record, changed: [] as string[], userId: trigger.user, depth };
      const run = conditionHolds(workflow, event) ? newRun(workflow, compiled.release, event) : undefined;
      if (run) {
        await this.store.insert(trx, [run]);
        await this.deps.engine.enqueue(trx, this.deps.tenant, [run]);
      }
      return { created, id, runId: run?.id ?? null };
    });
  }

  /**
   * Delivers a run's webhook again, now, with the same id and body, and enables its endpoint if a
   * 410 had disabled it: how an admin re-sends what a receiver lost, or brings an endpoint back.
   * The attempt is kept in the run's steps; the run's status does not change.
   */
  async replay(access: Access, id: string, stepText: string): Promise<{ step: number; ok: boolean; error?: string }> {
    access.requireSystem('manageMetadata');
    const run = UUID.test(id) ? await this.store.find(this.deps.knex, id) : undefined;
    if (!run) throw notFound(`run ${id} does not exist`);
    const step = /^\d{1,2}$/.test(stepText) ? Number(stepText) : -1;
    const action = run.definition.actions[step];
    if (!action) throw notFound(`run ${id} has no action ${stepText}`);
    if (action.type !== 'webhook')
      throw conflict(`only a webhook is replayed; action ${step} is ${action.type}`, [
        { field: 'step', code: 'conflict', message: 'not a webhook' },
      ]);
    const caller = await this.runner.callerOf(run);
    if (!caller)
      throw conflict('the user whose change triggered the run no longer exists', [
        { field: 'userId', code: 'reference', message: 'the run cannot act in their name' },
      ]);
    await this.deps.knex(`${this.deps.schema}._automation_endpoints`).where({ url: action.url }).delete();
    const error = await this.runner.attempt(run, caller, step, { replay: true });
    return { step, ok: error === undefined, ...(error === undefined ? {} : { error: describeError(error) }) };
  }

  /** Runs a failed run again from its first unfinished action, on the definition it started with. */
  async retry(access: Access, id: string): Promise<RunSummary> {
    access.requireSystem('manageMetadata');
    await this.deps.engine.ready();
    return this.deps.knex.transaction(async (trx) => {
      const run = UUID.test(id) ? await this.store.runs(trx).where({ id }).forUpdate().first<RunRow>() : undefined;
      if (!run) throw notFound(`run ${id} does not exist`);
      if (run.status !== 'failed')
        throw conflict(`only a failed run can be retried; this one is ${run.status}`, [
          { field: 'status', code: 'conflict', message: run.status },
        ]);
      await this.store.mark(trx, id, 'queued');
      await this.deps.engine.enqueue(trx, this.deps.tenant, [run]);
      return summary((await this.store.find(trx, id))!);
    });
  }
}
