import { fmt, login, publishField, runMixed, summarize, type Window } from '../../engine/bench/mixed.js';

/**
 * The load test of the scale-out example: a fixed rate of lists, gets and creates through nginx
 * for LOAD_SECONDS, with a field published halfway (run.sh restarts an engine before that). A
 * request counts as failed unless it gets its expected status; nginx retries only what it may
 * (idempotent requests, and any request it could not hand to an engine at all), so a create lost
 * in the restart shows here. Exits 1 on any failure.
 *
 *   LB_URL=http://127.0.0.1:18080 TESSERA_ADMIN_EMAIL=… TESSERA_ADMIN_PASSWORD=… npx tsx examples/scale-out/load.ts
 */

const env = (name: string, fallback?: string) => {
  const v = process.env[name] ?? fallback;
  if (v === undefined) throw new Error(`set ${name}`);
  return v;
};
const url = env('LB_URL', 'http://127.0.0.1:18080');
const seconds = Number(env('LOAD_SECONDS', '300'));
const rate = Number(env('LOAD_RATE', '100'));
const reportEvery = Number(env('LOAD_REPORT_SECONDS', '10'));
const publishAt = Number(env('LOAD_PUBLISH_AT', String(seconds / 2)));

const token = await login(url, env('TESSERA_ADMIN_EMAIL'), env('TESSERA_ADMIN_PASSWORD'));
const prefix = `Balanced ${Date.now()}`;
console.log(`load: ${rate} req/s of list 50% / get 30% / create 20% through ${url} for ${seconds} s`);
const load = runMixed({ url, token, rate, durationMs: seconds * 1000, mix: { list: 5, get: 3, create: 2 }, prefix });

const started = performance.now();
const elapsed = () => ((performance.now() - started) / 1000).toFixed(0).padStart(4);
const report = (w: Window) =>
  console.log(`load: t=${elapsed()} s  ${fmt(summarize(w))}${w.failures.length ? `  first: ${w.failures[0]}` : ''}`);
const ticker = setInterval(() => report(load.take()), reportEvery * 1000);

// The publish, and proof that both engines serve the new field at once: consecutive creates
// through nginx land on both (round robin), each must echo the value back.
const field = `lb_${Date.now().toString(36)}`;
const publish = new Promise<void>((resolve, reject) =>
  setTimeout(() => {
    publishField(url, token, field).then(async (ms) => {
      console.log(`load: t=${elapsed()} s  published account.${field} in ${ms.toFixed(0)} ms`);
      for (let i = 0; i < 4; i++) {
        const res = await fetch(`${url}/api/v1/records/account`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name: `${prefix} field ${i}`, [field]: 'yes' }),
        });
        const body = (await res.json()) as Record<string, unknown>;
        if (res.status !== 201 || body[field] !== 'yes')
          throw new Error(`create with the new field right after the publish: ${res.status} ${JSON.stringify(body)}`);
      }
      console.log(`load: t=${elapsed()} s  4 creates with the new field right after the publish: all kept it`);
      resolve();
    }, reject);
  }, publishAt * 1000),
);

const [all] = await Promise.all([load.done, publish]);
clearInterval(ticker);
report(load.take());
const total = summarize(all);
console.log(
  `load: total ${fmt(total)} (list ${all.byOp.list}, get ${all.byOp.get}, create ${all.byOp.create})` +
    `${all.failures.length ? `\nload: failures: ${all.failures.join(' | ')}` : ''}`,
);
console.log(`FAILED REQUESTS: ${total.failed}   p50 ${total.p50.toFixed(1)} ms   p99 ${total.p99.toFixed(1)} ms`);
process.exit(total.failed === 0 ? 0 : 1);
