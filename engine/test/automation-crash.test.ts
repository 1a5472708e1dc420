import type { ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory from 'knex';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, startProcess } from './support/process.js';
import { heldReceiver } from './support/held-receiver.js';
import { waitFor } from './support/security.js';
import { ON_POSTGRES, request } from './support/test-engine.js';

/**
 * kill -9 of the engine in the middle of a workflow run loses nothing: after a restart the job
 * is taken back (its heartbeat stopped), the run goes on from the action that had not finished,
 * and the action that had committed is not done again. A real engine process, a real SIGKILL.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-crash-'));
const schema = `test_${crypto.randomBytes(6).toString('hex')}`;
let engine: ChildProcess | undefined;

afterAll(async () => {
  if (engine && engine.exitCode === null) engine.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (ON_POSTGRES) {
    const admin = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
    for (const s of [schema, `${schema}_jobs`]) await admin.raw('drop schema if exists ?? cascade', [s]);
    await admin.destroy();
  }
});

/** `tessera start` as its own process, on PGlite in dataDir or on PostgreSQL in `schema`. */
const startEngine = (port: number) =>
  startProcess(
    port,
    { dataDir, schema },
    {
      TESSERA_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
      // pg-boss's smallest heartbeat; looked for every second, so the test waits ~10 s, not minutes.
      TESSERA_JOB_HEARTBEAT_SECONDS: '10',
      TESSERA_JOB_SUPERVISE_SECONDS: '1',
    },
  );

describe('a workflow run across kill -9', () => {
  it('finishes after a restart, each action once', { timeout: 120_000 }, async () => {
    // The receiver holds the first delivery open (the engine is killed meanwhile); it answers later ones.
    const receiver = await heldReceiver();
    const { got, url: hook } = receiver;

    const port = await freePort();
    let e = await startEngine(port);
    engine = e.child;
    const api = (method: string, p: string, body?: unknown) =>
      request(e.url, method, p, body, { authorization: `Bearer ${e.token}` });
    expect(
      (
        await api('POST', '/api/v1/meta/workflows', {
          apiName: 'two_steps',
          label: 'Two steps',
          object: 'opportunity',
          trigger: { on: 'create' },
          actions: [
            { type: 'updateRecord', values: { next_step: { cat: ['Call ', { var: 'name' }] } } },
            { type: 'webhook', url: hook },
          ],
        })
      ).status,
    ).toBe(201);
    // A second workflow is parked in a wait when the engine dies.
    expect(
      (
        await api('POST', '/api/v1/meta/workflows', {
          apiName: 'waits',
          label: 'Waits',
          object: 'opportunity',
          trigger: { on: 'create' },
          actions: [
            { type: 'wait', for: 'PT3S' },
            { type: 'updateRecord', values: { description: 'after the wait' } },
          ],
        })
      ).status,
    ).toBe(201);
    expect((await api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    const created = await api('POST', '/api/v1/records/opportunity', {
      name: 'Crash test',
      stage: 'proposal',
      close_date: '2027-01-31',
    });
    expect(created.status).toBe(201);

    // The first action has committed and the webhook is in flight: kill the engine.
    await receiver.first;
    const exited = new Promise((resolve) => engine!.once('exit', resolve));
    engine.kill('SIGKILL');
    await exited;

    e = await startEngine(port);
    engine = e.child;
    const run = await waitFor(
      async () => {
        const [summary] = (await api('GET', '/api/v1/automation/runs?workflow=two_steps')).body.runs;
        return summary?.status === 'succeeded' ? summary : undefined;
      },
      'the run to finish after the restart',
      90_000,
    );
    const detail = (await api('GET', `/api/v1/automation/runs/${run.id}`)).body;
    await waitFor(
      async () => {
        const [waited] = (await api('GET', '/api/v1/automation/runs?workflow=waits')).body.runs;
        return waited?.status === 'succeeded' ? waited : undefined;
      },
      'the waiting run to finish after the restart',
      60_000,
    );
    const after = await api('GET', `/api/v1/records/opportunity/${created.body.id}`);
    expect(after.body).toMatchObject({ next_step: 'Call Crash test', description: 'after the wait' });
    // The update committed before the kill and was not done again; the webhook, cut off, was.
    expect(detail.steps.map((s: any) => [s.step, s.action, s.status])).toEqual([
      [0, 'updateRecord', 'succeeded'],
      [1, 'webhook', 'succeeded'],
    ]);
    expect(detail.attempts).toBe(2);
    const history = await api('GET', `/api/v1/records/opportunity/${created.body.id}/history`);
    expect(history.body.data.filter((h: any) => h.field === 'next_step')).toHaveLength(1);
    // The receiver saw the same message twice, with one id to drop the duplicate by.
    expect(got).toHaveLength(2);
    expect(got[0]!.id).toBe(got[1]!.id);
    expect(got[0]!.body).toBe(got[1]!.body);

    const exitedAgain = new Promise((resolve) => engine!.once('exit', resolve));
    engine.kill('SIGTERM');
    await exitedAgain;
    await receiver.close();
  });
});
