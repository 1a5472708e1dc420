import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import knexFactory from 'knex';
import { fmt, login, publishField, runMixed, send, summarize, type Op } from './mixed.js';
import { startProcess, stopProcess } from './scale.js';
import { positiveEnv } from './workload.js';

/**
 * `npm run soak`: one `tessera start` process on a fresh schema of PostgreSQL, a short ramp to
 * find the highest rate it holds with p99 under 100 ms and no errors, then SOAK_SECONDS of a
 * mixed workload at that rate — lists, gets, creates, updates, a small CSV import every
 * SOAK_IMPORT_SECONDS and a new field published every minute — with each minute's p50, p99 and
 * errors, and the engine's resident memory at the start and the end. Exits 1 on any error or on
 * memory grown by more than 10%: what a leak or a slow degradation looks like before production
 * finds it. README.md, Soak.
 */

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const soakSeconds = positiveEnv('SOAK_SECONDS', 600);
// Long enough for a rate to meet a table it has grown, and a GC pause to be a small share.
const rampSeconds = positiveEnv('SOAK_RAMP_SECONDS', 30);
const reportSeconds = positiveEnv('SOAK_REPORT_SECONDS', 60);
const publishSeconds = positiveEnv('SOAK_PUBLISH_SECONDS', 60);
const importSeconds = positiveEnv('SOAK_IMPORT_SECONDS', 20);
const importRows = positiveEnv('SOAK_IMPORT_ROWS', 200);
const targetP99 = positiveEnv('SOAK_P99_MS', 100);
const REST_SECONDS = 20;
const SETTLE_SECONDS = 60;
const rates = (process.env.SOAK_RATES ?? '50,100,200,400,800,1600').split(',').map(Number);
const mix: Record<Op, number> = { list: 35, get: 30, create: 20, update: 15 };
const schema = `soak_${crypto.randomBytes(4).toString('hex')}`;
const admin = { email: 'admin@soak.test', password: `soak ${crypto.randomBytes(8).toString('hex')}` };

const log = (line: string) => console.log(`soak: ${line}`);
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;

/** The engine's resident memory, kB, as the kernel counts it. */
const rssKb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);

// Started here, before main(), so a signal during start-up still finds it to stop.
const engineStarting = startProcess({ databaseUrl }, schema, admin);
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  await engineStarting.then(stopProcess, () => undefined);
  const knex = knexFactory({ client: 'pg', connection: databaseUrl, pool: { min: 0, max: 1 } });
  for (const s of [schema, `${schema}_jobs`]) await knex.raw('drop schema if exists ?? cascade', [s]);
  await knex.destroy();
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => void cleanup().finally(() => process.exit(130)));

/**
 * The engine's RSS after REST_SECONDS without requests: V8 runs its idle-time collections and
 * gives back what the last requests left. The lowest of the samples taken meanwhile.
 */
async function rssAtRest(pid: number): Promise<number> {
  let lowest = Infinity;
  for (let i = 0; i < REST_SECONDS; i++) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    lowest = Math.min(lowest, rssKb(pid));
  }
  return lowest;
}

async function main(): Promise<number> {
  const engine = await engineStarting;
  const { url } = engine;
  const pid = engine.child.pid!;
  const token = await login(url, admin.email, admin.password);
  log(`engine pid ${pid} on ${url}, schema ${schema}`);

  // The ramp: each rate for rampSeconds; the highest that held p99 under the target, no errors.
  // A first round at the lowest rate warms the engine up (JIT, pools, caches) and is not judged;
  // a rate that misses gets a second try, as one stall of a few hundred ms (a GC, another
  // process on the machine) is already 1% of a short round.
  const run = (r: number, seconds: number, prefix: string) =>
    runMixed({ url, token, rate: r, durationMs: seconds * 1000, mix, prefix }).done.then(summarize);
  const step = (r: number) => run(r, rampSeconds, `Ramp ${r}`);
  log(`warm-up ${rates[0]} req/s: ${fmt(await step(rates[0]!))}`);
  let rate = 0;
  for (const r of rates) {
    let held = false;
    for (let attempt = 0; attempt < 2 && !held; attempt++) {
      const s = await step(r);
      held = s.failed === 0 && s.p99 < targetP99;
      log(`ramp ${String(r).padStart(5)} req/s: ${fmt(s)}${held ? '' : '  <- not held'}`);
    }
    if (!held) break;
    rate = r;
  }
  if (rate === 0) throw new Error(`not even ${rates[0]} req/s held p99 under ${targetP99} ms`);

  // Memory is read at rest, the same way at both ends: under load the heap holds whatever the
  // requests in flight hold and V8 collects lazily, so RSS then tracks the load, not a leak.
  // The same state at both ends: a minute at the soak's rate, then rest (the ramp's last rates
  // ran the engine harder than the soak will, and left it holding more).
  log(`settling at ${rate} req/s for ${SETTLE_SECONDS} s: ${fmt(await run(rate, SETTLE_SECONDS, 'Settle'))}`);
  const rssStart = await rssAtRest(pid);
  log(`soak at ${rate} req/s for ${soakSeconds} s; engine RSS at start (at rest) ${mb(rssStart)}`);
  const load = runMixed({ url, token, rate, durationMs: soakSeconds * 1000, mix, prefix: 'Soak' });
  let errors = 0;
  const started = performance.now();
  const t = () => `t=${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;

  const report = setInterval(() => {
    const w = load.take();
    errors += w.failed;
    log(`${t()}  ${fmt(summarize(w))}  RSS ${mb(rssKb(pid))}${w.failures.length ? `  first: ${w.failures[0]}` : ''}`);
  }, reportSeconds * 1000);

  // Publishes and imports still running when the load ends are waited for, then counted.
  const pending = new Set<Promise<unknown>>();
  const track = (p: Promise<unknown>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  let published = 0;
  const publisher = setInterval(() => {
    const field = `soak_${++published}`;
    track(
      publishField(url, token, field).then(
        (ms) => log(`${t()}  published account.${field} in ${ms.toFixed(0)} ms`),
        (e: unknown) => {
          errors++;
          log(`${t()}  publish failed: ${String(e)}`);
        },
      ),
    );
  }, publishSeconds * 1000);

  let imported = 0;
  const agent = new http.Agent({ keepAlive: true });
  const headers = { authorization: `Bearer ${token}` };
  const importOnce = async () => {
    const n = ++imported;
    const csv = [
      'name,website',
      ...Array.from({ length: importRows }, (_, i) => `Imported ${n}-${i},https://i${i}.test`),
    ];
    const res = await send(
      agent,
      url,
      'POST',
      '/api/v1/records/account/import',
      { ...headers, 'content-type': 'text/csv' },
      csv.join('\n'),
    );
    if (res.status !== 202) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const job = await send(agent, url, 'GET', `/api/v1/imports/${res.body.id}`, headers);
      if (job.body.status === 'completed') return;
      if (job.status !== 200 || job.body.status === 'failed')
        throw new Error(`${job.status} ${JSON.stringify(job.body)}`);
    }
  };
  const importer = setInterval(
    () =>
      track(
        importOnce().catch((e: unknown) => {
          errors++;
          log(`${t()}  import ${imported} failed: ${String(e)}`);
        }),
      ),
    importSeconds * 1000,
  );

  const all = await load.done;
  clearInterval(report);
  clearInterval(publisher);
  clearInterval(importer);
  await Promise.all(pending);
  const rest = load.take();
  errors += rest.failed;
  if (rest.requests) log(`${t()}  ${fmt(summarize(rest))}`);
  agent.destroy();

  const rssEnd = await rssAtRest(pid);
  const growth = (rssEnd - rssStart) / rssStart;
  const total = summarize(all);
  log(`total ${fmt(total)}; ${published} publishes, ${imported} imports of ${importRows} rows`);
  log(
    `errors ${errors}; engine RSS at rest ${mb(rssStart)} at start, ${mb(rssEnd)} at end (${(growth * 100).toFixed(1)}%)`,
  );
  if (errors > 0) log(`FAIL: ${errors} errors${all.failures.length ? ` (${all.failures.join(' | ')})` : ''}`);
  if (growth > 0.1) log('FAIL: the engine grew by more than 10%');
  return errors === 0 && growth <= 0.1 ? 0 : 1;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(e);
} finally {
  await cleanup();
}
process.exit(code);
