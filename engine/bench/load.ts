import { fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { runImport, type ImportResult, type ImportTask } from './import.js';
import { percentile } from './workload.js';

/**
 * The load generator. It runs in a child process of its own, so its CPU does not share an event
 * loop with the servers under test: a fixed number of workers, each sending one request at a
 * time over a keep-alive connection, for a fixed duration. Latency is measured from sending the
 * request to the last byte of the answer. It is also the client of the import workload: it
 * uploads the CSV file to Tessera and polls the job, or streams it into COPY (import.ts); and of
 * the webhook_latency workload, which sends at a steady rate instead (`pace`), so what it
 * measures is latency and not a queue the load itself built.
 */

export interface LoadTarget {
  /** Base URL, http://127.0.0.1:<port>. */
  url: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  /** Request n goes to paths[n % paths.length] when set (the records a get or update workload visits). */
  paths?: string[];
  headers: Record<string, string>;
  body?: string;
  /** Request n sends bodies[n % bodies.length] when set. */
  bodies?: string[];
  /** Any other status counts as an error. */
  expectStatus: number;
}

export interface RoundResult {
  requests: number;
  errors: number;
  /** First unexpected answer, for the report. */
  firstError?: string;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

interface RunMessage {
  target: LoadTarget;
  concurrency: number;
  durationMs: number;
  /** The round also ends once this many requests have been sent (the workflow rounds, whose runs must drain). */
  maxRequests?: number;
}
interface PaceMessage {
  target: LoadTarget;
  /** Requests per second, sent on a fixed schedule whatever the answers' pace (an open loop). */
  rate: number;
  durationMs: number;
  /** At most this many unanswered; a request due while they are waits, and counts in maxBehindMs. */
  maxInFlight: number;
}

/** One request of a paced round. Times are wall-clock milliseconds (performance.timeOrigin + now), with fractions. */
export interface PacedRequest {
  sentAt: number;
  answeredAt: number;
  status: number;
  /** The `id` of the JSON answer, when it has one: the created record's. */
  id?: string;
}

export interface PacedResult {
  requests: PacedRequest[];
  errors: number;
  firstError?: string;
  /** From the first request due to the last answer. */
  seconds: number;
  /** Requests sent per second, over the time they were due in. */
  sentRate: number;
  /** The latest any request left after its due time: above a few ms, the client or the server fell behind. */
  maxBehindMs: number;
}

type WorkerMessage =
  { kind: 'load'; run: RunMessage } | { kind: 'pace'; pace: PaceMessage } | { kind: 'import'; task: ImportTask };
type WorkerReply = { ok: true; result: unknown } | { ok: false; error: string };

/** One round: `concurrency` closed loops against one target until the time is up (or maxRequests are sent). */
async function runRound({ target, concurrency, durationMs, maxRequests }: RunMessage): Promise<RoundResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const { hostname, port } = new URL(target.url);
  let sent = 0;
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = started + durationMs;

  const once = () =>
    new Promise<void>((resolve) => {
      const n = sent++;
      const path = target.paths ? target.paths[n % target.paths.length]! : target.path;
      const body = target.bodies ? target.bodies[n % target.bodies.length]! : target.body;
      const headers = {
        ...target.headers,
        ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      };
      const t0 = performance.now();
      const req = http.request({ agent, hostname, port, method: target.method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          latencies.push(performance.now() - t0);
          if (res.statusCode !== target.expectStatus) {
            errors++;
            firstError ??= `${res.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`;
          }
          resolve();
        });
      });
      req.on('error', (e) => {
        errors++;
        firstError ??= String(e);
        resolve();
      });
      req.end(body);
    });

  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && (maxRequests === undefined || sent < maxRequests)) await once();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    firstError,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
  };
}

/** The wall clock with sub-millisecond resolution; comparable across this machine's processes. */
const wallMs = () => performance.timeOrigin + performance.now();

/** One paced round: request n leaves at start + n / rate, answered or not, up to maxInFlight unanswered. */
async function runPaced({ target, rate, durationMs, maxInFlight }: PaceMessage): Promise<PacedResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight });
  const { hostname, port } = new URL(target.url);
  const requests: PacedRequest[] = [];
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  let firstError: string | undefined;
  let maxBehindMs = 0;
  const send = (n: number) =>
    new Promise<void>((resolve) => {
      const path = target.paths ? target.paths[n % target.paths.length]! : target.path;
      const body = target.bodies ? target.bodies[n % target.bodies.length]! : target.body;
      const headers = {
        ...target.headers,
        ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
      };
      const sentAt = wallMs();
      const req = http.request({ agent, hostname, port, method: target.method, path, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answeredAt = wallMs();
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let id: string | undefined;
          try {
            const parsed: unknown = JSON.parse(text);
            if (parsed && typeof parsed === 'object' && typeof (parsed as { id?: unknown }).id === 'string')
              id = (parsed as { id: string }).id;
          } catch {
            // not JSON: no id
          }
          requests.push({ sentAt, answeredAt, status, ...(id === undefined ? {} : { id }) });
          if (status !== target.expectStatus) {
            errors++;
            firstError ??= `${status} ${text.slice(0, 300)}`;
          }
          resolve();
        });
      });
      req.on('error', (e) => {
        errors++;
        firstError ??= String(e);
        resolve();
      });
      req.end(body);
    });

  const interval = 1000 / rate;
  const started = performance.now();
  const count = Math.floor(durationMs / interval);
  for (let n = 0; n < count; n++) {
    const due = started + n * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    maxBehindMs = Math.max(maxBehindMs, performance.now() - due);
    const p = send(n).then(() => void inFlight.delete(p));
    inFlight.add(p);
  }
  const sentSeconds = (performance.now() - started) / 1000;
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    requests,
    errors,
    firstError,
    seconds,
    sentRate: count / Math.max(sentSeconds, durationMs / 1000),
    maxBehindMs,
  };
}

/** The parent's handle on the load process. */
export class LoadGenerator {
  private constructor(private readonly child: ChildProcess) {}

  static start(): LoadGenerator {
    // The child inherits tsx's loader flags from process.execArgv.
    const child = fork(fileURLToPath(import.meta.url), ['--load-worker'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new LoadGenerator(child);
  }

  run(target: LoadTarget, concurrency: number, durationMs: number, maxRequests?: number): Promise<RoundResult> {
    return this.ask({ kind: 'load', run: { target, concurrency, durationMs, maxRequests } }) as Promise<RoundResult>;
  }

  /** `rate` requests a second for `durationMs`, each answer timed and its record id kept. */
  pace(target: LoadTarget, rate: number, durationMs: number, maxInFlight: number): Promise<PacedResult> {
    return this.ask({ kind: 'pace', pace: { target, rate, durationMs, maxInFlight } }) as Promise<PacedResult>;
  }

  /** One import, from the load process; rejects when it fails or writes the wrong row count. */
  importFile(task: ImportTask): Promise<ImportResult> {
    return this.ask({ kind: 'import', task }) as Promise<ImportResult>;
  }

  private ask(message: WorkerMessage): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`load generator exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply) => {
        this.child.off('exit', onExit);
        const r = reply as WorkerReply;
        if (r.ok) resolve(r.result);
        else reject(new Error(r.error));
      });
      this.child.send(message);
    });
  }

  stop(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

if (process.argv.includes('--load-worker') && process.send) {
  process.on('message', (message) => {
    const m = message as WorkerMessage;
    const work: Promise<unknown> =
      m.kind === 'load' ? runRound(m.run) : m.kind === 'pace' ? runPaced(m.pace) : runImport(m.task);
    void work.then(
      (result) => process.send!({ ok: true, result } satisfies WorkerReply),
      (e: unknown) =>
        process.send!({ ok: false, error: e instanceof Error ? e.message : String(e) } satisfies WorkerReply),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
