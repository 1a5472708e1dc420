import type { Knex } from 'knex';
import { Problem } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { RecordsService } from '../records/records.service.js';
import { Access } from '../security/access.js';
import type { Caller } from '../security/caller.js';
import type { Principal } from '../security/principal.js';
import { ActionFailed, Pause, RetryLater, type ActionServices, type RunFacts } from './actions/action.js';
import { ACTIONS } from './actions/index.js';
import { expressionData } from '../rules/workflow-match.js';
import type { QueuedRun, RunRow, RunStore } from './run-store.js';

/**
 * Runs one workflow run: its actions in order. An action inside the database runs in a
 * transaction of its own that also records its step as done — so a run retried after a crash
 * skips what had committed and the action's effect happens once. Its writes carry the run's
 * chain depth + 1 (`tessera.depth`), which the capture triggers copy into the events they cause.
 * An action outside (a webhook, an e-mail) runs outside any transaction and is recorded after.
 *
 * How a failed action ends the attempt: a refusal (a 4xx from the records API, ActionFailed)
 * fails the run, since a retry would be refused again; RetryLater puts the run back on the queue
 * after its delay; anything else (the database went away) is thrown for the queue to retry with
 * backoff, until the last attempt fails the run.
 */

export interface RunnerDeps {
  knex: Knex;
  schema: string;
  compiled: () => CompiledMetadata;
  store: RunStore;
  /** A records service working inside the given transaction (or outside any, given knex). */
  recordsIn: (db: Knex | Knex.Transaction) => RecordsService;
  principalOf: (userId: string) => Promise<Principal | undefined>;
  services: ActionServices;
  /** Queues the run again, to start after `delayMs`, in the given transaction. */
  enqueueLater: (trx: Knex.Transaction, run: QueuedRun, delayMs: number) => Promise<void>;
}

/** Past this depth a chain of workflows triggering each other stops (Salesforce stops at 16 too). */
export const MAX_DEPTH = 16;

export class RetryableRunError extends Error {}

export const describeError = (e: unknown): string =>
  e instanceof Problem
    ? [e.detail, ...e.errors.map((f) => `${f.field}: ${f.message}`)].join('; ')
    : e instanceof Error
      ? e.message
      : String(e);

export class Runner {
  constructor(private readonly deps: RunnerDeps) {}

  /** `final`: the queue will not retry this attempt, so a failure now fails the run. */
  async run(runId: string, final: boolean): Promise<void> {
    const { knex, store } = this.deps;
    const run = await store.claim(knex, runId);
    if (!run) return;
    const caller = await this.callerOf(run);
    if (!caller) return store.mark(knex, run.id, 'failed', 'the user whose change triggered the run no longer exists');
    const done = new Set(run.tried.filter((s) => s.status === 'succeeded').map((s) => s.step));
    const actions = run.definition.actions;
    const last = actions.length - 1;
    for (let step = 0; step < actions.length; step++) {
      if (done.has(step)) continue;
      const tried = run.tried.filter((s) => s.step === step).length;
      // The last action's success marks the run succeeded in its own transaction.
      const e = await this.attempt(run, caller, step, { tried, last: step === last });
      if (e === undefined) {
        if (step === last) return;
        continue;
      }
      if (e instanceof Pause) return;
      const why = `action ${step + 1} (${actions[step]!.type}): ${describeError(e)}`;
      if (e instanceof RetryLater) {
        await knex.transaction(async (trx) => {
          await store.mark(trx, run.id, 'retrying', why);
          await this.deps.enqueueLater(trx, run, e.delayMs);
        });
        return;
      }
      const permanent = e instanceof ActionFailed || (e instanceof Problem && e.status < 500);
      if (permanent || final) return store.mark(knex, run.id, 'failed', why);
      await store.mark(knex, run.id, 'retrying', why);
      throw new RetryableRunError(describeError(e));
    }
    await store.mark(knex, run.id, 'succeeded');
  }

  /**
   * One attempt at one action, recorded in the run's steps whatever its outcome; the error it
   * ended with, if any. An admin's replay of a webhook is such an attempt too.
   */
  async attempt(
    run: RunRow,
    caller: Caller,
    step: number,
    known: { tried?: number; last?: boolean; replay?: boolean } = {},
  ): Promise<unknown> {
    const { knex, store } = this.deps;
    const action = run.definition.actions[step]!;
    const def = ACTIONS[action.type];
    const tried = known.tried ?? (await store.attempts(knex, run.id, step));
    const facts = this.facts(run, step, tried + 1);
    const data = expressionData({ record: run.record, ...(run.old_record ? { old: run.old_record } : {}) });
    const started = new Date();
    const row = (status: 'succeeded' | 'failed', output: unknown, error: string | null) => ({
      // A replay's success is its own kind: the action's one 'succeeded' row may exist already.
      ...(known.replay && status === 'succeeded' ? { status: 'replayed' as const } : { status }),
      step,
      action: action.type,
      attempt: facts.attempt,
      input: action,
      output,
      error,
      started_at: started,
      duration_ms: Date.now() - started.getTime(),
    });
    const context = (db: Knex | Knex.Transaction) => ({
      run: facts,
      data,
      records: this.deps.recordsIn(db),
      db,
      schema: this.deps.schema,
      caller,
      compiled: this.deps.compiled(),
      services: this.deps.services,
    });
    try {
      if (def.external) {
        const output = await def.run(action as never, context(knex));
        await knex.transaction(async (trx) => {
          await store.step(trx, run.id, row('succeeded', output, null));
          if (known.last) await store.mark(trx, run.id, 'succeeded');
        });
      } else {
        await knex.transaction(async (trx) => {
          await trx.raw("select set_config('tessera.depth', ?, true)", [String(run.depth + 1)]);
          const output = await def.run(action as never, context(trx));
          await store.step(trx, run.id, row('succeeded', output, null));
          if (known.last) await store.mark(trx, run.id, 'succeeded');
        });
      }
      return undefined;
    } catch (e) {
      if (e instanceof Pause) {
        // Done for this run, which sleeps on the queue until then.
        await knex.transaction(async (trx) => {
          await store.step(trx, run.id, row('succeeded', e.output, null));
          await store.mark(trx, run.id, 'waiting');
          await this.deps.enqueueLater(trx, run, e.delayMs);
        });
        return e;
      }
      const output = e instanceof ActionFailed || e instanceof RetryLater ? (e.output ?? null) : null;
      await store.step(knex, run.id, row('failed', output, describeError(e)));
      return e;
    }
  }

  facts(run: RunRow, step: number, attempt: number): RunFacts {
    return {
      id: run.id,
      step,
      attempt,
      workflow: run.workflow,
      object: run.object,
      recordId: run.record_id!,
      event: run.event,
      changed: run.changed,
      depth: run.depth,
      createdAt: new Date(run.created_at).toISOString(),
      record: run.record,
      ...(run.old_record ? { old: run.old_record } : {}),
    };
  }

  /** Whose permissions the actions have: the triggering user's, or for runAs system all (still in their name). */
  async callerOf(run: RunRow): Promise<Caller | undefined> {
    if (!run.user_id) return undefined;
    const principal = await this.deps.principalOf(run.user_id);
    if (!principal) return undefined;
    const acting = run.definition.runAs === 'system' ? { ...principal, isAdmin: true } : principal;
    // An approval's own actions may change the record its approval locks; other runs may not.
    const via = run.event === 'approval' ? 'approval' : 'workflow';
    return { userId: run.user_id, locale: 'en', access: new Access(acting, this.deps.compiled()), via };
  }
}
