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

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The workflow_overhead workload (workflowWorkload, at the end), its workflow and what the bench
 * reads of its runs. The workflow is turned on and off through the metadata API (saved with
 * `active` and published, as an admin would); its runs are read straight from `_automation_runs`,
 * whose timestamps say when each run was created and finished, so a round's end is known exactly,
 * not to within a poll.
 */

// The backlog whose drain gives the actions' sustained rate, cut to what the first creates' runs
// say drains in about a minute; runs are polled for, and must all finish in time.
const WORKFLOW_BACKLOG = Math.round(positiveEnv('BENCH_WORKFLOW_BACKLOG', 2000));
const WORKFLOW_BACKLOG_SECONDS = 60;
const RUNS_POLL_MS = 100;
const RUNS_TIMEOUT_MS = 5 * 60_000;

/** Appended to a new deal's name by the workflow's action. */
export const MARK = ' ✓';

/**
 * Every new deal with an amount (the bench's creates all have one) gets MARK appended to its
 * name: a condition to work out and an updateRecord that changes the record, so the action
 * writes (an update with its history row) and its run has something to show.
 */
export const WORKFLOW = {
  apiName: 'bench_mark_new_deal',
  label: 'Mark new deals',
  object: 'deal',
  trigger: { on: 'create' },
  condition: { '>=': [{ var: 'amount' }, 0] },
  actions: [{ type: 'updateRecord', values: { name: { cat: [{ var: 'name' }, MARK] } } }],
};

/**
 * Saves WORKFLOW as active or not and publishes: publishing adds or drops the capture triggers on
 * deal, so with the workflow inactive a create is exactly the create workload's. The first call
 * creates the workflow; later ones update it in place (same id).
 */
export async function setWorkflow(api: Api, active: boolean, exists: boolean): Promise<void> {
  const body = { ...WORKFLOW, active };
  const saved = exists
    ? await api('PUT', `/api/v1/meta/workflows/${WORKFLOW.apiName}`, body)
    : await api('POST', '/api/v1/meta/workflows', body);
  if (saved.status !== (exists ? 200 : 201))
    throw new Error(`saving the workflow failed: ${saved.status} ${JSON.stringify(saved.body)}`);
  const published = await api('POST', '/api/v1/meta/publish', {});
  if (published.status !== 201)
    throw new Error(`publishing the workflow failed: ${published.status} ${JSON.stringify(published.body)}`);
}

/** How many of the engine's capture triggers deal has: 2 (insert, update) with an active workflow, else 0. */
export async function captureTriggers(db: pg.Client, schema: string): Promise<number> {
  const { rows } = await db.query(
    `select count(*)::int as n from pg_trigger t join pg_class c on c.oid = t.tgrelid
     join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = $1 and c.relname = 'deal' and t.tgname like 'tsr_capture%'`,
    [schema],
  );
  return rows[0].n as number;
}

/** The database's clock, in seconds: rounds are timed against the runs' own timestamps. */
export async function dbClock(db: pg.Client): Promise<number> {
  const { rows } = await db.query(`select extract(epoch from clock_timestamp())::float8 as t`);
  return rows[0].t as number;
}

/**
 * The newest run id so far: run ids are UUIDv7s, made in time order, so the runs a round caused
 * are those after it.
 */
export async function lastRunId(db: pg.Client, schema: string): Promise<string> {
  const { rows } = await db.query(`select max(id::text) as id from ${ident(schema)}._automation_runs`);
  return (rows[0].id as string | null) ?? '00000000-0000-0000-0000-000000000000';
}

export interface RunsDone {
  runs: number;
  succeeded: number;
  failed: number;
  /** Database clock, seconds: the first of the runs created, the last finished. */
  firstCreated: number;
  lastFinished: number;
  /** Deals of these runs whose name carries MARK: the action's write is there. */
  marked: number;
  firstError?: string;
}

interface RunCounts {
  runs: number;
  finished: number;
  statuses: string;
}

/**
 * Waits until the workflow's runs after `after` are `expected` and all finished (succeeded or
 * failed), polling every `pollMs`. Throws when more runs than expected appear, or when they have
 * not all finished within `timeoutMs`, saying how many are in which state (a stuck run shows).
 */
export async function waitForRuns(
  db: pg.Client,
  schema: string,
  after: string,
  expected: number,
  { pollMs, timeoutMs }: { pollMs: number; timeoutMs: number },
): Promise<RunsDone> {
  const runs = `${ident(schema)}._automation_runs`;
  const deadline = performance.now() + timeoutMs;
  let last: RunCounts | undefined;
  for (;;) {
    const { rows } = await db.query<RunCounts>(
      `select count(*)::int as runs,
         count(*) filter (where status in ('succeeded', 'failed'))::int as finished,
         coalesce(string_agg(distinct status, ','), '') as statuses
       from ${runs} where workflow = $1 and id > $2::uuid`,
      [WORKFLOW.apiName, after],
    );
    last = rows[0]!;
    if (last.runs > expected)
      throw new Error(`${last.runs} workflow runs for ${expected} creates: a create started more than one run`);
    if (last.runs === expected && last.finished === expected) break;
    if (performance.now() > deadline) {
      const { rows: states } = await db.query(
        `select status, count(*)::int as n from ${runs} where workflow = $1 and id > $2::uuid group by status order by status`,
        [WORKFLOW.apiName, after],
      );
      throw new Error(
        `workflow runs not finished after ${timeoutMs / 1000} s: ${expected} expected, ${states.map((s) => `${s.n} ${s.status}`).join(', ') || 'none created'}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
  const { rows } = await db.query(
    `select count(*) filter (where r.status = 'succeeded')::int as succeeded,
       count(*) filter (where r.status = 'failed')::int as failed,
       extract(epoch from min(r.created_at))::float8 as first_created,
       extract(epoch from max(r.finished_at))::float8 as last_finished,
       count(*) filter (where d.name like '%' || $3)::int as marked,
       min(r.error) as first_error
     from ${runs} r left join ${ident(schema)}.deal d on d.id = r.record_id
     where r.workflow = $1 and r.id > $2::uuid`,
    [WORKFLOW.apiName, after, MARK],
  );
  const r = rows[0];
  return {
    runs: last.runs,
    succeeded: r.succeeded,
    failed: r.failed,
    firstCreated: r.first_created,
    lastFinished: r.last_finished,
    marked: r.marked,
    ...(r.first_error ? { firstError: r.first_error as string } : {}),
  };
}

/** Runs of any workflow after `after`: none while the workflow is off. */
export async function runsAfter(db: pg.Client, schema: string, after: string): Promise<number> {
  const { rows } = await db.query(
    `select count(*)::int as n from ${ident(schema)}._automation_runs where id > $1::uuid`,
    [after],
  );
  return rows[0].n as number;
}

/**
 * The workflow_overhead workload: Tessera's create (the create workload's request) with WORKFLOW
 * active on deal, against the same create with the workflow saved inactive (deal then has no
 * capture triggers), in rounds alternating as the other workloads'. A round with the workflow
 * lasts until every run its creates started has finished, so its throughput is creates whose
 * action is done per second, the drain included, timed on the database's clock to the last run's
 * `finished_at`. Unmeasured first: a round without; 2 × BENCH_CONCURRENCY creates with, whose runs must
 * all succeed and rename their deals; then a backlog whose drain gives the actions' sustained
 * rate (BENCH workflow_actions). A round with the workflow sends at most what that rate finishes
 * in one round's time: while the actions keep up with the creates that cap is never reached,
 * and when they do not, a round lasts about twice BENCH_SECONDS instead of leaving a backlog for
 * the next. Adds its lines to `summary`.
 */
export async function workflowWorkload(ctx: WorkloadContext, create: LoadTarget, target: number): Promise<void> {
  const { loader, api, summary, schema, rounds, roundMs, concurrency } = ctx;
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  const untrack = ctx.closeOnExit(() => db.end());
  await db.connect();
  const logFrom = await logSize(ctx.logFile);
  let saved = false;
  const turn = async (active: boolean) => {
    await setWorkflow(api, active, saved);
    saved = true;
    const triggers = await captureTriggers(db, schema);
    if (triggers !== (active ? 2 : 0))
      throw new Error(`deal has ${triggers} capture triggers with the workflow ${active ? 'active' : 'inactive'}`);
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
      if (r.errors)
        throw new Error(`workflow_overhead without: ${r.errors} of ${r.requests} failed, first: ${r.firstError}`);
      const started = await runsAfter(db, schema, after);
      if (started) throw new Error(`workflow_overhead without: ${started} runs started, the workflow being inactive`);
      return r;
    });
  let failedRuns = 0;
  let firstFailure: string | undefined;
  /** Creates for `durationMs` or until `max` are sent, then until each one's run has finished. */
  const withWorkflow = async (durationMs: number, max: number) => {
    const round = await cpuPer(async () => {
      const after = await lastRunId(db, schema);
      const t0 = await dbClock(db);
      const load = await loader.run(create, concurrency, durationMs, max);
      const t1 = await dbClock(db);
      if (load.errors)
        throw new Error(`workflow_overhead with: ${load.errors} of ${load.requests} failed, first: ${load.firstError}`);
      const runs: RunsDone = await waitForRuns(db, schema, after, load.requests, {
        pollMs: RUNS_POLL_MS,
        timeoutMs: RUNS_TIMEOUT_MS,
      });
      return { requests: load.requests, load, runs, t0, t1 };
    });
    const { load, runs, t0, t1 } = round;
    failedRuns += runs.failed;
    firstFailure ??= runs.firstError;
    if (runs.marked !== runs.succeeded)
      throw new Error(`${runs.succeeded} workflow runs succeeded, but ${runs.marked} of their deals carry "${MARK}"`);
    return {
      ...round,
      load,
      runs,
      rps: runs.succeeded / (runs.lastFinished - t0),
      drainMs: Math.max(0, runs.lastFinished - t1) * 1000,
      actionsPerSecond: runs.succeeded / (runs.lastFinished - runs.firstCreated),
    };
  };

  try {
    await turn(false);
    const warm = await without(ctx.warmupMs);
    await turn(true);
    const probeSize = 2 * concurrency;
    const probe = await withWorkflow(RUNS_TIMEOUT_MS, probeSize);
    log(
      `workflow ${WORKFLOW.apiName} (on create, amount >= 0, updateRecord name + "${MARK}"): warm-up without it ${warm.rps.toFixed(0)} req/s; ${probeSize} creates with it: ${probe.runs.succeeded} runs succeeded, ${probe.runs.failed} failed, ${probe.runs.marked} deals renamed, ${probe.actionsPerSecond.toFixed(1)} actions/s`,
    );
    const backlogSize = Math.min(
      WORKFLOW_BACKLOG,
      Math.max(probeSize, Math.round(probe.actionsPerSecond * WORKFLOW_BACKLOG_SECONDS)),
    );
    const backlog = await withWorkflow(RUNS_TIMEOUT_MS, backlogSize);
    const backlogSeconds = backlog.runs.lastFinished - backlog.runs.firstCreated;
    const cap = Math.max(concurrency, Math.ceil((backlog.actionsPerSecond * roundMs) / 1000));
    log(
      `workflow backlog: ${backlogSize.toLocaleString('en')} creates in ${backlog.load.seconds.toFixed(2)} s, their runs from the first created to the last finished in ${backlogSeconds.toFixed(2)} s: ${backlog.actionsPerSecond.toFixed(1)} actions/s; a round with the workflow sends at most ${cap.toLocaleString('en')} creates`,
    );

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
          log(
            `  workflow_overhead round ${i + 1} with     ${r.rps.toFixed(1).padStart(7)} creates/s with the action done  (${r.load.requests} creates in ${r.load.seconds.toFixed(2)} s, p50 ${ms(r.load.p50)} p99 ${ms(r.load.p99)}; last run finished ${r.drainMs.toFixed(0)} ms after; ${r.runs.failed} failed)  CPU per create: ${cpuText(r.nodeMs, r.pgMs)}`,
          );
        } else {
          const r = await without(roundMs);
          withoutRounds.push(r);
          log(
            `  workflow_overhead round ${i + 1} without  ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  CPU per request: ${cpuText(r.nodeMs, r.pgMs)}`,
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
    summary.push(
      `workflow_overhead without ${withoutRps.toFixed(0).padStart(7)} req/s  p50 ${ms(median(withoutRounds.map((r) => r.p50)))}  p99 ${ms(median(withoutRounds.map((r) => r.p99)))}  CPU per request: ${cpuMedian(withoutRounds)}`,
      `workflow_overhead with    ${withRps.toFixed(1).padStart(7)} creates/s with the action done, drain included (at most ${cap.toLocaleString('en')} creates a round; the creates alone p50 ${ms(median(withRounds.map((r) => r.load.p50)))}  p99 ${ms(median(withRounds.map((r) => r.load.p99)))})  CPU per create: ${cpuMedian(withRounds)}`,
      `BENCH workflow_overhead ratio=${ratio.toFixed(3)} with=${withRps.toFixed(1)} without=${withoutRps.toFixed(0)} drain_ms=${median(withRounds.map((r) => r.drainMs)).toFixed(0)} failed_runs=${failedRuns} (target >= ${target}: ${ratio >= target ? 'met' : 'NOT met'})`,
      `       per-round-pair ratios ${pairs.map((r) => r.toFixed(3)).join(', ')}; their median ${median(pairs).toFixed(3)}`,
      `BENCH workflow_actions per_s=${backlog.actionsPerSecond.toFixed(1)} runs=${backlogSize} (a backlog of ${backlogSize.toLocaleString('en')} runs drained in ${backlogSeconds.toFixed(2)} s)`,
    );
    if (failedRuns) {
      summary.push(`       ${failedRuns} workflow runs failed; the first error: ${firstFailure}`);
      process.exitCode = 1;
    }
    const problems = await logProblems(ctx.logFile, logFrom);
    summary.push(
      problems.length
        ? `       the engine logged during workflow_overhead: ${problems.join('; ')}`
        : `       the engine logged no warning or error during workflow_overhead`,
    );
  } finally {
    untrack();
    await db.end();
  }
}
