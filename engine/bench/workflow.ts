import type pg from 'pg';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The workflow_overhead workload's workflow and what the bench reads of its runs. The workflow
 * is turned on and off through the metadata API (saved with `active` and published, as an admin
 * would); its runs are read straight from `_automation_runs`, whose timestamps say when each run
 * was created and finished, so a round's end is known exactly, not to within a poll.
 */

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

export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

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
