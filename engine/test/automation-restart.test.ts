import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { waitFor } from './support/security.js';
import { ON_POSTGRES, startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Runs in flight finish on the version they started with, even when their workflow was turned
 * off meanwhile and the engine restarted: the new process must start the job queue for them
 * although the tenant has no active workflow left. Then old runs and notifications are pruned,
 * and a tenant nobody used since a restart keeps its schedules.
 */

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-restart-'));
const schema = ON_POSTGRES ? `test_${crypto.randomBytes(6).toString('hex')}` : undefined;
const where = { ...(ON_POSTGRES ? { schema } : { dataDir }) };
let t: TestEngine | undefined;

afterAll(async () => {
  await t?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('finishes a waiting run after its workflow was turned off and the engine restarted', async () => {
  t = await startTestEngine({ ...where, keepSchema: true });
  const workflow = {
    apiName: 'pause_then_note',
    label: 'Pause, then note',
    object: 'opportunity',
    trigger: { on: 'create' },
    actions: [
      { type: 'wait', for: 'PT2S' },
      { type: 'updateRecord', values: { description: 'after the wait' } },
      { type: 'notify', to: [{ owner: true }], title: 'Noted {{name}}' },
    ],
  };
  expect((await t.api('POST', '/api/v1/meta/workflows', workflow)).status).toBe(201);
  expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
  const created = await t.api('POST', '/api/v1/records/opportunity', {
    name: 'Waits through a restart',
    stage: 'proposal',
    close_date: '2027-01-31',
  });
  expect(created.status).toBe(201);
  const run = await waitFor(async () => {
    const [r] = (await t!.api('GET', '/api/v1/automation/runs?workflow=pause_then_note')).body.runs;
    return r?.status === 'waiting' ? r : undefined;
  }, 'the run to wait');

  // Turned off while the run waits; then the engine stops, and a new one starts on the same data.
  expect((await t.api('PUT', '/api/v1/meta/workflows/pause_then_note', { ...workflow, active: false })).status).toBe(
    200,
  );
  expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
  await t.close();
  t = await startTestEngine({ ...where, keepSchema: true });

  const done = await waitFor(async () => {
    const r = (await t!.api('GET', `/api/v1/automation/runs/${run.id}`)).body;
    return r.status === 'succeeded' || r.status === 'failed' ? r : undefined;
  }, 'the waiting run to finish after the restart');
  expect(done.status).toBe('succeeded');
  expect((await t.api('GET', `/api/v1/records/opportunity/${created.body.id}`)).body.description).toBe(
    'after the wait',
  );
});

it('prunes finished runs and read notifications past the retention, and keeps the rest', async () => {
  const api = t!.api;
  const [run] = (await api('GET', '/api/v1/automation/runs?workflow=pause_then_note')).body.runs;
  expect(run.status).toBe('succeeded');
  const bell = (await api('GET', '/api/v1/notifications')).body;
  expect(bell.unread).toBe(1);
  const day = 86_400_000;
  const prune = (days: number) => t!.engine.automation.prune(new Date(Date.now() + days * day));
  // A run in flight (as if it waited still) is kept however old; the finished one goes after 90 days.
  const [{ id: inFlight }] = await t!.sql(
    `insert into ??._automation_runs (id, workflow_id, workflow, release, definition, object, event, record, changed, depth, status, created_at)
     select gen_random_uuid(), workflow_id, workflow, release, definition, object, event, record, changed, depth, 'waiting', created_at
     from ??._automation_runs where id = ? returning id`,
    [t!.schema, t!.schema, run.id],
  );
  await prune(89);
  expect((await api('GET', `/api/v1/automation/runs/${run.id}`)).status).toBe(200);
  await prune(91);
  expect((await api('GET', `/api/v1/automation/runs/${run.id}`)).status).toBe(404);
  const steps = await t!.sql('select count(*)::int as n from ??._automation_steps where run_id = ?', [
    t!.schema,
    run.id,
  ]);
  expect(steps[0].n).toBe(0);
  expect((await api('GET', `/api/v1/automation/runs/${inFlight}`)).status).toBe(200);
  // An unread notification stays; once read, it goes with the next pruning past the retention.
  expect((await api('GET', '/api/v1/notifications')).body.unread).toBe(1);
  expect((await api('POST', '/api/v1/notifications/read', {})).status).toBe(200);
  expect((await api('GET', '/api/v1/notifications')).body).toMatchObject({
    unread: 0,
    data: [{ title: 'Noted Waits through a restart' }],
  });
  await prune(182);
  expect((await api('GET', '/api/v1/notifications')).body.data).toEqual([]);
});

it('keeps the schedules of a tenant nobody has used since the engine restarted', async () => {
  const created = await t!.api('POST', '/api/v1/tenants', { name: 'nightly', adminEmail: 'boss@nightly.test' });
  expect(created.status).toBe(201);
  const session = await t!.api(
    'POST',
    '/api/v1/auth/login',
    { tenant: 'nightly', email: 'boss@nightly.test', password: created.body.adminPassword },
    { authorization: '' },
  );
  const api = (method: string, url: string, body?: unknown) =>
    t!.api(method, url, body, { authorization: `Bearer ${session.body.token}` });
  expect(
    (
      await api('POST', '/api/v1/meta/workflows', {
        apiName: 'nightly_note',
        label: 'Nightly note',
        object: 'account',
        trigger: { schedule: '0 2 * * *', filter: { name: { startsWith: 'Nightly' } } },
        actions: [{ type: 'updateRecord', values: { description: 'seen at night' } }],
      })
    ).status,
  ).toBe(201);
  expect((await api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
  expect((await api('POST', '/api/v1/records/account', { name: 'Nightly one' })).status).toBe(201);
  await t!.engine.automation.schedule(new Date('2030-01-01T00:00:00Z')); // first seen

  await t!.close();
  t = await startTestEngine(where);
  const runs = `${t.schema}__nightly`;
  await t.engine.automation.schedule(new Date('2030-01-01T03:00:00Z')); // 02:00 came, nobody logged in
  const [{ n }] = await t.sql('select count(*)::int as n from ??._automation_runs where workflow = ?', [
    runs,
    'nightly_note',
  ]);
  expect(n).toBe(1);
});
