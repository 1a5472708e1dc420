import fs from 'node:fs';
import readline from 'node:readline';
import type { LoadGenerator } from './load.js';

/**
 * What run.ts hands a workload that lives in a file of its own (workflow.ts, webhook-latency.ts),
 * and the arithmetic and printing every workload shares. run.ts keeps the orchestration: which
 * workloads run, in what order, and the cleanup.
 */

export type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

export interface WorkloadContext {
  databaseUrl: string;
  /** The run's schema; the job queue's is `<schema>_jobs`. */
  schema: string;
  /** Tessera's request log (JSON lines): a workload reports the warnings and errors logged while it ran. */
  logFile: string;
  rounds: number;
  roundMs: number;
  warmupMs: number;
  concurrency: number;
  loader: LoadGenerator;
  /** The metadata and records API as the bench's admin. */
  api: Api;
  /** Printed after every workload has run, under the medians' heading. */
  summary: string[];
  /**
   * Registers what the run's cleanup must close if the run stops (an error, Ctrl-C, the time limit)
   * while the workload holds it; returns the function that takes it off again.
   */
  closeOnExit(close: () => Promise<unknown> | void): () => void;
}

/** A positive number from the environment, or `fallback`; anything else stops the run before it starts. */
export function positiveEnv(name: string, fallback: number): number {
  const n = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

export const log = (line: string) => console.log(line);
export const ms = (n: number) => `${n.toFixed(2)} ms`;

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The value below which a share `p` of `sorted` (ascending) lies; NaN when empty. */
export const percentile = (sorted: ArrayLike<number>, p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! : NaN;

export const cpuText = (nodeMs: number, pgMs: number | undefined) =>
  `node ${nodeMs.toFixed(2)} ms + postgres ${pgMs === undefined ? '?' : `${pgMs.toFixed(2)} ms`}`;

/** Warnings and errors in Tessera's log after byte `from`, by message with their count. */
export async function logProblems(logFile: string, from: number): Promise<string[]> {
  await new Promise((resolve) => setTimeout(resolve, 500)); // the log is written at least every 200 ms
  const counts = new Map<string, number>();
  const lines = readline.createInterface({ input: fs.createReadStream(logFile, { start: from }) });
  for await (const line of lines) {
    let entry: { level?: number; msg?: string; err?: { type?: string; message?: string; code?: string } };
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    if ((entry.level ?? 0) < 40) continue; // pino: 40 warn, 50 error, 60 fatal
    const err = entry.err ? ` (${[entry.err.type, entry.err.code, entry.err.message].filter(Boolean).join(' ')})` : '';
    const key = `${entry.level === 40 ? 'warn' : 'error'}: ${entry.msg ?? ''}${err}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, n]) => `${n} × ${key}`);
}

/** Where the log stands now: pass it to logProblems after the workload. */
export async function logSize(logFile: string): Promise<number> {
  return (await fs.promises.stat(logFile)).size;
}
