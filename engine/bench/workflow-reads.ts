import pg from 'pg';

/**
 * What the workflow workloads read straight from the database: the capture triggers on deal, the
 * database's clock, and the runs and deals a round made. Runs are read from `_automation_runs`,
 * whose timestamps say when each run was created and finished, so a round's end is known
 * exactly, not to within a poll.
 */

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Appended to a new deal's name by the workflow's action. */
export const MARK = ' ✓';

/** The bench's workflow. */
export const WORKFLOW_NAME = 'bench_mark_new_deal';

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
      [WORKFLOW_NAME, after],
    );
    last = rows[0]!;
    if (last.runs > expected)
      throw new Error(`${last.runs} workflow runs for ${expected} creates: a create started more than one run`);
    if (last.runs === expected && last.finished === expected) break;
    if (performance.now() > deadline) {
      const { rows: states } = await db.query(
        `select status, count(*)::int as n from ${runs} where workflow = $1 and id > $2::uuid group by status order by status`,
        [WORKFLOW_NAME, after],
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
    [WORKFLOW_NAME, after, MARK],
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

/** The deals created from `since` (database clock, seconds), and how many of them carry MARK. */
export async function dealsSince(
  db: pg.Client,
  schema: string,
  since: number,
): Promise<{ created: number; marked: number }> {
  const { rows } = await db.query(
    `select count(*)::int as created, count(*) filter (where name like '%' || $2)::int as marked
     from ${ident(schema)}.deal where created_at >= to_timestamp($1)`,
    [since, MARK],
  );
  return rows[0] as { created: number; marked: number };
}

/** Runs of any workflow after `after`: none while the workflow is off. */
export async function runsAfter(db: pg.Client, schema: string, after: string): Promise<number> {
  const { rows } = await db.query(
    `select count(*)::int as n from ${ident(schema)}._automation_runs where id > $1::uuid`,
    [after],
  );
  return rows[0].n as number;
}
