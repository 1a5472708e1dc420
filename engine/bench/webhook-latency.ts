import pg from 'pg';
import type { LoadTarget, PacedRequest } from './load.js';
import { machineCpuSeconds, postgresCpuSeconds } from './profile.js';
import { WebhookReceiver, type Clock, type Delivery, type Taken } from './webhook-receiver.js';
import { captureTriggers } from './workflow-reads.js';
import { log, logProblems, logSize, median, ms, percentile, positiveEnv, type WorkloadContext } from './workload.js';

/**
 * The webhook_latency workload: how long after a create commits its workflow's webhook reaches
 * the receiver. One active workflow on deal (on create, one webhook action to the receiver,
 * webhook-receiver.ts); the load generator sends the create workload's request at a steady rate
 * (BENCH_WEBHOOK_RATES, each for BENCH_WEBHOOK_SECONDS, in every round), well below what the
 * engine can take, so the figure is a delivery's latency and not a backlog's (each round says
 * whether runs piled up). Each create must be delivered once: lost (nothing within
 * BENCH_WEBHOOK_TIMEOUT_SECONDS) and duplicates are counted; a lost delivery, a create delivered
 * by two runs or a refused signature fails the run. See README.md.
 */

const RATES = (process.env.BENCH_WEBHOOK_RATES ?? '50,200').split(',').map((r) => {
  const n = Number(r.trim());
  if (!Number.isFinite(n) || n <= 0) throw new Error('BENCH_WEBHOOK_RATES must be positive numbers, comma-separated');
  return n;
});
const PHASE_MS = positiveEnv('BENCH_WEBHOOK_SECONDS', 10) * 1000;
const DELIVERY_TIMEOUT_MS = positiveEnv('BENCH_WEBHOOK_TIMEOUT_SECONDS', 60) * 1000;
// Creates unanswered at once before the next due one waits (and the phase says it fell behind).
const MAX_IN_FLIGHT = 64;
const POLL_MS = 200;
// After the last expected delivery, how long a duplicate may still come before the next phase.
const SETTLE_MS = 1000;
// A round fell behind when at some moment more than this many seconds' creates had runs waiting
// for a runner: its figure is then mostly a queue's wait. Keeping up, about one batch waits (8).
const BEHIND_SECONDS = 0.5;
const RECEIVER_HOST = '127.0.0.1';
const WORKFLOW_NAME = 'bench_webhook_new_deal';

/** A webhook POSTed for every new deal; the engine adds its `whsec_` secret when it is saved. */
const webhookWorkflow = (url: string) => ({
  apiName: WORKFLOW_NAME,
  label: 'Webhook on new deals',
  object: 'deal',
  trigger: { on: 'create' },
  active: true,
  actions: [{ type: 'webhook', url }],
});

/** A create of the workload and what became of it. */
interface Create {
  phase: number;
  rate: number;
  answeredAt: number;
  deliveries: Delivery[];
  /** Nothing had arrived when its phase's time for deliveries ran out. */
  lost: boolean;
}

/** Its run as `_automation_runs` holds it; times on PostgreSQL's clock, ms. */
interface RunRow {
  record_id: string;
  status: string;
  attempts: number;
  created: number;
  started: number | null;
}

/** What one phase measured, per delivered create (the first delivery of each). */
interface Phase {
  rate: number;
  sentRate: number;
  maxBehindMs: number;
  creates: number;
  /** Commit (the record's created_at) → arrival. */
  latencies: number[];
  /** The create's answer at the client → arrival: the commit came before that answer. */
  fromAnswer: number[];
  /** Commit → run written (the dispatcher), run written → runner started, runner started → arrival. */
  toRun: number[];
  queued: number[];
  toArrival: number[];
  lost: number;
  /** From the last create's answer to the last delivery. */
  drainMs: number;
  /** The most runs written and not yet started by a runner at any moment of the round. */
  maxWaiting: number;
  /**
   * CPU seconds from the first create sent to the last delivery in, and that window's length: the
   * engine (this process), PostgreSQL (all its processes), and everything else the machine ran.
   */
  cpu: { engine: number; postgres?: number; other?: number; seconds: number };
}

const sorted = (xs: number[]) => Float64Array.from(xs).sort();
const p = (xs: number[], q: number) => percentile(sorted(xs), q);
const pText = (xs: number[]) => (xs.length ? `p50 ${ms(p(xs, 0.5))} p99 ${ms(p(xs, 0.99))}` : 'none');

/**
 * PostgreSQL's to_jsonb text of a timestamptz (`2026-12-06T10:42:16.498501+00:00`) in epoch
 * milliseconds, the microseconds kept (Date.parse would drop them).
 */
export function timestampMs(text: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d(?::?\d\d)?)$/.exec(text);
  if (!m) return NaN;
  const zone = m[3] === 'Z' ? 'Z' : m[3]!.length === 3 ? `${m[3]}:00` : m[3]!.replace(/^([+-]\d\d)(\d\d)$/, '$1:$2');
  return Date.parse(`${m[1]}${zone}`) + (m[2] ? Number(m[2]) * 1000 : 0);
}

export async function webhookLatencyWorkload(ctx: WorkloadContext, create: LoadTarget): Promise<void> {
  const { api, loader, summary, schema } = ctx;
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  const untrackDb = ctx.closeOnExit(() => db.end());
  await db.connect();
  const receiver = WebhookReceiver.start();
  const untrackReceiver = ctx.closeOnExit(() => receiver.stop());
  const allowBefore = process.env.TESSERA_WEBHOOK_ALLOW_HOSTS;
  const logFrom = await logSize(ctx.logFile);
  let saved = false;
  const removeWorkflow = async () => {
    const deleted = await api('DELETE', `/api/v1/meta/workflows/${WORKFLOW_NAME}`);
    if (deleted.status !== 204)
      throw new Error(`deleting the webhook workflow failed: ${deleted.status} ${JSON.stringify(deleted.body)}`);
    const published = await api('POST', '/api/v1/meta/publish', {});
    if (published.status !== 201)
      throw new Error(`publishing without the webhook workflow failed: ${published.status}`);
    saved = false;
  };

  try {
    const { port, clock } = await receiver.listen(ctx.databaseUrl);
    // Read by the engine when the workflow is saved and before each delivery: loopback is refused otherwise.
    const allowed = (allowBefore ?? '').split(',').map((h) => h.trim());
    if (!allowed.includes(RECEIVER_HOST))
      process.env.TESSERA_WEBHOOK_ALLOW_HOSTS = [...allowed.filter(Boolean), RECEIVER_HOST].join(',');
    const url = `http://${RECEIVER_HOST}:${port}/hook`;
    const created = await api('POST', '/api/v1/meta/workflows', webhookWorkflow(url));
    if (created.status !== 201)
      throw new Error(`saving the webhook workflow failed: ${created.status} ${JSON.stringify(created.body)}`);
    saved = true;
    const secret: unknown = created.body.actions?.[0]?.secret;
    if (typeof secret !== 'string' || !secret.startsWith('whsec_'))
      throw new Error(`the saved webhook action has no whsec_ secret: ${JSON.stringify(created.body.actions)}`);
    const published = await api('POST', '/api/v1/meta/publish', {});
    if (published.status !== 201)
      throw new Error(`publishing the webhook workflow failed: ${published.status} ${JSON.stringify(published.body)}`);
    const triggers = await captureTriggers(db, schema);
    if (triggers !== 2) throw new Error(`deal has ${triggers} capture triggers with the webhook workflow active`);
    // Arrival times are the receiver's clock, commits PostgreSQL's: corrected only by a difference
    // the measurement proves (the database read its clock between the two the receiver took).
    const correction = Math.abs(clock.offsetMs) > clock.uncertaintyMs ? clock.offsetMs : 0;
    log(
      `webhook_latency: receiver ${url} in its own process; workflow ${WORKFLOW_NAME} (on create, one webhook) published; rates ${RATES.join(', ')} creates/s for ${PHASE_MS / 1000} s each, ${ctx.rounds} rounds; ${clockText(clock, correction)}`,
    );

    const creates = new Map<string, Create>();
    const verification = { verified: 0, refused: 0, firstRefusal: undefined as string | undefined, tamper: true };
    let malformed = 0;
    let strays = 0;
    /** Files the deliveries taken under their creates; the rest are counted. */
    const absorb = (taken: Taken) => {
      verification.verified += taken.verified;
      verification.refused += taken.refused;
      verification.firstRefusal ??= taken.firstRefusal;
      if (taken.tamperRefused === false) verification.tamper = false;
      for (const d of taken.deliveries) {
        const c = d.recordId === undefined ? undefined : creates.get(d.recordId);
        if (d.malformed) malformed++;
        else if (c) c.deliveries.push(d);
        else strays++;
      }
    };

    const phases: Phase[] = [];
    const runPhase = async (label: string, rate: number, durationMs: number): Promise<Phase> => {
      const index = phases.length;
      const node0 = process.cpuUsage();
      const pg0 = await postgresCpuSeconds();
      const machine0 = await machineCpuSeconds();
      const t0 = performance.now();
      const result = await loader.pace(create, rate, durationMs, MAX_IN_FLIGHT);
      if (result.errors)
        throw new Error(
          `webhook_latency: ${result.errors} of ${result.requests.length} creates failed, first: ${result.firstError}`,
        );
      const mine: [string, Create][] = result.requests
        .filter((r): r is PacedRequest & { id: string } => r.id !== undefined)
        .map((r) => [r.id, { phase: index, rate, answeredAt: r.answeredAt, deliveries: [], lost: false }]);
      for (const [id, c] of mine) creates.set(id, c);
      const deadline = performance.now() + DELIVERY_TIMEOUT_MS;
      for (;;) {
        absorb(await receiver.take(secret));
        if (mine.every(([, c]) => c.deliveries.length)) break;
        if (performance.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      const node = process.cpuUsage(node0);
      const seconds = (performance.now() - t0) / 1000;
      const pg1 = await postgresCpuSeconds();
      const machine1 = await machineCpuSeconds();
      const engineS = (node.user + node.system) / 1e6;
      const pgS = pg0 === undefined || pg1 === undefined || pg1 < pg0 ? undefined : pg1 - pg0;
      const machineS = machine0 && machine1 ? machine1.busy - machine0.busy : undefined;
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      absorb(await receiver.take(secret));

      const runs = await runsOf(
        db,
        schema,
        mine.map(([id]) => id),
      );
      const phase: Phase = {
        rate,
        sentRate: result.sentRate,
        maxBehindMs: result.maxBehindMs,
        creates: mine.length,
        latencies: [],
        fromAnswer: [],
        toRun: [],
        queued: [],
        toArrival: [],
        lost: 0,
        drainMs:
          Math.max(...mine.flatMap(([, c]) => c.deliveries.map((d) => d.arrivedAt))) -
          Math.max(...result.requests.map((r) => r.answeredAt)),
        maxWaiting: maxWaiting([...runs.values()].flat()),
        cpu: {
          engine: engineS,
          ...(pgS === undefined ? {} : { postgres: pgS }),
          ...(machineS === undefined ? {} : { other: machineS - engineS - (pgS ?? 0) }),
          seconds,
        },
      };
      const byQuarter: number[][] = [[], [], [], []];
      mine.forEach(([id, c], i) => {
        const first = c.deliveries[0];
        if (!first) {
          c.lost = true;
          phase.lost++;
          return;
        }
        const committed = timestampMs(first.recordCreatedAt ?? '');
        if (Number.isNaN(committed))
          throw new Error(`delivery ${first.webhookId} has no data.record.created_at: ${first.recordCreatedAt}`);
        const arrived = first.arrivedAt + correction;
        phase.latencies.push(arrived - committed);
        phase.fromAnswer.push(first.arrivedAt - c.answeredAt);
        byQuarter[Math.min(3, Math.floor((4 * i) / mine.length))]!.push(arrived - committed);
        const run = runs.get(id)?.[0];
        if (run) {
          phase.toRun.push(run.created - committed);
          if (run.started !== null) {
            phase.queued.push(run.started - run.created);
            phase.toArrival.push(arrived - run.started);
          }
        }
      });
      phases.push(phase);

      const dup = duplicatesOf(mine.map(([, c]) => c));
      const runCheck = checkRuns(runs, mine.length);
      log(
        `  webhook_latency ${label} at ${rate}/s: ${mine.length} creates (${result.sentRate.toFixed(1)}/s, at most ${result.maxBehindMs.toFixed(1)} ms behind schedule), ${mine.length - phase.lost} delivered, lost ${phase.lost}, duplicates ${dup.sameId + dup.otherId}${runCheck ? `; ${runCheck}` : ''}; commit → arrival ${pText(phase.latencies)} max ${ms(Math.max(...phase.latencies))}, p50 by quarter of the round ${byQuarter.map((q) => (q.length ? p(q, 0.5).toFixed(1) : '-')).join(' / ')} ms; at most ${phase.maxWaiting} runs waiting for a runner; last delivery ${phase.drainMs.toFixed(0)} ms after the last answer\n` +
          `      from the create's answer ${pText(phase.fromAnswer)}; commit → run ${pText(phase.toRun)}, run queued ${pText(phase.queued)}, runner → arrival ${pText(phase.toArrival)}; CPU per create ${cpuText([phase])}`,
      );
      return phase;
    };

    await runPhase('warm-up', RATES[0]!, ctx.warmupMs);
    for (let i = 0; i < ctx.rounds; i++)
      for (const rate of i % 2 ? [...RATES].reverse() : RATES) await runPhase(`round ${i + 1}`, rate, PHASE_MS);

    // Off again, so the workloads after this one run without capture; then the last stragglers.
    await removeWorkflow();
    const left = await captureTriggers(db, schema);
    if (left !== 0) throw new Error(`deal still has ${left} capture triggers after the webhook workflow was deleted`);
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    absorb(await receiver.take(secret));

    const measured = phases.slice(1);
    const all = [...creates.values()];
    let lostTotal = 0;
    for (const rate of RATES) {
      const at = measured.filter((ph) => ph.rate === rate);
      const of = all.filter((c) => c.rate === rate && c.phase > 0);
      const latencies = at.flatMap((ph) => ph.latencies);
      const dup = duplicatesOf(of);
      const deliveries = of.reduce((n, c) => n + c.deliveries.length, 0);
      const lost = at.reduce((n, ph) => n + ph.lost, 0);
      lostTotal += lost;
      const sentRate = at.reduce((n, ph) => n + ph.sentRate, 0) / at.length;
      summary.push(
        `webhook_latency at ${rate}/s (no target in the issue): ${of.length} creates in ${at.length} rounds of ${PHASE_MS / 1000} s, commit → arrival ${pText(latencies)} max ${ms(Math.max(...latencies))}; per round p50 ${at.map((ph) => p(ph.latencies, 0.5).toFixed(1)).join(', ')} ms, p99 ${at.map((ph) => p(ph.latencies, 0.99).toFixed(1)).join(', ')} ms`,
        `       ${behindText(at)}; from the create's answer ${pText(at.flatMap((ph) => ph.fromAnswer))}; commit → run ${pText(at.flatMap((ph) => ph.toRun))}, run queued ${pText(at.flatMap((ph) => ph.queued))}, runner → arrival ${pText(at.flatMap((ph) => ph.toArrival))}; CPU per create (medians of the rounds) ${cpuText(at)}`,
        `BENCH webhook_latency p50_ms=${p(latencies, 0.5).toFixed(2)} p99_ms=${p(latencies, 0.99).toFixed(2)} rate=${sentRate.toFixed(1)} deliveries=${deliveries} lost=${lost} duplicates=${dup.sameId + dup.otherId}`,
      );
      if (dup.sameId + dup.otherId)
        summary.push(
          `       duplicates: ${dup.sameId} the same webhook-id again (a retry, for the receiver to drop), ${dup.otherId} another webhook-id for a create already delivered (a second run)`,
        );
    }
    const warmLost = phases[0]!.lost;
    lostTotal += warmLost;
    const late = all.filter((c) => c.lost && c.deliveries.length).length;
    summary.push(
      `       signatures: ${verification.verified} verified with standardwebhooks, ${verification.refused} refused${verification.firstRefusal ? ` (first: ${verification.firstRefusal})` : ''}; a tampered body ${verification.tamper ? 'refused' : 'ACCEPTED'}${warmLost ? `; ${warmLost} lost in the warm-up` : ''}${late ? `; ${late} lost deliveries arrived after their timeout` : ''}${strays ? `; ${strays} deliveries of records no phase created` : ''}${malformed ? `; ${malformed} malformed requests` : ''}`,
    );
    const extraRuns = duplicatesOf(all).otherId;
    if (lostTotal || extraRuns || verification.refused || !verification.tamper || malformed) {
      summary.push(
        `       webhook_latency FAILED: ${lostTotal} lost, ${extraRuns} creates delivered by more than one run, ${verification.refused} signatures refused${verification.tamper ? '' : ', a tampered body accepted'}, ${malformed} malformed`,
      );
      process.exitCode = 1;
    }
    const problems = await logProblems(ctx.logFile, logFrom);
    summary.push(
      problems.length
        ? `       the engine logged during webhook_latency: ${problems.join('; ')}`
        : `       the engine logged no warning or error during webhook_latency`,
    );
  } finally {
    if (saved) await removeWorkflow().catch((e) => console.error('webhook_latency: removing the workflow:', e));
    receiver.stop();
    untrackReceiver();
    if (allowBefore === undefined) delete process.env.TESSERA_WEBHOOK_ALLOW_HOSTS;
    else process.env.TESSERA_WEBHOOK_ALLOW_HOSTS = allowBefore;
    untrackDb();
    await db.end();
  }
}

/** Whether the engine kept up: a backlog makes the figure a queue's wait, not a delivery's latency. */
const behindText = (rounds: Phase[]) => {
  const behind = rounds.filter((ph) => ph.maxWaiting > ph.rate * BEHIND_SECONDS).length;
  const waiting = `at most ${rounds.map((ph) => ph.maxWaiting).join(', ')} runs waiting for a runner`;
  return behind
    ? `the runs FELL BEHIND the creates in ${behind} of ${rounds.length} rounds (${waiting}; over ${BEHIND_SECONDS} s of creates is a backlog): there the figure is a queue's wait`
    : `the runs kept up in every round (${waiting})`;
};

/** The most runs created and not yet started at any moment: the backlog in front of the runners. */
function maxWaiting(runs: RunRow[]): number {
  const changes = runs.flatMap((r) => [
    { at: r.created, by: 1 },
    ...(r.started === null ? [] : [{ at: r.started, by: -1 }]),
  ]);
  changes.sort((a, b) => a.at - b.at || a.by - b.by);
  let waiting = 0;
  let most = 0;
  for (const c of changes) most = Math.max(most, (waiting += c.by));
  return most;
}

/** CPU per create and in cores (busy seconds a second) of each part, the medians of the rounds'. */
const cpuText = (rounds: Phase[]) => {
  const part = (name: string, pick: (cpu: Phase['cpu']) => number | undefined) => {
    const of = rounds.filter((ph) => pick(ph.cpu) !== undefined);
    if (!of.length) return `${name} ?`;
    const perCreate = median(of.map((ph) => (1000 * pick(ph.cpu)!) / ph.creates));
    const cores = median(of.map((ph) => pick(ph.cpu)! / ph.cpu.seconds));
    return `${name} ${perCreate.toFixed(2)} ms (${cores.toFixed(2)} cores)`;
  };
  return [
    part('engine', (c) => c.engine),
    part('postgres', (c) => c.postgres),
    part('everything else', (c) => c.other),
  ].join(' + ');
};

const clockText = (clock: Clock, correction: number) =>
  `PostgreSQL's clock − the receiver's: ${clock.offsetMs.toFixed(2)} ± ${clock.uncertaintyMs.toFixed(2)} ms (${correction ? `arrivals corrected by ${correction.toFixed(2)} ms` : 'no difference shown; not corrected'})`;

/** Deliveries after a create's first: its webhook-id again, or another webhook-id (another run). */
function duplicatesOf(creates: Create[]): { sameId: number; otherId: number } {
  let sameId = 0;
  let otherId = 0;
  for (const c of creates) {
    const ids = new Set(c.deliveries.map((d) => d.webhookId));
    sameId += c.deliveries.length - ids.size;
    otherId += Math.max(0, ids.size - 1);
  }
  return { sameId, otherId };
}

/** The workflow's runs for these records, by record, on PostgreSQL's clock. */
async function runsOf(db: pg.Client, schema: string, recordIds: string[]): Promise<Map<string, RunRow[]>> {
  const { rows } = await db.query<RunRow>(
    `select record_id::text as record_id, status, attempts,
       extract(epoch from created_at)::float8 * 1000 as created,
       extract(epoch from started_at)::float8 * 1000 as started
     from "${schema.replace(/"/g, '""')}"._automation_runs
     where workflow = $1 and record_id = any($2::uuid[])
     order by created_at`,
    [WORKFLOW_NAME, recordIds],
  );
  const byRecord = new Map<string, RunRow[]>();
  for (const r of rows) byRecord.set(r.record_id, [...(byRecord.get(r.record_id) ?? []), r]);
  return byRecord;
}

/** What is off about the runs: not one per create, not succeeded, retried. Empty when nothing is. */
function checkRuns(runs: Map<string, RunRow[]>, creates: number): string {
  const all = [...runs.values()].flat();
  const statuses = new Map<string, number>();
  for (const r of all) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
  const problems: string[] = [];
  if (runs.size !== creates || all.length !== creates)
    problems.push(`${all.length} runs for ${runs.size} of ${creates} creates`);
  if (all.some((r) => r.status !== 'succeeded'))
    problems.push(`runs ${[...statuses].map(([s, n]) => `${n} ${s}`).join(', ')}`);
  const retried = all.filter((r) => r.attempts > 1).length;
  if (retried) problems.push(`${retried} runs took more than one attempt`);
  return problems.join('; ');
}
