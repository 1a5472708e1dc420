import pg from 'pg';
import type { LoadTarget } from './load.js';
import { postgresCpuSeconds } from './profile.js';
import {
  cpuText,
  log,
  logProblems,
  logSize,
  median,
  ms,
  positiveEnv,
  type Api,
  type WorkloadContext,
} from './workload.js';
import {
  captureTriggers,
  dbClock,
  dealsSince,
  lastRunId,
  MARK,
  runsAfter,
  waitForRuns,
  WORKFLOW_NAME,
  type RunsDone,
} from './workflow-reads.js';

/**
 * The workflow workloads (workflowWorkload, at the end) and their workflow, turned on and off
 * through the metadata API (saved with `active` and published, as an admin would).
 */

// The backlog whose drain gives the actions' sustained rate, cut to what the first creates' runs
// say drains in about a minute; runs are polled for, and must all finish in time.
const WORKFLOW_BACKLOG = Math.round(positiveEnv('BENCH_WORKFLOW_BACKLOG', 2000));
const WORKFLOW_BACKLOG_SECONDS = 60;
const RUNS_POLL_MS = 100;
const RUNS_TIMEOUT_MS = 5 * 60_000;

/**
 * When the workflow's action runs: in the create itself, before the save (`trigger.beforeSave`,
 * the workflow_overhead workload), or in a run after the commit, from the queue
 * (workflow_after_save).
 */
export type Timing = 'beforeSave' | 'afterSave';

/**
 * Every new deal with an amount (the bench's creates all have one) gets MARK appended to its
 * name: a condition to work out and an updateRecord that changes the record. After the save, the
 * action writes again (an update with its history row) and its run has something to show.
 */
export const WORKFLOW = {
  apiName: WORKFLOW_NAME,
  label: 'Mark new deals',
  object: 'deal',
  trigger: { on: 'create' },
  condition: { '>=': [{ var: 'amount' }, 0] },
  actions: [{ type: 'updateRecord', values: { name: { cat: [{ var: 'name' }, MARK] } } }],
};

const workflowFor = (timing: Timing) =>
  timing === 'beforeSave' ? { ...WORKFLOW, trigger: { ...WORKFLOW.trigger, beforeSave: true } } : WORKFLOW;

/**
 * Saves WORKFLOW as active or not and publishes: publishing adds or drops the capture triggers on
 * deal, so with the workflow inactive a create is exactly the create workload's. The first call
 * creates the workflow; later ones update it in place (same id).
 */
export async function setWorkflow(
  api: Api,
  active: boolean,
  exists: boolean,
  timing: Timing = 'afterSave',
): Promise<void> {
  const body = { ...workflowFor(timing), active };
  const saved = exists
    ? await api('PUT', `/api/v1/meta/workflows/${WORKFLOW.apiName}`, body)
    : await api('POST', '/api/v1/meta/workflows', body);
  if (saved.status !== (exists ? 200 : 201))
    throw new Error(`saving the workflow failed: ${saved.status} ${JSON.stringify(saved.body)}`);
  const published = await api('POST', '/api/v1/meta/publish', {});
  if (published.status !== 201)
    throw new Error(`publishing the workflow failed: ${published.status} ${JSON.stringify(published.body)}`);
}

/**
 * A workflow workload: Tessera's create (the create workload's request) with WORKFLOW active on
 * deal, against the same create with the workflow saved inactive (deal then has no capture
 * triggers), in rounds alternating as the other workloads'. Adds its lines to `summary`.
 *
 * workflow_overhead (`beforeSave`): the action is part of each create, so a round with the
 * workflow is a round of creates, each of whose deals must carry MARK when it ends.
 *
 * workflow_after_save: a round with the workflow lasts until every run its creates started has
 * finished, so its throughput is creates whose action is done per second, the drain included,
 * timed on the database's clock to the last run's `finished_at`. Unmeasured first: a round
 * without; 2 × BENCH_CONCURRENCY creates with, whose runs must all succeed and rename their deals;
 * then a backlog whose drain gives the actions' sustained rate (BENCH workflow_actions). A round
 * with the workflow sends at most what that rate finishes in one round's time: while the actions
 * keep up with the creates that cap is never reached, and when they do not, a round lasts about
 * twice BENCH_SECONDS instead of leaving a backlog for the next.
 */
export async function workflowWorkload(
  ctx: WorkloadContext,
  create: LoadTarget,
  timing: Timing,
  target: number | undefined,
): Promise<void> {
  const { loader, api, summary, schema, rounds, roundMs, concurrency } = ctx;
  const name = timing === 'beforeSave' ? 'workflow_overhead' : 'workflow_after_save';
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  const untrack = ctx.closeOnExit(() => db.end());
  await db.connect();
  const logFrom = await logSize(ctx.logFile);
  // The other workflow workload may have saved the workflow already.
  let saved = (await api('GET', `/api/v1/meta/workflows/${WORKFLOW_NAME}`)).status === 200;
  const turn = async (active: boolean) => {
    await setWorkflow(api, active, saved, timing);
    saved = true;
    const triggers = await captureTriggers(db, schema);
    // A workflow that runs before the save needs no capture.
    const expected = active && timing === 'afterSave' ? 2 : 0;
    if (triggers !== expected)
      throw new Error(
        `deal has ${triggers} capture triggers with the ${timing} workflow ${active ? 'active' : 'inactive'}`,
      );
  };
  // CPU of this process (the engine with its dispatcher and runners) and of PostgreSQL, per create.
  const cpuPer = async <T extends { requests: number }>(during: () => Promise<T>) => {
    const node0 = process.cpuUsage();
    const pg0 = await postgresCpuSeconds();
    const result = await during();
    const node = process.cpuUsage(node0);
    const pg1 = await postgresCpuSeconds();
    return {
      ...result,
      nodeMs: (node.user + node.system) / 1000 / result.requests,
      pgMs: pg0 === undefined || pg1 === undefined || pg1 < pg0 ? undefined : ((pg1 - pg0) * 1000) / result.requests,
    };
  };
  const without = (durationMs: number) =>
    cpuPer(async () => {
      const after = await lastRunId(db, schema);
      const r = await loader.run(create, concurrency, durationMs);
      if (r.errors) throw new Error(`${name} without: ${r.errors} of ${r.requests} failed, first: ${r.firstError}`);
      const started = await runsAfter(db, schema, after);
      if (started) throw new Error(`${name} without: ${started} runs started, the workflow being inactive`);
      return r;
    });
  let failedRuns = 0;
  let firstFailure: string | undefined;
  /** Creates for `durationMs` or until `max` are sent, then (after the save) until each one's run has finished. */
  const withWorkflow = async (durationMs: number, max?: number) => {
    const round = await cpuPer(async () => {
      const after = await lastRunId(db, schema);
      const t0 = await dbClock(db);
      const load = await loader.run(create, concurrency, durationMs, max);
      const t1 = await dbClock(db);
      if (load.errors)
        throw new Error(`${name} with: ${load.errors} of ${load.requests} failed, first: ${load.firstError}`);
      if (timing === 'beforeSave') {
        const deals = await dealsSince(db, schema, t0);
        if (deals.created !== load.requests || deals.marked !== load.requests)
          throw new Error(
            `${load.requests} creates made ${deals.created} deals, of which ${deals.marked} carry "${MARK}"`,
          );
        const started = await runsAfter(db, schema, after);
        if (started) throw new Error(`${name}: ${started} runs started by a workflow that runs before the save`);
        return {
          requests: load.requests,
          load,
          runs: undefined,
          rps: load.rps,
          drainMs: 0,
          actionsPerSecond: load.rps,
        };
      }
      const runs: RunsDone = await waitForRuns(db, schema, after, load.requests, {
        pollMs: RUNS_POLL_MS,
        timeoutMs: RUNS_TIMEOUT_MS,
      });
      failedRuns += runs.failed;
      firstFailure ??= runs.firstError;
      if (runs.marked !== runs.succeeded)
        throw new Error(`${runs.succeeded} workflow runs succeeded, but ${runs.marked} of their deals carry "${MARK}"`);
      return {
        requests: load.requests,
        load,
        runs,
        rps: runs.succeeded / (runs.lastFinished - t0),
        drainMs: Math.max(0, runs.lastFinished - t1) * 1000,
        actionsPerSecond: runs.succeeded / (runs.lastFinished - runs.firstCreated),
      };
    });
    return round;
  };

  try {
    await turn(false);
    const warm = await without(ctx.warmupMs);
    await turn(true);
    let cap: number | undefined;
    let backlogLine: string | undefined;
    if (timing === 'afterSave') {
      const probeSize = 2 * concurrency;
      const probe = await withWorkflow(RUNS_TIMEOUT_MS, probeSize);
      log(
        `workflow ${WORKFLOW.apiName} (on create, amount >= 0, updateRecord name + "${MARK}"): warm-up without it ${warm.rps.toFixed(0)} req/s; ${probeSize} creates with it: ${probe.runs!.succeeded} runs succeeded, ${probe.runs!.failed} failed, ${probe.runs!.marked} deals renamed, ${probe.actionsPerSecond.toFixed(1)} actions/s`,
      );
      const backlogSize = Math.min(
        WORKFLOW_BACKLOG,
        Math.max(probeSize, Math.round(probe.actionsPerSecond * WORKFLOW_BACKLOG_SECONDS)),
      );
      const backlog = await withWorkflow(RUNS_TIMEOUT_MS, backlogSize);
      const backlogSeconds = backlog.runs!.lastFinished - backlog.runs!.firstCreated;
      cap = Math.max(concurrency, Math.ceil((backlog.actionsPerSecond * roundMs) / 1000));
      log(
        `workflow backlog: ${backlogSize.toLocaleString('en')} creates in ${backlog.load.seconds.toFixed(2)} s, their runs from the first created to the last finished in ${backlogSeconds.toFixed(2)} s: ${backlog.actionsPerSecond.toFixed(1)} actions/s; a round with the workflow sends at most ${cap.toLocaleString('en')} creates`,
      );
      backlogLine = `BENCH workflow_actions per_s=${backlog.actionsPerSecond.toFixed(1)} runs=${backlogSize} (a backlog of ${backlogSize.toLocaleString('en')} runs drained in ${backlogSeconds.toFixed(2)} s)`;
    } else {
      const probe = await withWorkflow(ctx.warmupMs);
      log(
        `workflow ${WORKFLOW.apiName} before the save (on create, amount >= 0, name + "${MARK}"): warm-up without it ${warm.rps.toFixed(0)} req/s, with it ${probe.rps.toFixed(0)} req/s, every deal renamed`,
      );
    }

    type WithRound = Awaited<ReturnType<typeof withWorkflow>>;
    type WithoutRound = Awaited<ReturnType<typeof without>>;
    const withRounds: WithRound[] = [];
    const withoutRounds: WithoutRound[] = [];
    for (let i = 0; i < rounds; i++) {
      for (const side of i % 2 ? (['without', 'with'] as const) : (['with', 'without'] as const)) {
        await turn(side === 'with');
        if (side === 'with') {
          const r = await withWorkflow(roundMs, cap);
          withRounds.push(r);
          const drain = r.runs ? `; last run finished ${r.drainMs.toFixed(0)} ms after; ${r.runs.failed} failed` : '';
          log(
            `  ${name} round ${i + 1} with     ${r.rps.toFixed(1).padStart(7)} creates/s with the action done  (${r.load.requests} creates in ${r.load.seconds.toFixed(2)} s, p50 ${ms(r.load.p50)} p99 ${ms(r.load.p99)}${drain})  CPU per create: ${cpuText(r.nodeMs, r.pgMs)}`,
          );
        } else {
          const r = await without(roundMs);
          withoutRounds.push(r);
          log(
            `  ${name} round ${i + 1} without  ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  CPU per request: ${cpuText(r.nodeMs, r.pgMs)}`,
          );
        }
      }
    }
    await turn(false);

    const cpuMedian = (of: { nodeMs: number; pgMs?: number }[]) => {
      const pgMs = of.map((r) => r.pgMs).filter((v) => v !== undefined);
      return cpuText(median(of.map((r) => r.nodeMs)), pgMs.length ? median(pgMs) : undefined);
    };
    const withRps = median(withRounds.map((r) => r.rps));
    const withoutRps = median(withoutRounds.map((r) => r.rps));
    const ratio = withRps / withoutRps;
    const pairs = withRounds.map((r, i) => r.rps / withoutRounds[i]!.rps);
    const verdict = target === undefined ? 'no target' : `target >= ${target}: ${ratio >= target ? 'met' : 'NOT met'}`;
    const how =
      timing === 'beforeSave'
        ? 'the action in the create'
        : `drain included (at most ${cap!.toLocaleString('en')} creates a round)`;
    summary.push(
      `${name} without ${withoutRps.toFixed(0).padStart(7)} req/s  p50 ${ms(median(withoutRounds.map((r) => r.p50)))}  p99 ${ms(median(withoutRounds.map((r) => r.p99)))}  CPU per request: ${cpuMedian(withoutRounds)}`,
      `${name} with    ${withRps.toFixed(1).padStart(7)} creates/s with the action done, ${how}; the creates alone p50 ${ms(median(withRounds.map((r) => r.load.p50)))}  p99 ${ms(median(withRounds.map((r) => r.load.p99)))}  CPU per create: ${cpuMedian(withRounds)}`,
      `BENCH ${name} ratio=${ratio.toFixed(3)} with=${withRps.toFixed(1)} without=${withoutRps.toFixed(0)}${timing === 'afterSave' ? ` drain_ms=${median(withRounds.map((r) => r.drainMs)).toFixed(0)} failed_runs=${failedRuns}` : ''} (${verdict})`,
      `       per-round-pair ratios ${pairs.map((r) => r.toFixed(3)).join(', ')}; their median ${median(pairs).toFixed(3)}`,
      ...(backlogLine ? [backlogLine] : []),
    );
    if (failedRuns) {
      summary.push(`       ${failedRuns} workflow runs failed; the first error: ${firstFailure}`);
      process.exitCode = 1;
    }
    const problems = await logProblems(ctx.logFile, logFrom);
    summary.push(
      problems.length
        ? `       the engine logged during ${name}: ${problems.join('; ')}`
        : `       the engine logged no warning or error during ${name}`,
    );
  } finally {
    untrack();
    await db.end();
  }
}
