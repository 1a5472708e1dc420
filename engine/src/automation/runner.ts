import type { Knex } from 'knex';
import { Problem } from '../errors.js';
import type { CompiledMetadata } from '../metadata/compile.js';
import type { RecordsService } from '../records/records.service.js';
import { Access } from '../security/access.js';
import type { Caller } from '../security/caller.js';
import type { Principal } from '../security/principal.js';
import { ACTIONS } from './actions/index.js';
import { expressionData } from './match.js';
import type { RunRow, RunStore } from './run-store.js';

/**
 * Runs one workflow run: its actions in order, each in a transaction of its own that also
 * records the step as done — so a run retried after a crash skips what had committed and an
 * action's effect happens once. The actions' own writes carry the run's chain depth + 1
 * (`tessera.depth`), which the capture triggers copy into the events they cause.
 *
 * A refusal by the records API (a 4xx: validation, permissions, a record gone) will not change on
 * a retry, so it fails the run at once; anything else (the database went away) is thrown for the
 * queue to retry with backoff, until the last attempt fails the run.
 */

export interface RunnerDeps {
  knex: Knex;
  compiled: () => CompiledMetadata;
  store: RunStore;
  /** A records service working inside the given transaction. */
  recordsIn: (trx: Knex.Transaction) => RecordsService;
  principalOf: (userId: string) => Promise<Principal | undefined>;
}

/** Past this depth a chain of workflows triggering each other stops (Salesforce stops at 16 too). */
export const MAX_DEPTH = 16;

export class RetryableRunError extends Error {}

const describeError = (e: unknown): string =>
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
    const run = await store.find(knex, runId);
    if (!run || run.status === 'succeeded' || run.status === 'failed') return;
    await store.mark(knex, run.id, 'running');
    const caller = await this.callerOf(run);
    if (!caller) return store.mark(knex, run.id, 'failed', 'the user whose change triggered the run no longer exists');
    const done = await store.done(knex, run.id);
    const data = expressionData({ record: run.record, ...(run.old_record ? { old: run.old_record } : {}) });
    const actions = run.definition.actions;
    for (let i = 0; i < actions.length; i++) {
      if (done.has(i)) continue;
      const action = actions[i]!;
      const started = new Date();
      try {
        await knex.transaction(async (trx) => {
          await trx.raw("select set_config('tessera.depth', ?, true)", [String(run.depth + 1)]);
          const output = await ACTIONS[action.type].run(action as never, {
            object: run.object,
            recordId: run.record_id!,
            data,
            records: this.deps.recordsIn(trx),
            caller,
            compiled: this.deps.compiled(),
          });
          await store.step(trx, run.id, {
            step: i,
            action: action.type,
            attempt: run.attempts + 1,
            status: 'succeeded',
            input: action,
            output,
            error: null,
            started_at: started,
            duration_ms: Date.now() - started.getTime(),
          });
        });
      } catch (e) {
        const error = describeError(e);
        await store.step(knex, run.id, {
          step: i,
          action: action.type,
          attempt: run.attempts + 1,
          status: 'failed',
          input: action,
          output: null,
          error,
          started_at: started,
          duration_ms: Date.now() - started.getTime(),
        });
        const permanent = e instanceof Problem && e.status < 500;
        if (permanent || final) return store.mark(knex, run.id, 'failed', `action ${i + 1} (${action.type}): ${error}`);
        await store.mark(knex, run.id, 'retrying', `action ${i + 1} (${action.type}): ${error}`);
        throw new RetryableRunError(error);
      }
    }
    await store.mark(knex, run.id, 'succeeded');
  }

  /** Whose permissions the actions have: the triggering user's, or for runAs system all (still in their name). */
  private async callerOf(run: RunRow): Promise<Caller | undefined> {
    if (!run.user_id) return undefined;
    const principal = await this.deps.principalOf(run.user_id);
    if (!principal) return undefined;
    const acting = run.definition.runAs === 'system' ? { ...principal, isAdmin: true } : principal;
    return { userId: run.user_id, locale: 'en', access: new Access(acting, this.deps.compiled()), via: 'workflow' };
  }
}
