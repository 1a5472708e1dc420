import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { startEngine, type Engine } from '../src/engine.js';
import { startBaseline, type Baseline } from './baseline-server.js';
import { LoadGenerator, type LoadTarget, type RoundResult } from './load.js';
import { profileCpu } from './profile.js';
import { createDealObject, createIndexes, INDEXES, seedDeals } from './seed.js';

/**
 * `npm run bench`: Tessera's records API against a hand-written express + pg server on the same
 * PostgreSQL table, for a filtered, sorted list and for a create. See README.md.
 */

const env = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
};
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROWS = Math.round(env('BENCH_ROWS', 1_000_000));
const ROUNDS = Math.round(env('BENCH_ROUNDS', 5));
const ROUND_MS = env('BENCH_SECONDS', 5) * 1000;
const WARMUP_MS = env('BENCH_WARMUP_SECONDS', 3) * 1000;
const CONCURRENCY = Math.round(env('BENCH_CONCURRENCY', 16));
const POOL_MAX = 10; // Tessera's knex pool on PostgreSQL (db/connect.ts)
const TIME_LIMIT_MS = 20 * 60_000;
const TARGETS = { list: 0.9, create: 0.7 } as const;

const SCHEMA = `bench_${crypto.randomBytes(5).toString('hex')}`;
const ADMIN = { email: 'bench@example.test', password: crypto.randomBytes(18).toString('base64url') };

// The list workload: two filters, sorted by amount descending, one page of 50.
const LIST_STAGES = ['proposal', 'negotiation', 'commit'];
const LIST_MIN_AMOUNT = 50_000;
const LIST_FILTER = JSON.stringify({ and: [{ stage: { in: LIST_STAGES } }, { amount: { gte: LIST_MIN_AMOUNT } }] });
const TESSERA_LIST = `/api/v1/records/deal?filter=${encodeURIComponent(LIST_FILTER)}&sort=-amount&limit=50`;
const BASELINE_LIST = `/list?stages=${LIST_STAGES.join(',')}&minAmount=${LIST_MIN_AMOUNT}&limit=50`;
// The create workload: a won deal, so both validation rules are evaluated and pass.
const CREATE_BODY = JSON.stringify({ name: 'Bench deal', stage: 'won', amount: 12_345.5, close_date: '2026-03-31', region: 'emea' });

const log = (line: string) => console.log(line);
const ms = (n: number) => `${n.toFixed(2)} ms`;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

let engine: Engine | undefined;
let baseline: Baseline | undefined;
let loader: LoadGenerator | undefined;
let cleaning: Promise<void> | undefined;

/** Stops everything this run started and drops its schema; safe to call twice. */
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    loader?.stop();
    await baseline?.close().catch((e) => console.error('closing the baseline:', e));
    await engine?.close().catch((e) => console.error('closing the engine:', e));
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    try {
      await admin.connect();
      await admin.query(`drop schema if exists "${SCHEMA}" cascade`);
      log(`dropped schema ${SCHEMA}`);
    } catch (e) {
      console.error(`could not drop schema ${SCHEMA}:`, e);
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
  log(`bench: ${ROWS.toLocaleString('en')} rows, ${ROUNDS} rounds × ${ROUND_MS / 1000} s per side and workload, concurrency ${CONCURRENCY}, pool ${POOL_MAX}, schema ${SCHEMA}`);

  // 1. Tessera, in this process, exactly as `npm start` wires it.
  engine = await startEngine({
    port: 0, host: '127.0.0.1', schema: SCHEMA, sessionHours: 2, installCore: true,
    adminEmail: ADMIN.email, adminPassword: ADMIN.password, database: { databaseUrl: DATABASE_URL, poolMax: POOL_MAX },
  });
  const tessera = engine.url;
  const login = await request(tessera, 'POST', '/api/v1/auth/login', { 'content-type': 'application/json' }, JSON.stringify(ADMIN));
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  const authorization = `Bearer ${login.body.token}`;
  const ownerId: string = login.body.user.id;
  const api = (method: string, path: string, body?: unknown) =>
    request(tessera, method, path, { authorization, 'content-type': 'application/json' }, body === undefined ? undefined : JSON.stringify(body));

  // 2. The custom object, through the metadata API.
  await createDealObject(api);
  log('created and published the object "deal" (5 fields, 2 validation rules)');

  // 3. Rows straight into its table, then the indexes both sides share.
  const admin = new pg.Client({ connectionString: DATABASE_URL, statement_timeout: 10 * 60_000 });
  await admin.connect();
  try {
    let t0 = performance.now();
    await seedDeals(admin, SCHEMA, ROWS, ownerId);
    log(`seeded ${ROWS.toLocaleString('en')} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    t0 = performance.now();
    await createIndexes(admin, SCHEMA);
    log(`indexes ${INDEXES.map(([, cols]) => cols).join(', ')} + vacuum analyze in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await admin.end();
  }

  // 4. The hand-written server, on the same database, pool size and indexes.
  baseline = await startBaseline({ databaseUrl: DATABASE_URL, schema: SCHEMA, authorization, poolMax: POOL_MAX, ownerId });

  // 5a. Both sides must give the same answer before their speed means anything.
  const tList = await api('GET', TESSERA_LIST);
  const bList = await request(baseline.url, 'GET', BASELINE_LIST, { authorization });
  if (tList.status !== 200 || bList.status !== 200) throw new Error(`list failed: tessera ${tList.status} ${JSON.stringify(tList.body)}; baseline ${bList.status}`);
  const listDiff = differences(tList.body, bList.body);
  if (listDiff.length) {
    console.error(`the list answers differ:\n  ${listDiff.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  log(`list answers are identical (${tList.body.data.length} records, nextCursor ${tList.body.nextCursor ? 'set' : 'null'})`);
  const tCreate = await api('POST', '/api/v1/records/deal', JSON.parse(CREATE_BODY));
  const bCreate = await request(baseline.url, 'POST', '/create', { authorization, 'content-type': 'application/json' }, CREATE_BODY);
  const comparable = (r: Record<string, unknown>) => ({ ...r, id: typeof r.id, created_at: typeof r.created_at, updated_at: typeof r.updated_at });
  const createDiff = tCreate.status === 201 && bCreate.status === 201 ? differences(comparable(tCreate.body), comparable(bCreate.body)) : [`status: tessera ${tCreate.status} vs baseline ${bCreate.status}`];
  if (createDiff.length) {
    console.error(`the create answers differ (ids and timestamps aside):\n  ${createDiff.join('\n  ')}`);
    process.exitCode = 1;
    return;
  }
  log('create answers have the same shape and values (ids and timestamps aside)');

  // 5b. What each Tessera request costs in SQL statements, and the list plan.
  const statements: { sql: string; bindings: unknown[] }[] = [];
  const onQuery = (q: { sql: string; bindings?: unknown[] }) => statements.push({ sql: q.sql, bindings: q.bindings ?? [] });
  engine.db.knex.on('query', onQuery);
  await api('GET', TESSERA_LIST);
  const listStatements = statements.splice(0);
  await api('POST', '/api/v1/records/deal', JSON.parse(CREATE_BODY));
  const createStatements = statements.splice(0);
  engine.db.knex.off('query', onQuery);
  log(`SQL statements per request — tessera list: ${listStatements.length}, create: ${createStatements.length} (${createStatements.map((s) => s.sql.split(' ')[0]).join(', ')}); baseline: 1 and 1`);
  const listQuery = listStatements.find((s) => s.sql.includes('."deal"'));
  if (listQuery) {
    const { rows } = await engine.db.knex.raw(`explain (analyze, costs off) ${listQuery.sql.replace(/\$\d+/g, '?')}`, listQuery.bindings as any[]);
    const plan = rows.map((r: Record<string, string>) => r['QUERY PLAN']);
    log(`tessera list plan: ${plan.filter((l: string) => /Scan|Sort|Limit|Execution/.test(l)).map((l: string) => l.trim()).join(' | ')}`);
  }

  // 6. Load: warm-up, then rounds alternating sides, medians of each.
  loader = LoadGenerator.start();
  const tHeaders = { authorization, accept: 'application/json' };
  const workloads: { name: 'list' | 'create'; tessera: LoadTarget; baseline: LoadTarget }[] = [
    {
      name: 'list',
      tessera: { url: tessera, method: 'GET', path: TESSERA_LIST, headers: tHeaders, expectStatus: 200 },
      baseline: { url: baseline.url, method: 'GET', path: BASELINE_LIST, headers: tHeaders, expectStatus: 200 },
    },
    {
      name: 'create',
      tessera: { url: tessera, method: 'POST', path: '/api/v1/records/deal', headers: { ...tHeaders, 'content-type': 'application/json' }, body: CREATE_BODY, expectStatus: 201 },
      baseline: { url: baseline.url, method: 'POST', path: '/create', headers: { ...tHeaders, 'content-type': 'application/json' }, body: CREATE_BODY, expectStatus: 201 },
    },
  ];
  const summary: string[] = [];
  for (const w of workloads) {
    const results: Record<'tessera' | 'baseline', RoundResult[]> = { tessera: [], baseline: [] };
    const round = async (side: 'tessera' | 'baseline', durationMs: number) => {
      const r = await loader!.run(w[side], CONCURRENCY, durationMs);
      if (r.errors) throw new Error(`${w.name} ${side}: ${r.errors} of ${r.requests} requests failed, first: ${r.firstError}`);
      return r;
    };
    await round('tessera', WARMUP_MS);
    await round('baseline', WARMUP_MS);
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate who goes first, so neither side always follows the other's writes or cache state.
      for (const side of i % 2 ? (['baseline', 'tessera'] as const) : (['tessera', 'baseline'] as const)) {
        const r = await round(side, ROUND_MS);
        results[side].push(r);
        log(`  ${w.name} round ${i + 1} ${side.padEnd(8)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(r.p50)}  p99 ${ms(r.p99)}`);
      }
    }
    const med = (side: 'tessera' | 'baseline') => ({
      rps: median(results[side].map((r) => r.rps)), p50: median(results[side].map((r) => r.p50)), p99: median(results[side].map((r) => r.p99)),
    });
    const t = med('tessera');
    const b = med('baseline');
    const ratio = t.rps / b.rps;
    const pairs = results.tessera.map((r, i) => r.rps / results.baseline[i]!.rps);
    const target = TARGETS[w.name];
    summary.push(
      `${w.name.padEnd(6)} tessera  ${t.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(t.p50)}  p99 ${ms(t.p99)}`,
      `${w.name.padEnd(6)} baseline ${b.rps.toFixed(0).padStart(6)} req/s  p50 ${ms(b.p50)}  p99 ${ms(b.p99)}`,
      `BENCH ${w.name} ratio=${ratio.toFixed(3)} (target >= ${target}: ${ratio >= target ? 'met' : 'NOT met'})`,
      // Rounds run back to back in pairs, so a pair's ratio is less exposed to other load on the machine.
      `       per-round-pair ratios ${pairs.map((r) => r.toFixed(2)).join(', ')}; their median ${median(pairs).toFixed(3)}`,
    );
  }

  // Optional: where each server's CPU goes, one more round per side and workload under the profiler.
  if (process.env.BENCH_PROFILE) {
    for (const w of workloads) {
      for (const side of ['tessera', 'baseline'] as const) {
        const { result, busySeconds, report } = await profileCpu(() => loader!.run(w[side], CONCURRENCY, ROUND_MS));
        log(`profile: ${w.name} ${side}, ${result.rps.toFixed(0)} req/s under the profiler, ${((1000 * busySeconds) / result.requests).toFixed(2)} ms of server CPU per request\n${report}`);
      }
    }
  }

  log(`\nmedians of ${ROUNDS} rounds, ${ROWS.toLocaleString('en')} rows, concurrency ${CONCURRENCY}:`);
  for (const line of summary) log(line);
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
