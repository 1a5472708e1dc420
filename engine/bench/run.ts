import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { startEngine, type Engine } from '../src/engine.js';
import { createLogger } from '../src/lib/log.js';
import { listSql, startBaseline, type Baseline } from './baseline-server.js';
import { LoadGenerator, type LoadTarget, type RoundResult } from './load.js';
import {
  copySql,
  generateDeals,
  importedRows,
  resetTable,
  writeCopyCsv,
  writeTesseraCsv,
  type ImportResult,
} from './import.js';
import { postgresCpuSeconds, profileCpu } from './profile.js';
import { addFieldWorkload, coldStartWorkload } from './scale.js';
import { bigSortWorkload } from './big-sort.js';
import { webhookLatencyWorkload } from './webhook-latency.js';
import { workflowWorkload } from './workflow.js';
import { cpuText, log, median, ms, positiveEnv as env, type Api, type WorkloadContext } from './workload.js';
import {
  amountCurrency,
  assignOwner,
  createDealObject,
  createIndexes,
  DEAL_VIEW,
  INDEXES,
  indexesOn,
  publishDealView,
  seedDeals,
  VIEW_INDEX,
} from './seed.js';

/**
 * `npm run bench`: Tessera's records API against a hand-written express + pg server on the same
 * PostgreSQL table, for a filtered, sorted list and for a create; Tessera's create with a
 * workflow against without (workflow.ts); the commit → webhook delivery latency
 * (webhook-latency.ts); and Tessera's CSV import against a raw COPY of the same rows. See
 * README.md.
 */

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = Math.round(env('BENCH_ROWS', 1_000_000));
const ROUNDS = Math.round(env('BENCH_ROUNDS', 5));
const ROUND_MS = env('BENCH_SECONDS', 5) * 1000;
const WARMUP_MS = env('BENCH_WARMUP_SECONDS', 3) * 1000;
const CONCURRENCY = Math.round(env('BENCH_CONCURRENCY', 16));
const IMPORT_ROWS = Math.round(env('BENCH_IMPORT_ROWS', 100_000));
const IMPORT_ROUNDS = Math.round(env('BENCH_IMPORT_ROUNDS', 3));
const IMPORT_POLL_MS = 50;
const IMPORT_TIMEOUT_MS = 5 * 60_000; // one import, either side
const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
const WORKLOADS = new Set(
  (
    process.env.BENCH_WORKLOADS ??
    'list,list_private,create,get,update,workflow_overhead,workflow_after_save,webhook_latency,import,add_field,cold_start,big_sort'
  )
    .split(',')
    .map((w) => w.trim())
    .filter(Boolean),
);
const WORKLOAD_NAMES = [
  'list',
  'list_private',
  'create',
  'get',
  'update',
  'workflow_overhead',
  'workflow_after_save',
  'webhook_latency',
  'import',
  'add_field',
  'cold_start',
  'big_sort',
] as const;
type WorkloadName = (typeof WORKLOAD_NAMES)[number];
for (const w of WORKLOADS)
  if (!(WORKLOAD_NAMES as readonly string[]).includes(w))
    throw new Error(`BENCH_WORKLOADS: unknown workload "${w}" (${WORKLOAD_NAMES.join(', ')})`);
const POOL_MAX = 10; // Tessera's knex pool on PostgreSQL (db/connect.ts)
const TIME_LIMIT_MS = 40 * 60_000;
const TARGETS: Record<WorkloadName, number | undefined> = {
  list: 0.9,
  list_private: undefined,
  create: 0.7,
  get: 0.8,
  update: 0.7,
  workflow_overhead: 0.5,
  workflow_after_save: undefined,
  webhook_latency: undefined,
  import: 0.5,
  add_field: undefined,
  cold_start: undefined,
  big_sort: undefined,
};

const SCHEMA = `bench_${crypto.randomBytes(5).toString('hex')}`;
// Tessera's request log for the run, removed with the schema.
const LOG_FILE = path.join(os.tmpdir(), `tessera-${SCHEMA}.log`);
const ADMIN = { email: 'bench@example.test', password: crypto.randomBytes(18).toString('base64url') };

// The list workload: two filters, sorted by amount descending, one page of 50.
const LIST_STAGES = ['proposal', 'negotiation', 'commit'];
const LIST_MIN_AMOUNT = 50_000;
const LIST_FILTER = JSON.stringify({ and: [{ stage: { in: LIST_STAGES } }, { amount: { gte: LIST_MIN_AMOUNT } }] });
const TESSERA_LIST = `/api/v1/records/deal?filter=${encodeURIComponent(LIST_FILTER)}&sort=-amount&limit=50`;
const BASELINE_LIST = `/list?stages=${LIST_STAGES.join(',')}&minAmount=${LIST_MIN_AMOUNT}&limit=50`;
// The same list for a user who owns 1% of the deals and may see only those (private sharing).
const BASELINE_PRIVATE_LIST = BASELINE_LIST.replace('/list?', '/list_private?');
const REP = { email: 'rep@example.test', password: crypto.randomBytes(18).toString('base64url') };
// The create workload: a won deal, so both validation rules are evaluated and pass.
const CREATE_BODY = JSON.stringify({
  name: 'Bench deal',
  stage: 'won',
  amount: 12_345.5,
  close_date: '2026-03-31',
  region: 'emea',
});

// The get and update workloads visit these many deals in turn (the same ones on both sides), so
// concurrent updates do not queue on one row; updates rotate through three amounts.
const BY_ID_RECORDS = 10_000;
const UPDATE_BODIES = [1234.5, 2345.25, 3456].map((amount) => JSON.stringify({ amount }));

let engine: Engine | undefined;
let baseline: Baseline | undefined;
let loader: LoadGenerator | undefined;
let cleaning: Promise<void> | undefined;
let tmpDir: string | undefined;
let importDb: pg.Client | undefined;
// What the workloads in their own files hold open (connections, the webhook receiver), for cleanup.
const closers = new Set<() => Promise<unknown> | void>();

/** Stops everything this run started and drops its schemas; safe to call twice. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    loader?.stop();
    await baseline?.close().catch((e) => console.error('closing the baseline:', e));
    await engine?.close().catch((e) => console.error('closing the engine:', e));
    await importDb?.end().catch(() => {});
    for (const close of closers)
      await Promise.resolve()
        .then(close)
        .catch(() => {});
    await fs.promises.rm(LOG_FILE, { force: true });
    if (tmpDir)
      await fs.promises
        .rm(tmpDir, { recursive: true, force: true })
        .catch((e) => console.error(`removing ${tmpDir}:`, e));
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    try {
      await admin.connect();
      // The job queue's own schema (pg-boss, automation/queue.ts) too: it exists once a workflow ran.
      await admin.query(`drop schema if exists "${SCHEMA}" cascade`);
      await admin.query(`drop schema if exists "${SCHEMA}_jobs" cascade`);
      log(`dropped schemas ${SCHEMA} and ${SCHEMA}_jobs`);
    } catch (e) {
      console.error(`could not drop schemas ${SCHEMA} and ${SCHEMA}_jobs:`, e);
    } finally {
      await admin.end().catch(() => {});
    }
  })();
  return cleaning;
}

async function request(url: string, method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(url + path, { method, headers, body });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json as any };
}

/** Paths (up to 20) where two JSON values differ. */
function differences(a: unknown, b: unknown, path = '$', out: string[] = []): string[] {
  if (out.length >= 20 || isDeepStrictEqual(a, b)) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) differences((a as any)[k], (b as any)[k], `${path}.${k}`, out);
  } else {
    out.push(`${path}: tessera ${JSON.stringify(a)} vs baseline ${JSON.stringify(b)}`);
  }
  return out;
}

async function main() {
  log(
    `bench: ${ROWS.toLocaleString('en')} rows, ${ROUNDS} rounds × ${ROUND_MS / 1000} s per side and workload, concurrency ${CONCURRENCY}, pool ${POOL_MAX}, schema ${SCHEMA}`,
  );
  if (WORKLOADS.has('import'))
    log(`import: ${IMPORT_ROWS.toLocaleString('en')} rows, ${IMPORT_ROUNDS} rounds per side`);

  // 1. Tessera, in this process, exactly as `npm start` wires it, logging each request as JSON
  // to a file as a production server would (not pretty lines to this terminal).
  engine = await startEngine({
    logger: await createLogger({ file: LOG_FILE }),
    port: 0,
    host: '127.0.0.1',
    schema: SCHEMA,
    sessionHours: 2,
    installCore: true,
    adminEmail: ADMIN.email,
    adminPassword: ADMIN.password,
    database: { databaseUrl: DATABASE_URL, poolMax: POOL_MAX },
    // No indexes beyond the ones both sides share: the baseline gets none either (big_sort
    // runs the advisor in processes of its own).
    indexes: { intervalMs: 0 },
  });
  const tessera = engine.url;
  const login = await request(
    tessera,
    'POST',
    '/api/v1/auth/login',
    { 'content-type': 'application/json' },
    JSON.stringify(ADMIN),
  );
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  const authorization = `Bearer ${login.body.token}`;
  const ownerId: string = login.body.user.id;
  const api: Api = (method, path, body) =>
    request(
      tessera,
      method,
      path,
      { authorization, 'content-type': 'application/json' },
      body === undefined ? undefined : JSON.stringify(body),
    );

  // 2. The custom object, through the metadata API.
  await createDealObject(api);
  log(
    'created and published the object "deal" (5 fields, 2 validation rules, private sharing) and the permission set deal_reader',
  );
  const repUser = await api('POST', '/api/v1/users', {
    ...REP,
    name: 'Bench rep',
    permissionSets: ['deal_reader', 'api_user'],
  });
  if (repUser.status !== 201) throw new Error(`creating the rep failed: ${JSON.stringify(repUser.body)}`);
  const repLogin = await request(
    tessera,
    'POST',
    '/api/v1/auth/login',
    { 'content-type': 'application/json' },
    JSON.stringify(REP),
  );
  if (repLogin.status !== 200) throw new Error(`rep login failed: ${JSON.stringify(repLogin.body)}`);
  const rep = { id: repUser.body.id as string, authorization: `Bearer ${repLogin.body.token}` };

  // 3. Rows straight into its table, then the indexes both sides share.
  let byIdDeals: string[] = [];
  const admin = new pg.Client({ connectionString: DATABASE_URL, statement_timeout: 10 * 60_000 });
  await admin.connect();
  try {
    let t0 = performance.now();
    await seedDeals(admin, SCHEMA, ROWS, ownerId);
    const owned = await assignOwner(admin, SCHEMA, rep.id);
    log(
      `seeded ${ROWS.toLocaleString('en')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; the rep owns ${owned.toLocaleString('en')} of them (${((100 * owned) / ROWS).toFixed(2)}%)`,
    );
    t0 = performance.now();
    await publishDealView(api);
    // The engine's index is the only one on these columns: the seed must not build it again.
    const viewIndexes = await indexesOn(admin, SCHEMA, VIEW_INDEX);
    if (viewIndexes.length !== 1)
      throw new Error(
        `expected one index on deal ${VIEW_INDEX} after publishing the list view, found ${viewIndexes.length}`,
      );
    log(
      `list view ${DEAL_VIEW.apiName} (sort ${DEAL_VIEW.sort}) published in ${((performance.now() - t0) / 1000).toFixed(1)} s; the engine built ${viewIndexes[0]} ${VIEW_INDEX} on the seeded rows`,
    );
    t0 = performance.now();
    await createIndexes(admin, SCHEMA);
    byIdDeals = (
      await admin.query<{ id: string }>(
        `select id from "${SCHEMA}".deal tablesample system (5) where deleted_at is null limit ${BY_ID_RECORDS}`,
      )
    ).rows.map((r) => r.id);
    log(
      `indexes ${INDEXES.map(([, cols]) => cols).join(', ')} + vacuum analyze in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  } finally {
    await admin.end();
  }

  // 4. The hand-written server, on the same database, pool size and indexes.
  baseline = await startBaseline({
    databaseUrl: DATABASE_URL,
    schema: SCHEMA,
    authorization,
    poolMax: POOL_MAX,
    ownerId,
    privateUser: rep,
  });

  // 5a. Both sides must give the same answer before their speed means anything.
  const tList = await api('GET', TESSERA_LIST);
  const bList = await request(baseline.url, 'GET', BASELINE_LIST, { authorization });
  if (tList.status !== 200 || bList.status !== 200)
    throw new Error(`list failed: tessera ${tList.status} ${JSON.stringify(tList.body)}; baseline ${bList.status}`);
  const listDiff = differences(tList.body, bList.body);
  if (listDiff.length) {
    console.error(`the list answers differ:\n  ${listDiff.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  log(
    `list answers are identical (${tList.body.data.length} records, nextCursor ${tList.body.nextCursor ? 'set' : 'null'})`,
  );
  const tPrivate = await request(tessera, 'GET', TESSERA_LIST, { authorization: rep.authorization });
  const bPrivate = await request(baseline.url, 'GET', BASELINE_PRIVATE_LIST, { authorization: rep.authorization });
  const privateDiff =
    tPrivate.status === 200 && bPrivate.status === 200
      ? differences(tPrivate.body, bPrivate.body)
      : [`status: tessera ${tPrivate.status} ${JSON.stringify(tPrivate.body)} vs baseline ${bPrivate.status}`];
  if (
    privateDiff.length ||
    !tPrivate.body.data.length ||
    tPrivate.body.data.some((d: { owner_id: string }) => d.owner_id !== rep.id)
  ) {
    console.error(`the private list answers differ or are not the rep's own:\n  ${privateDiff.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  log(`private list answers are identical (${tPrivate.body.data.length} records, all the rep's own)`);
  const tCreate = await api('POST', '/api/v1/records/deal', JSON.parse(CREATE_BODY));
  const bCreate = await request(
    baseline.url,
    'POST',
    '/create',
    { authorization, 'content-type': 'application/json' },
    CREATE_BODY,
  );
  const comparable = (r: Record<string, unknown>) => ({
    ...r,
    id: typeof r.id,
    created_at: typeof r.created_at,
    updated_at: typeof r.updated_at,
  });
  const createDiff =
    tCreate.status === 201 && bCreate.status === 201
      ? differences(comparable(tCreate.body), comparable(bCreate.body))
      : [`status: tessera ${tCreate.status} vs baseline ${bCreate.status}`];
  if (createDiff.length) {
    console.error(`the create answers differ (ids and timestamps aside):\n  ${createDiff.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  log('create answers have the same shape and values (ids and timestamps aside)');
  if ((WORKLOADS.has('get') || WORKLOADS.has('update')) && !byIdDeals.length)
    throw new Error('no deals sampled for the get and update workloads');
  const [firstDeal] = byIdDeals;
  if (firstDeal) {
    const tGet = await api('GET', `/api/v1/records/deal/${firstDeal}`);
    const bGet = await request(baseline.url, 'GET', `/get/${firstDeal}`, { authorization });
    const getDiff =
      tGet.status === 200 && bGet.status === 200
        ? differences(tGet.body, bGet.body)
        : [`status: tessera ${tGet.status} vs baseline ${bGet.status}`];
    const tUpdate = await api('PATCH', `/api/v1/records/deal/${firstDeal}`, JSON.parse(UPDATE_BODIES[0]!));
    const bUpdate = await request(
      baseline.url,
      'PATCH',
      `/update/${firstDeal}`,
      { authorization, 'content-type': 'application/json' },
      UPDATE_BODIES[0],
    );
    const updated = (r: Record<string, unknown>) => ({
      ...r,
      version: typeof r.version,
      updated_at: typeof r.updated_at,
    });
    const updateDiff =
      tUpdate.status === 200 && bUpdate.status === 200
        ? differences(updated(tUpdate.body), updated(bUpdate.body))
        : [`status: tessera ${tUpdate.status} ${JSON.stringify(tUpdate.body)} vs baseline ${bUpdate.status}`];
    if (getDiff.length || updateDiff.length || bUpdate.body.version !== tUpdate.body.version + 1) {
      console.error(`the get or update answers differ:\n  ${[...getDiff, ...updateDiff].join('\n  ')}`);
      process.exitCode = 1;
      return;
    }
    log(`get answers are identical; update answers too (version and updated_at aside), over ${byIdDeals.length} deals`);
  }

  // 5b. What each Tessera request costs in SQL statements, and the list plan.
  const statements: { sql: string; bindings: unknown[] }[] = [];
  const onQuery = (q: { sql: string; bindings?: unknown[] }) =>
    statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
  engine.db.knex.on('query', onQuery);
  await api('GET', TESSERA_LIST);
  const listStatements = statements.splice(0);
  await api('POST', '/api/v1/records/deal', JSON.parse(CREATE_BODY));
  const createStatements = statements.splice(0);
  await request(tessera, 'GET', TESSERA_LIST, { authorization: rep.authorization });
  const privateStatements = statements.splice(0);
  const byIdCounts: number[] = [];
  if (firstDeal) {
    await api('GET', `/api/v1/records/deal/${firstDeal}`);
    byIdCounts.push(statements.splice(0).length);
    await api('PATCH', `/api/v1/records/deal/${firstDeal}`, JSON.parse(UPDATE_BODIES[1]!));
    byIdCounts.push(statements.splice(0).length);
  }
  engine.db.knex.off('query', onQuery);
  log(
    `SQL statements per request — tessera list: ${listStatements.length}, create: ${createStatements.length} (${createStatements.map((s) => s.sql.split(' ')[0]).join(', ')})${byIdCounts.length ? `, get: ${byIdCounts[0]}, update: ${byIdCounts[1]}` : ''}; baseline: 1 each`,
  );
  for (const [what, run] of [
    ['list', listStatements],
    ['private list', privateStatements],
  ] as const) {
    const listQuery = run.find((s) => s.sql.includes('."deal"'));
    if (!listQuery) continue;
    if (process.env.BENCH_SHOW_SQL)
      log(`tessera ${what} statement: ${listQuery.sql}\n  bindings: ${JSON.stringify(listQuery.bindings)}`);
    const { rows } = await engine.db.knex.raw(
      `explain (analyze, costs off) ${listQuery.sql.replace(/\$\d+/g, '?')}`,
      listQuery.bindings as any[],
    );
    log(`tessera ${what} plan: ${planSummary(rows)}`);
  }

  // The hand-written statements' plans, which should read the same index the same way.
  const explainer = new pg.Client({ connectionString: DATABASE_URL });
  await explainer.connect();
  try {
    const withCurrency = (await amountCurrency(explainer, SCHEMA)) !== null;
    for (const [what, owned, values] of [
      ['list', false, [LIST_STAGES, LIST_MIN_AMOUNT, 50]],
      ['private list', true, [LIST_STAGES, LIST_MIN_AMOUNT, 50, rep.id]],
    ] as const) {
      const { rows } = await explainer.query(
        `explain (analyze, costs ${process.env.BENCH_SHOW_SQL ? 'on' : 'off'}) ${listSql(SCHEMA, withCurrency, owned)}`,
        [...values],
      );
      if (process.env.BENCH_SHOW_SQL) log(rows.map((r) => r['QUERY PLAN']).join('\n'));
      log(`baseline ${what} plan: ${planSummary(rows)}`);
    }
  } finally {
    await explainer.end();
  }

  // 6. Load: warm-up, then rounds alternating sides, medians of each.
  loader = LoadGenerator.start();
  const tHeaders = { authorization, accept: 'application/json' };
  const repHeaders = { authorization: rep.authorization, accept: 'application/json' };
  const tesseraCreate: LoadTarget = {
    url: tessera,
    method: 'POST',
    path: '/api/v1/records/deal',
    headers: { ...tHeaders, 'content-type': 'application/json' },
    body: CREATE_BODY,
    expectStatus: 201,
  };
  const allWorkloads: {
    name: Exclude<
      WorkloadName,
      | 'import'
      | 'workflow_overhead'
      | 'workflow_after_save'
      | 'webhook_latency'
      | 'add_field'
      | 'cold_start'
      | 'big_sort'
    >;
    tessera: LoadTarget;
    baseline: LoadTarget;
  }[] = [
    {
      name: 'list',
      tessera: { url: tessera, method: 'GET', path: TESSERA_LIST, headers: tHeaders, expectStatus: 200 },
      baseline: { url: baseline.url, method: 'GET', path: BASELINE_LIST, headers: tHeaders, expectStatus: 200 },
    },
    {
      name: 'list_private',
      tessera: { url: tessera, method: 'GET', path: TESSERA_LIST, headers: repHeaders, expectStatus: 200 },
      baseline: {
        url: baseline.url,
        method: 'GET',
        path: BASELINE_PRIVATE_LIST,
        headers: repHeaders,
        expectStatus: 200,
      },
    },
    {
      name: 'create',
      tessera: tesseraCreate,
      baseline: {
        url: baseline.url,
        method: 'POST',
        path: '/create',
        headers: { ...tHeaders, 'content-type': 'application/json' },
        body: CREATE_BODY,
        expectStatus: 201,
      },
    },
    {
      name: 'get',
      tessera: {
        url: tessera,
        method: 'GET',
        path: '',
        paths: byIdDeals.map((id) => `/api/v1/records/deal/${id}`),
        headers: tHeaders,
        expectStatus: 200,
      },
      baseline: {
        url: baseline.url,
        method: 'GET',
        path: '',
        paths: byIdDeals.map((id) => `/get/${id}`),
        headers: tHeaders,
        expectStatus: 200,
      },
    },
    {
      name: 'update',
      tessera: {
        url: tessera,
        method: 'PATCH',
        path: '',
        paths: byIdDeals.map((id) => `/api/v1/records/deal/${id}`),
        headers: { ...tHeaders, 'content-type': 'application/json' },
        bodies: UPDATE_BODIES,
        expectStatus: 200,
      },
      baseline: {
        url: baseline.url,
        method: 'PATCH',
        path: '',
        paths: byIdDeals.map((id) => `/update/${id}`),
        headers: { ...tHeaders, 'content-type': 'application/json' },
        bodies: UPDATE_BODIES,
        expectStatus: 200,
      },
    },
  ];
  const workloads = allWorkloads.filter((w) => WORKLOADS.has(w.name));
  const summary: string[] = [];
  const tesseraRps = new Map<string, number>();
  for (const w of workloads) {
    const results: Record<'tessera' | 'baseline', (RoundResult & { nodeMs: number; pgMs?: number })[]> = {
      tessera: [],
      baseline: [],
    };
    // Each round also counts the CPU the servers spent on it: this process (where only the
    // servers run) and PostgreSQL, per request. On a machine the sides share, the side that
    // spends less of both per request is the faster one, and these say which half differs.
    const round = async (side: 'tessera' | 'baseline', durationMs: number) => {
      const node0 = process.cpuUsage();
      const pg0 = await postgresCpuSeconds();
      const r = await loader!.run(w[side], CONCURRENCY, durationMs);
      const node = process.cpuUsage(node0);
      const pg1 = await postgresCpuSeconds();
      if (r.errors)
        throw new Error(`${w.name} ${side}: ${r.errors} of ${r.requests} requests failed, first: ${r.firstError}`);
      const nodeMs = (node.user + node.system) / 1000 / r.requests;
      // A backend that exits mid-round leaves the count until the postmaster has collected it.
      const pgMs = pg0 === undefined || pg1 === undefined || pg1 < pg0 ? undefined : ((pg1 - pg0) * 1000) / r.requests;
      return { ...r, nodeMs, pgMs };
    };
    await round('tessera', WARMUP_MS);
    await round('baseline', WARMUP_MS);
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate who goes first, so neither side always follows the other's writes or cache state.
      for (const side of i % 2 ? (['baseline', 'tessera'] as const) : (['tessera', 'baseline'] as const)) {
        const r = await round(side, ROUND_MS);
        results[side].push(r);
        log(
          `  ${w.name} round ${i + 1} ${side.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}  CPU per request: ${cpuText(r.nodeMs, r.pgMs)}`,
        );
      }
    }
    const med = (side: 'tessera' | 'baseline') => {
      const pgMs = results[side].map((r) => r.pgMs).filter((v) => v !== undefined);
      return {
        rps: median(results[side].map((r) => r.rps)),
        p50: median(results[side].map((r) => r.p50)),
        p99: median(results[side].map((r) => r.p99)),
        nodeMs: median(results[side].map((r) => r.nodeMs)),
        pgMs: pgMs.length ? median(pgMs) : undefined,
      };
    };
    const t = med('tessera');
    const b = med('baseline');
    const ratio = t.rps / b.rps;
    const pairs = results.tessera.map((r, i) => r.rps / results.baseline[i]!.rps);
    const target = TARGETS[w.name];
    tesseraRps.set(w.name, t.rps);
    // The rep against the admin, both on Tessera (issue #4: a user who sees 1% lists as fast as an admin).
    const repAdmin = w.name === 'list_private' && tesseraRps.has('list') ? t.rps / tesseraRps.get('list')! : undefined;
    const admin =
      repAdmin === undefined ? '' : `; the admin's unrestricted list: ${tesseraRps.get('list')!.toFixed(0)} req/s`;
    summary.push(
      `${w.name.padEnd(6)} tessera  ${t.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(t.p50)}  p99 ${ms(t.p99)}  CPU per request: ${cpuText(t.nodeMs, t.pgMs)}`,
      `${w.name.padEnd(6)} ${w.name === 'list_private' ? 'hand-written' : 'baseline'} ${b.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(b.p50)}  p99 ${ms(b.p99)}  CPU per request: ${cpuText(b.nodeMs, b.pgMs)}`,
      `BENCH ${w.name} ratio=${ratio.toFixed(3)}${repAdmin === undefined ? '' : ` rep/admin=${repAdmin.toFixed(3)}`} (${target === undefined ? `no target${admin}` : `target >= ${target}: ${ratio >= target ? 'met' : 'NOT met'}`})`,
      // Rounds run back to back in pairs, so a pair's ratio is less exposed to other load on the machine.
      `       per-round-pair ratios ${pairs.map((r) => r.toFixed(2)).join(', ')}; their median ${median(pairs).toFixed(3)}`,
    );
  }

  const ctx: WorkloadContext = {
    databaseUrl: DATABASE_URL,
    schema: SCHEMA,
    logFile: LOG_FILE,
    rounds: ROUNDS,
    roundMs: ROUND_MS,
    warmupMs: WARMUP_MS,
    concurrency: CONCURRENCY,
    loader,
    api,
    summary,
    closeOnExit(close) {
      closers.add(close);
      return () => void closers.delete(close);
    },
  };
  // 6b. Create with a workflow against without: the workflow before the save, then after it
  // (rounds last until their runs have finished).
  if (WORKLOADS.has('workflow_overhead'))
    await workflowWorkload(ctx, tesseraCreate, 'beforeSave', TARGETS.workflow_overhead);
  if (WORKLOADS.has('workflow_after_save'))
    await workflowWorkload(ctx, tesseraCreate, 'afterSave', TARGETS.workflow_after_save);
  // 6c. Commit → webhook delivery at steady rates; the workflow is deleted again at the end.
  if (WORKLOADS.has('webhook_latency')) await webhookLatencyWorkload(ctx, tesseraCreate);

  // 6d. Scale-out: a field added to the big object under list traffic on two engines; a cold boot
  // on a tenant of 200 objects.
  if (WORKLOADS.has('add_field'))
    await addFieldWorkload(
      ctx,
      { url: tessera, method: 'GET', path: TESSERA_LIST, headers: tHeaders, expectStatus: 200 },
      ADMIN,
    );
  if (WORKLOADS.has('cold_start')) await coldStartWorkload(ctx, ADMIN);
  if (WORKLOADS.has('big_sort')) await bigSortWorkload(ctx, ADMIN, ownerId);

  // 7. CSV import against COPY, whole files, fewer and longer rounds.
  let profileImport: (() => Promise<void>) | undefined;
  if (WORKLOADS.has('import')) {
    profileImport = await importWorkload(loader, tessera, authorization, ownerId, summary);
    if (!profileImport) return;
  }

  // Optional: where each server's CPU goes, one more round per side and workload under the profiler.
  if (process.env.BENCH_PROFILE) {
    for (const w of workloads) {
      for (const side of ['tessera', 'baseline'] as const) {
        const { result, busySeconds, report } = await profileCpu(
          () => loader!.run(w[side], CONCURRENCY, ROUND_MS),
          profileFile(w.name, side),
        );
        log(
          `profile: ${w.name} ${side}, ${result.rps.toFixed(0)} req/s under the profiler, ${((1000 * busySeconds) / result.requests).toFixed(2)} ms of server CPU per request\n${report}`,
        );
      }
    }
    await profileImport?.();
  }

  log(
    `\nmedians of ${ROUNDS} rounds${WORKLOADS.has('import') ? ` (import: ${IMPORT_ROUNDS} of ${IMPORT_ROWS.toLocaleString('en')} rows)` : ''}, ${ROWS.toLocaleString('en')} rows, concurrency ${CONCURRENCY}:`,
  );
  for (const line of summary) log(line);
}

/** An EXPLAIN's scans, sorts and limits with their conditions, on one line. */
const planSummary = (rows: Record<string, string>[]) =>
  rows
    .map((r) => r['QUERY PLAN']!)
    .filter((l) => /Scan|Sort|Limit|Execution|Cond|Filter/.test(l))
    .map((l) => l.trim())
    .join(' | ');

/** Where BENCH_PROFILE_DIR wants a profile saved, if it does. */
const profileFile = (workload: string, side: string) =>
  PROFILE_DIR ? path.join(PROFILE_DIR, `${workload}-${side}.cpuprofile`) : undefined;

const phaseText = (phases: { name: string; seconds: number }[]) =>
  phases.length ? ` (${phases.map((p) => `${p.name} ${p.seconds.toFixed(2)} s`).join(', ')})` : '';

/**
 * The import workload: the same deals as a CSV file, imported through Tessera (upload, job,
 * polls) or COPYed straight into the table. Before every round the imported rows are deleted and
 * the table vacuumed, so each round starts from the same table; after it, the rows written are
 * counted and digested, and must be exactly the file's, alike on both sides. Adds its lines to
 * `summary`; returns a function that profiles one more Tessera import (BENCH_PROFILE), or
 * undefined when the sides did not import alike (the run then exits 1).
 */
async function importWorkload(
  loader: LoadGenerator,
  tessera: string,
  authorization: string,
  ownerId: string,
  summary: string[],
): Promise<(() => Promise<void>) | undefined> {
  tmpDir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'tessera-bench-'));
  const tesseraFile = path.join(tmpDir, 'deals.csv');
  const copyFile = path.join(tmpDir, 'deals-copy.csv');
  const deals = generateDeals(IMPORT_ROWS);
  const bytes = await writeTesseraCsv(tesseraFile, deals);
  const db = new pg.Client({ connectionString: DATABASE_URL, statement_timeout: 10 * 60_000 });
  importDb = db;
  await db.connect();
  const currency = await amountCurrency(db, SCHEMA);
  log(
    `import file: ${IMPORT_ROWS.toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(1)} MB (name, stage, amount, close_date, region)`,
  );

  const tesseraTask = {
    kind: 'tessera',
    url: tessera,
    object: 'deal',
    authorization,
    file: tesseraFile,
    rows: IMPORT_ROWS,
    pollMs: IMPORT_POLL_MS,
    timeoutMs: IMPORT_TIMEOUT_MS,
  } as const;
  let startRows: number | undefined;
  let digest: string | undefined;
  let noCheckpoint = false;
  /** Resets the table, writes the baseline's file (fresh ids), then imports; none of that but the import is timed. */
  const prepare = async (side: 'tessera' | 'baseline') => {
    const reset = await resetTable(db, SCHEMA);
    if (!reset.checkpoint && !noCheckpoint) {
      noCheckpoint = true;
      log('import: CHECKPOINT refused (not a superuser or pg_checkpoint); rounds may pay for earlier WAL');
    }
    if (startRows !== undefined && reset.rows !== startRows)
      throw new Error(`import: the table has ${reset.rows} rows before a round, ${startRows} before the first`);
    startRows = reset.rows;
    if (side === 'tessera') return () => loader.importFile(tesseraTask);
    const { columns } = await writeCopyCsv(copyFile, deals, ownerId, currency);
    const task = {
      kind: 'copy',
      databaseUrl: DATABASE_URL,
      sql: copySql(SCHEMA, columns),
      file: copyFile,
      rows: IMPORT_ROWS,
      timeoutMs: IMPORT_TIMEOUT_MS,
    } as const;
    return () => loader.importFile(task);
  };
  /** Exactly the file's rows, once each, and the same values as every other round. */
  const check = async (side: 'tessera' | 'baseline') => {
    const written = await importedRows(db, SCHEMA, currency !== null);
    const { rows } = await db.query(`select count(*)::int as n from "${SCHEMA}".deal`);
    if (written.rows !== IMPORT_ROWS || rows[0].n !== startRows! + IMPORT_ROWS) {
      throw new Error(
        `import ${side}: ${written.rows} imported rows (table grew by ${rows[0].n - startRows!}), expected ${IMPORT_ROWS}`,
      );
    }
    digest ??= written.digest!;
    return written.digest === digest;
  };
  const round = async (side: 'tessera' | 'baseline') => {
    const run = await prepare(side);
    const r = await run();
    if (!(await check(side)))
      throw new Error(`import ${side}: the rows written differ from the first round's (ids and timestamps aside)`);
    return r;
  };

  // Warm-up, which also checks both sides write the same rows.
  const warmTessera = await round('tessera');
  const warm = await prepare('baseline').then((run) => run());
  if (!(await check('baseline'))) {
    console.error('the imported rows differ between tessera and COPY (ids and timestamps aside)');
    process.exitCode = 1;
    return undefined;
  }
  log(
    `imported rows are identical on both sides (ids and timestamps aside); warm-up tessera ${warmTessera.seconds.toFixed(2)} s${phaseText(warmTessera.phases)}, COPY ${warm.seconds.toFixed(2)} s`,
  );

  const results: Record<'tessera' | 'baseline', ImportResult[]> = { tessera: [], baseline: [] };
  for (let i = 0; i < IMPORT_ROUNDS; i++) {
    for (const side of i % 2 ? (['baseline', 'tessera'] as const) : (['tessera', 'baseline'] as const)) {
      const r = await round(side);
      results[side].push(r);
      log(
        `  import round ${i + 1} ${side.padEnd(8)} ${(r.rows / r.seconds).toFixed(0).padStart(7)} rows/s  ${r.seconds.toFixed(2).padStart(6)} s${phaseText(r.phases)}`,
      );
    }
  }
  const rowsPerSecond = (side: 'tessera' | 'baseline') => median(results[side].map((r) => r.rows / r.seconds));
  const seconds = (side: 'tessera' | 'baseline') => median(results[side].map((r) => r.seconds));
  const phases = results.tessera[0]!.phases.map((p, i) => ({
    name: p.name,
    seconds: median(results.tessera.map((r) => r.phases[i]!.seconds)),
  }));
  const ratio = rowsPerSecond('tessera') / rowsPerSecond('baseline');
  const pairs = results.tessera.map(
    (r, i) => r.rows / r.seconds / (results.baseline[i]!.rows / results.baseline[i]!.seconds),
  );
  summary.push(
    `import tessera  ${rowsPerSecond('tessera').toFixed(0).padStart(7)} rows/s  ${seconds('tessera').toFixed(2).padStart(6)} s${phaseText(phases)}`,
    `import baseline ${rowsPerSecond('baseline').toFixed(0).padStart(7)} rows/s  ${seconds('baseline').toFixed(2).padStart(6)} s (COPY)`,
    `BENCH import ratio=${ratio.toFixed(3)} (target >= ${TARGETS.import}: ${ratio >= TARGETS.import! ? 'met' : 'NOT met'})`,
    `       per-round-pair ratios ${pairs.map((r) => r.toFixed(2)).join(', ')}; their median ${median(pairs).toFixed(3)}`,
  );

  // One more import per side: Tessera's under the CPU profiler, and the PostgreSQL server's CPU for both.
  return async () => {
    const pgCpu = (before: number | undefined, after: number | undefined) =>
      before === undefined || after === undefined
        ? 'PostgreSQL CPU not readable from /proc'
        : `PostgreSQL CPU ${(after - before).toFixed(2)} s`;
    const tesseraRun = await prepare('tessera');
    const t0 = await postgresCpuSeconds();
    const { result, busySeconds, report } = await profileCpu(tesseraRun, profileFile('import', 'tessera'));
    const t1 = await postgresCpuSeconds();
    await check('tessera');
    log(
      `profile: import tessera, ${(result.rows / result.seconds).toFixed(0)} rows/s under the profiler, ${result.seconds.toFixed(2)} s${phaseText(result.phases)}; ${busySeconds.toFixed(2)} s of server CPU (${((1e6 * busySeconds) / result.rows).toFixed(1)} µs per row), ${pgCpu(t0, t1)}\n${report}`,
    );
    const copyRun = await prepare('baseline');
    const c0 = await postgresCpuSeconds();
    const copy = await copyRun();
    const c1 = await postgresCpuSeconds();
    await check('baseline');
    log(
      `profile: import baseline, ${(copy.rows / copy.seconds).toFixed(0)} rows/s, ${copy.seconds.toFixed(2)} s, ${pgCpu(c0, c1)}; COPY runs inside PostgreSQL, none of it in this process`,
    );
  };
}

const watchdog = setTimeout(() => {
  console.error(`bench: still running after ${TIME_LIMIT_MS / 60_000} min, stopping`);
  void cleanup().finally(() => process.exit(2));
}, TIME_LIMIT_MS);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`bench: ${signal}, stopping and dropping ${SCHEMA}`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (e) {
  console.error('bench failed:', e);
  process.exitCode = 1;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
