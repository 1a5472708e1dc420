import http from 'node:http';
import { percentile } from './workload.js';

/**
 * A mixed records workload at a fixed rate (an open loop): lists, gets, creates and updates of
 * `account`, sent on a schedule whatever the answers' pace, so a slow or restarting server shows
 * as latency and failures, not as a load that politely waited. Shared by the soak
 * (bench/soak.ts) and the load-balanced example (examples/scale-out/load.ts). Every request that
 * is not answered with its expected status counts as failed: a create is never retried here, so
 * one lost while an engine restarts is counted, not hidden.
 */

export type Op = 'list' | 'get' | 'create' | 'update';

export interface Window {
  requests: number;
  failed: number;
  latencies: number[];
  byOp: Record<Op, number>;
  /** The first few failures, for the report. */
  failures: string[];
}

export interface MixedOptions {
  url: string;
  token: string;
  /** Requests per second. */
  rate: number;
  durationMs: number;
  /** Shares of each operation; they need not add up to 1. */
  mix: Partial<Record<Op, number>>;
  /** Record name prefix, so a run's creates can be told apart. */
  prefix: string;
  /** At most this many unanswered; a request due while they are waits (and counts as behind). */
  maxInFlight?: number;
}

const emptyWindow = (): Window => ({
  requests: 0,
  failed: 0,
  latencies: [],
  byOp: { list: 0, get: 0, create: 0, update: 0 },
  failures: [],
});

export interface Summary {
  requests: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

export function summarize(w: Window): Summary {
  const sorted = Float64Array.from(w.latencies).sort();
  return {
    requests: w.requests,
    failed: w.failed,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted.length ? sorted[sorted.length - 1]! : NaN,
  };
}

/** One request over a keep-alive agent; resolves with the status and the parsed JSON body (or the text). */
export function send(
  agent: http.Agent,
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: any }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        hostname,
        port,
        method,
        path,
        headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
        res.on('error', reject);
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as idle just as it was reused: the request never
      // reached the server, so a GET goes again on a new socket (what browsers do, and Node's
      // documented pattern). Anything else, and any write, stays an error.
      if (method === 'GET' && req.reusedSocket && e.code === 'ECONNRESET')
        send(agent, base, method, path, headers, body).then(resolve, reject);
      else reject(e);
    });
    req.end(body);
  });
}

export async function login(url: string, email: string, password: string): Promise<string> {
  const agent = new http.Agent();
  const res = await send(
    agent,
    url,
    'POST',
    '/api/v1/auth/login',
    { 'content-type': 'application/json' },
    JSON.stringify({ email, password }),
  );
  agent.destroy();
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

/** Adds a text field to `account` and publishes it: what an admin does in the studio. */
export async function publishField(url: string, token: string, apiName: string): Promise<number> {
  const agent = new http.Agent();
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const t0 = performance.now();
  try {
    const got = await send(agent, url, 'GET', '/api/v1/meta/objects/account', headers);
    if (got.status !== 200) throw new Error(`read account: ${got.status}`);
    got.body.fields.push({ apiName, type: 'text', label: { en: apiName, 'zh-CN': apiName } });
    const put = await send(agent, url, 'PUT', '/api/v1/meta/objects/account', headers, JSON.stringify(got.body));
    if (put.status !== 200) throw new Error(`save account: ${put.status} ${JSON.stringify(put.body)}`);
    const pub = await send(agent, url, 'POST', '/api/v1/meta/publish', headers, '{}');
    if (pub.status !== 201) throw new Error(`publish: ${pub.status} ${JSON.stringify(pub.body)}`);
    return performance.now() - t0;
  } finally {
    agent.destroy();
  }
}

/**
 * Runs the mix at `rate` for `durationMs`. `take()` hands over the requests answered since the
 * last call (for reports over time); `done` resolves once every request sent has been answered.
 */
export function runMixed(options: MixedOptions): { done: Promise<Window>; take: () => Window } {
  const maxInFlight = options.maxInFlight ?? 256;
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
  const ops = (Object.entries(options.mix) as [Op, number][]).filter(([, w]) => w > 0);
  const total = ops.reduce((s, [, w]) => s + w, 0);
  // Records a get or update visits: the run's own creates, the latest thousand.
  const ids: string[] = [];
  let window = emptyWindow();
  const all = emptyWindow();
  const inFlight = new Set<Promise<void>>();

  const pick = (n: number): Op => {
    // A fixed stride through [0, total): the mix holds in every short window, not just on average.
    let x = ((n * 0.6180339887) % 1) * total;
    for (const [op, w] of ops) {
      if (x < w) return op;
      x -= w;
    }
    return ops[ops.length - 1]![0];
  };

  const one = async (n: number) => {
    let op = pick(n);
    if ((op === 'get' || op === 'update') && ids.length === 0) op = 'create';
    const id = ids[n % Math.max(ids.length, 1)];
    const [method, path, body, expect] =
      op === 'list'
        ? ['GET', '/api/v1/records/account?limit=20&sort=-created_at', undefined, 200]
        : op === 'get'
          ? ['GET', `/api/v1/records/account/${id}`, undefined, 200]
          : op === 'create'
            ? ['POST', '/api/v1/records/account', JSON.stringify({ name: `${options.prefix} ${n}` }), 201]
            : ['PATCH', `/api/v1/records/account/${id}`, JSON.stringify({ website: `https://u${n}.test` }), 200];
    const t0 = performance.now();
    let failure: string | undefined;
    try {
      const res = await send(agent, options.url, method, path, headers, body);
      if (res.status !== expect) failure = `${op} ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
      else if (op === 'create') {
        ids.push(res.body.id);
        if (ids.length > 1000) ids.shift();
      }
    } catch (e) {
      failure = `${op} ${e instanceof Error ? e.message : String(e)}`;
    }
    const ms = performance.now() - t0;
    for (const w of [window, all]) {
      w.requests++;
      w.byOp[op]++;
      w.latencies.push(ms);
      if (failure) {
        w.failed++;
        if (w.failures.length < 5) w.failures.push(failure);
      }
    }
  };

  const done = (async () => {
    const interval = 1000 / options.rate;
    const started = performance.now();
    const count = Math.floor(options.durationMs / interval);
    for (let n = 0; n < count; n++) {
      const wait = started + n * interval - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
      const p = one(n).then(() => void inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
    agent.destroy();
    return all;
  })();

  return {
    done,
    take() {
      const w = window;
      window = emptyWindow();
      return w;
    },
  };
}

export const fmt = (s: Summary) =>
  `${s.requests} requests, ${s.failed} failed, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms, max ${s.max.toFixed(1)} ms`;
