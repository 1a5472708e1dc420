import fs from 'node:fs';
import path from 'node:path';
import inspector from 'node:inspector/promises';

/**
 * Where a server's CPU goes: a V8 CPU profile of this process while `during` runs, summed by self
 * time per area (a package under node_modules, a folder of engine/src, Node internals, garbage
 * collection, idle) and per function. Only the servers run in this process; load comes from a
 * child process.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, fn: string): string {
  if (fn === '(garbage collector)' || fn === '(idle)' || fn === '(program)') return fn;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  const src = /engine\/(src\/[^/]+|bench)\//.exec(url);
  if (src) return src[1]!;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return url.replace(/^file:\/\/.*\//, '');
}

/** `saveAs`: also write the raw profile there (a .cpuprofile file DevTools opens). */
export async function profileCpu<T>(
  during: () => Promise<T>,
  saveAs?: string,
): Promise<{ result: T; busySeconds: number; report: string }> {
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  let result: T;
  try {
    result = await during();
  } catch (e) {
    await session.post('Profiler.stop');
    session.disconnect();
    throw e;
  }
  const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: Profile };
  session.disconnect();
  if (saveAs) {
    await fs.promises.mkdir(path.dirname(saveAs), { recursive: true });
    await fs.promises.writeFile(saveAs, JSON.stringify(profile));
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const { functionName, url, lineNumber } = node.callFrame;
    const a = area(url, functionName);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    const f = `${functionName || '(anonymous)'} ${a}:${lineNumber + 1}`;
    functions.set(f, (functions.get(f) ?? 0) + dt);
  });
  const busy = total - (areas.get('(idle)') ?? 0);
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)}%`;
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .filter(([k]) => k !== '(idle)' && !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n);
  const lines = [
    `  CPU busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s sampled (${((100 * busy) / total).toFixed(0)}% of one core); self time by area:`,
    ...top(areas, 14).map(([k, us]) => `    ${pct(us)}  ${k}`),
    '  top functions by self time:',
    ...top(functions, 15).map(([k, us]) => `    ${pct(us)}  ${k}`),
  ];
  return { result, busySeconds: busy / 1e6, report: lines.join('\n') };
}

/**
 * CPU seconds used so far by the PostgreSQL server's processes, when it runs on this machine and
 * /proc shows them (undefined otherwise): user + system time of every `postgres` process on this
 * machine, plus that of the backends that have already exited, which the postmaster has
 * collected. Includes background work (WAL writer, checkpointer, autovacuum) that happens to run
 * meanwhile, and any other PostgreSQL server on the machine.
 */
export async function postgresCpuSeconds(): Promise<number | undefined> {
  const TICKS = 100; // USER_HZ on Linux
  let entries: string[];
  try {
    entries = (await fs.promises.readdir('/proc')).filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  let ticks = 0;
  let found = false;
  for (const pid of entries) {
    let stat: string;
    try {
      stat = await fs.promises.readFile(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone, or not ours to read
    }
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (stat.slice(open + 1, close) !== 'postgres') continue;
    // Fields after the name: state is field 3, utime..cstime are fields 14..17.
    const fields = stat.slice(close + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    found = true;
  }
  return found ? ticks / TICKS : undefined;
}

/**
 * CPU seconds the whole machine has spent busy and in all so far (every core, /proc/stat), when
 * /proc shows them: between two readings, busy − this process − PostgreSQL is what everything
 * else on the machine took meanwhile (the load generator, a receiver, other people's work).
 */
export async function machineCpuSeconds(): Promise<{ busy: number; total: number } | undefined> {
  const TICKS = 100; // USER_HZ on Linux
  let stat: string;
  try {
    stat = await fs.promises.readFile('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  const line = stat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return undefined;
  // user nice system idle iowait irq softirq steal (guest time is already in user and nice)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = user! + nice! + system! + irq! + softirq! + steal!;
  return { busy: busy / TICKS, total: (busy + idle! + iowait!) / TICKS };
}
