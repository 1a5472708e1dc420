import { spawn, type ChildProcess } from 'node:child_process';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { LoadTarget } from './load.js';
import { log, median, ms, type WorkloadContext } from './workload.js';

/**
 * The scale-out workloads (issue 15): add_field, a field added to the big object while list
 * traffic runs, with a second engine process on the same database; and cold_start, an engine
 * process booted on a tenant of 200 objects × 50 fields, its first requests against warm ones.
 * Engines here are `tessera start` processes of the compiled engine (bin/tessera.mjs), as an
 * operator runs them.
 */

const repo = path.resolve(import.meta.dirname, '../..');
const COLD_OBJECTS = 200;
const COLD_FIELDS = 50;
const WARM_REQUESTS = 20;

export interface EngineProcess {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawning the process to its first healthy answer. */
  bootMs: number;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * `tessera start` on `schema` of the bench's database, with `env` on top of the bench's own;
 * resolves once it answers /health.
 */
export async function startProcess(
  ctx: Pick<WorkloadContext, 'databaseUrl'>,
  schema: string,
  admin: { email: string; password: string },
  env: Record<string, string> = {},
): Promise<EngineProcess> {
  const port = await freePort();
  const t0 = performance.now();
  let output = '';
  const child = spawn(process.execPath, ['engine/bin/tessera.mjs', 'start'], {
    cwd: repo,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: ctx.databaseUrl,
      TESSERA_SCHEMA: schema,
      TESSERA_ADMIN_EMAIL: admin.email,
      TESSERA_ADMIN_PASSWORD: admin.password,
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the engine process exited: ${output}`);
    if (
      await fetch(`${url}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { url, child, bootMs: performance.now() - t0 };
}

export async function stopProcess(p: EngineProcess): Promise<void> {
  if (p.child.exitCode !== null) return;
  const gone = new Promise((resolve) => p.child.once('exit', resolve));
  p.child.kill('SIGTERM');
  await gone;
}

async function timed(url: string, path: string, headers: Record<string, string>) {
  const t0 = performance.now();
  const res = await fetch(url + path, { headers });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - t0, text };
}

/**
 * BENCH add_field: list traffic on the in-process engine (the load generator) and on a second
 * engine process (a loop here) while a text field is added to the big object and published; the
 * failed requests, the longest any statement waited for a lock (pg_stat_activity, sampled every
 * 5 ms), and how long after the publish answered each engine served the field.
 */
export async function addFieldWorkload(
  ctx: WorkloadContext,
  list: LoadTarget,
  admin: { email: string; password: string },
): Promise<void> {
  const second = await startProcess(ctx, ctx.schema, admin);
  const untrack = ctx.closeOnExit(() => stopProcess(second));
  const sampler = new pg.Client({ connectionString: ctx.databaseUrl });
  await sampler.connect();
  // Loops that run beside the workload; stopped (and waited for) however it ends.
  let stop = false;
  let sampling: Promise<void> | undefined;
  let secondLoop: Promise<{ requests: number; failed: number }> | undefined;
  try {
    const headers = list.headers;
    const field = `note_${Date.now().toString(36)}`;
    const withField = (url: string) => timed(url, `/api/v1/records/deal?limit=1&fields=${field}`, headers);
    const durationMs = Math.max(15_000, ctx.roundMs * 3);
    secondLoop = (async () => {
      let requests = 0;
      let failed = 0;
      while (!stop) {
        const res = await timed(second.url, list.path, headers).catch(() => ({ status: 0 }));
        requests++;
        if (res.status !== 200) failed++;
      }
      return { requests, failed };
    })();
    const traffic = ctx.loader.run(list, ctx.concurrency, durationMs);
    await new Promise((resolve) => setTimeout(resolve, durationMs / 3));

    let longestLockWaitMs = 0;
    sampling = (async () => {
      while (!stop) {
        const { rows } = await sampler.query<{ ms: number | null }>(
          `select max(extract(epoch from clock_timestamp() - query_start)) * 1000 as ms
           from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()`,
        );
        longestLockWaitMs = Math.max(longestLockWaitMs, Number(rows[0]?.ms ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const deal = (await ctx.api('GET', '/api/v1/meta/objects/deal')).body;
    deal.fields.push({ apiName: field, type: 'text', label: { en: 'Note', 'zh-CN': '备注' } });
    const saved = await ctx.api('PUT', '/api/v1/meta/objects/deal', deal);
    if (saved.status !== 200) throw new Error(`saving the field failed: ${JSON.stringify(saved.body)}`);
    const t0 = performance.now();
    const published = await ctx.api('POST', '/api/v1/meta/publish', {});
    const publishMs = performance.now() - t0;
    if (published.status !== 201) throw new Error(`publishing the field failed: ${JSON.stringify(published.body)}`);
    const servedAfter = async (url: string) => {
      let last = { status: 0, text: '' };
      while (performance.now() - t0 < 60_000) {
        last = await withField(url);
        if (last.status === 200) return performance.now() - t0 - publishMs;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      throw new Error(`${url} did not serve ${field} within a minute of the publish: ${last.status} ${last.text}`);
    };
    const [first, other] = await Promise.all([servedAfter(list.url), servedAfter(second.url)]);
    const round = await traffic;
    stop = true;
    await sampling;
    const loop = await secondLoop;
    ctx.summary.push(
      `BENCH add_field failed=${round.errors + loop.failed} longest_lock_wait=${ms(longestLockWaitMs)} publish=${ms(publishMs)} served_after: engine 1 ${ms(first)}, engine 2 ${ms(other)} (no target)`,
      `       list traffic meanwhile: engine 1 ${round.requests} requests, p50 ${ms(round.p50)}, p99 ${ms(round.p99)}${round.firstError ? `, first error ${round.firstError}` : ''}; engine 2 ${loop.requests} requests`,
    );
  } finally {
    stop = true;
    await Promise.allSettled([sampling, secondLoop]);
    await sampler.end();
    await stopProcess(second);
    untrack();
  }
}

/** A field of each kind in turn: what a big tenant's objects hold. */
function coldField(i: number) {
  const types = ['text', 'number', 'date', 'checkbox', 'email'] as const;
  const type = types[i % types.length]!;
  return {
    apiName: `f${i}`,
    type: type === 'checkbox' ? 'boolean' : type,
    label: { en: `Field ${i}`, 'zh-CN': `字段 ${i}` },
  };
}

/**
 * BENCH cold_start: a tenant of COLD_OBJECTS objects × COLD_FIELDS fields made through the API in
 * a schema of its own; then a new engine process is booted on it: the time to its first healthy
 * answer, and its first runtime metadata and first list against the median of warm ones.
 */
export async function coldStartWorkload(ctx: WorkloadContext, admin: { email: string; password: string }) {
  const schema = `${ctx.schema}_cold`;
  const drop = async () => {
    const client = new pg.Client({ connectionString: ctx.databaseUrl });
    await client.connect();
    for (const s of [schema, `${schema}_jobs`]) await client.query(`drop schema if exists "${s}" cascade`);
    await client.end();
  };
  const untrack = ctx.closeOnExit(drop);
  let engine = await startProcess(ctx, schema, admin);
  try {
    const login = async (url: string) => {
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(admin),
      });
      const body = (await res.json()) as { token: string };
      return { authorization: `Bearer ${body.token}`, 'content-type': 'application/json' };
    };
    let headers = await login(engine.url);
    const t0 = performance.now();
    for (let o = 0; o < COLD_OBJECTS; o++) {
      const res = await fetch(`${engine.url}/api/v1/meta/objects`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          apiName: `cold_${o}`,
          label: { en: `Cold ${o}`, 'zh-CN': `冷 ${o}` },
          pluralLabel: { en: `Colds ${o}`, 'zh-CN': `冷 ${o}` },
          nameField: 'f0',
          fields: Array.from({ length: COLD_FIELDS }, (_, i) => coldField(i)),
        }),
      });
      if (res.status !== 201) throw new Error(`creating cold_${o} failed: ${res.status} ${await res.text()}`);
    }
    const published = await fetch(`${engine.url}/api/v1/meta/publish`, { method: 'POST', headers, body: '{}' });
    if (published.status !== 201) throw new Error(`publishing failed: ${await published.text()}`);
    log(
      `cold_start: ${COLD_OBJECTS} objects × ${COLD_FIELDS} fields saved and published in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    await stopProcess(engine);

    engine = await startProcess(ctx, schema, admin);
    headers = await login(engine.url);
    const listPath = `/api/v1/records/cold_${COLD_OBJECTS - 1}?limit=20`;
    const firstRuntime = await timed(engine.url, '/api/v1/meta/runtime', headers);
    const firstList = await timed(engine.url, listPath, headers);
    if (firstRuntime.status !== 200 || firstList.status !== 200)
      throw new Error(`cold requests failed: runtime ${firstRuntime.status}, list ${firstList.status}`);
    const warmRuntime: number[] = [];
    const warmList: number[] = [];
    for (let i = 0; i < WARM_REQUESTS; i++) {
      warmRuntime.push((await timed(engine.url, '/api/v1/meta/runtime', headers)).ms);
      warmList.push((await timed(engine.url, listPath, headers)).ms);
    }
    ctx.summary.push(
      `BENCH cold_start boot=${ms(engine.bootMs)} first_runtime=${ms(firstRuntime.ms)} warm_runtime=${ms(median(warmRuntime))} first_list=${ms(firstList.ms)} warm_list=${ms(median(warmList))} (${COLD_OBJECTS} objects × ${COLD_FIELDS} fields; no target)`,
    );
  } finally {
    await stopProcess(engine);
    await drop();
    untrack();
  }
}
