import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/admin.js';
import { ownPostgres, type OwnPostgres } from './support/own-postgres.js';
import { freePort, killHard, startProcess, type EngineProcess } from './support/process.js';
import { waitFor } from './support/security.js';

/**
 * Fault drill: PostgreSQL stopped (pg_ctl stop -m fast) and started again under steady traffic.
 * While it is down, every request is answered, none hangs: 503 application/problem+json
 * (…/problems/service-unavailable) with Retry-After; no other failure shows at any time; once it
 * is back, the same engine process serves reads and writes again, and every write it acknowledged
 * is there. The server is a cluster of the test's own (support/own-postgres.ts), so the drill runs
 * the same whether the suite is on PGlite or on the shared PostgreSQL, which it never touches.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-pg-restart-'));
let cluster: OwnPostgres | undefined;
let engine: EngineProcess | undefined;

afterAll(async () => {
  if (engine) await killHard(engine.child);
  cluster?.destroy();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Longer than any answer may take: a request still open then counts as hung. */
const CLIENT_TIMEOUT_MS = 30_000;

type Phase = 'up' | 'stopping' | 'down' | 'starting' | 'back';
interface Answer {
  /** Where the server was when the request went out, and when its answer came. */
  phase: Phase;
  ended: Phase;
  what: string;
  status: number | 'hung' | 'connection failed';
  type?: string;
  contentType?: string | null;
  retryAfter?: string | null;
  id?: string;
}

describe('PostgreSQL restarted under load', () => {
  it('answers 503 problem+json while it is down, and serves again once it is back', { timeout: 180_000 }, async () => {
    cluster = await ownPostgres(await freePort());
    engine = await startProcess(await freePort(), { dataDir, schema: 'tenant_default' }, { DATABASE_URL: cluster.url });
    const e = engine;
    const pid = e.child.pid;

    let phase: Phase = 'up';
    const answers: Answer[] = [];
    const send = async (what: string, method: string, p: string, body?: unknown, token: string | null = e.token) => {
      const at = phase;
      try {
        const res = await fetch(`${e.url}${p}`, {
          method,
          headers: {
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(CLIENT_TIMEOUT_MS),
        });
        const text = await res.text();
        const json = text.startsWith('{') ? JSON.parse(text) : {};
        answers.push({
          phase: at,
          ended: phase,
          what,
          status: res.status,
          type: json.type,
          contentType: res.headers.get('content-type'),
          retryAfter: res.headers.get('retry-after'),
          id: json.id,
        });
      } catch (err) {
        answers.push({
          phase: at,
          ended: phase,
          what,
          status: (err as Error).name === 'TimeoutError' ? 'hung' : 'connection failed',
        });
      }
    };

    // Steady traffic: reads, writes and logins from four clients until told to stop.
    let stop = false;
    const client = async (n: number) => {
      for (let i = 0; !stop; i++) {
        if (i % 3 === 0) await send('list', 'GET', '/api/v1/records/account?limit=5');
        else if (i % 3 === 1) await send('create', 'POST', '/api/v1/records/account', { name: `Steady ${n}-${i}` });
        else if (n === 0) await send('login', 'POST', '/api/v1/auth/login', ADMIN, null);
        else await send('metadata', 'GET', '/api/v1/meta/runtime');
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    const within = (p: Phase) => answers.filter((a) => a.phase === p && a.ended === p);
    const answered = (p: Phase, n: number) => () => Promise.resolve(within(p).length >= n || undefined);

    await waitFor(answered('up', 40), 'forty answers with the server up');
    phase = 'stopping';
    await cluster.stop();
    phase = 'down';
    await waitFor(answered('down', 60), 'sixty answers with the server down', 60_000);
    phase = 'starting';
    await cluster.start();
    phase = 'back';
    await waitFor(
      () => Promise.resolve(answers.filter((a) => a.phase === 'back' && a.status === 201).length >= 20 || undefined),
      'twenty writes once the server is back',
      60_000,
    );
    stop = true;
    await Promise.all(clients);

    // Nothing hung, no connection was dropped, nothing failed but as "unavailable".
    const statuses = [...new Set(answers.map((a) => a.status))].sort();
    const errorLines = e
      .output()
      .split('\n')
      .filter((l) => l.includes('"level":50'))
      .join('\n');
    expect(
      statuses.filter((s) => s !== 200 && s !== 201 && s !== 503),
      errorLines,
    ).toEqual([]);

    // While down: 503 for every kind of request, each a problem naming the cause, with Retry-After.
    const down = within('down');
    expect(new Set(down.map((a) => a.what))).toEqual(new Set(['list', 'create', 'login', 'metadata']));
    for (const a of down) {
      expect(a, JSON.stringify(a)).toMatchObject({
        status: 503,
        type: 'https://tessera.dev/problems/service-unavailable',
        contentType: expect.stringContaining('application/problem+json'),
        retryAfter: expect.stringMatching(/^\d+$/),
      });
    }
    // Before and after: served.
    expect(within('up').map((a) => a.status)).not.toContain(503);
    const back = within('back');
    const firstServed = back.findIndex((a) => a.status === 200 || a.status === 201);
    expect(back.slice(firstServed).filter((a) => a.status === 503)).toEqual([]);

    // The same process throughout, and every write it acknowledged is there.
    expect(e.child.exitCode).toBeNull();
    expect(e.child.pid).toBe(pid);
    const acknowledged = answers.filter((a) => a.what === 'create' && a.status === 201).map((a) => a.id);
    const res = await fetch(`${e.url}/api/v1/records/account?limit=1&count=exact`, {
      headers: { authorization: `Bearer ${e.token}` },
    });
    expect((await res.json()).count).toBe(acknowledged.length);
  });
});
