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
 * although the tenant has no active workflow left.
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
  t = await startTestEngine(where);

  const done = await waitFor(async () => {
    const r = (await t!.api('GET', `/api/v1/automation/runs/${run.id}`)).body;
    return r.status === 'succeeded' || r.status === 'failed' ? r : undefined;
  }, 'the waiting run to finish after the restart');
  expect(done.status).toBe('succeeded');
  expect((await t.api('GET', `/api/v1/records/opportunity/${created.body.id}`)).body.description).toBe(
    'after the wait',
  );
});
