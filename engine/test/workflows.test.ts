import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';
import { waitFor } from './support/security.js';

/**
 * Record-triggered workflows end to end: saved and checked as metadata, published, fired by the
 * capture triggers in the transaction of each change, run from the job queue.
 */

let t: TestEngine;

beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

async function publishWorkflow(workflow: Record<string, unknown>) {
  const saved = await t.api('POST', '/api/v1/meta/workflows', workflow);
  expect(saved.status, JSON.stringify(saved.body)).toBe(201);
  const published = await t.api('POST', '/api/v1/meta/publish', {});
  expect(published.status, JSON.stringify(published.body)).toBe(201);
  return saved.body;
}

const runsOf = async (workflow: string) =>
  (await t.api('GET', `/api/v1/automation/runs?workflow=${workflow}`)).body.runs as any[];

async function settled(workflow: string, count: number) {
  return waitFor(async () => {
    const runs = await runsOf(workflow);
    return runs.length >= count && runs.every((r) => r.status === 'succeeded' || r.status === 'failed')
      ? runs
      : undefined;
  }, `${count} finished runs of ${workflow}`);
}

describe('record-triggered workflows', () => {
  it('refuses a workflow naming what does not exist, each name with its place', async () => {
    const res = await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'bad_refs',
      label: 'Bad',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['nope'] },
      condition: { '==': [{ var: '$old.ghost' }, 1] },
      actions: [
        { type: 'updateRecord', values: { missing: 1, next_step: { method: ['x', 'toString'] } } },
        { type: 'createRecord', object: 'activity', values: { description: 'x' } },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const fields = res.body.errors.map((e: any) => `${e.field} ${e.code}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        '/trigger/fields/0 reference',
        '/condition reference',
        '/actions/0/values/missing unknownField',
        '/actions/0/values/next_step logic',
        '/actions/1/values required',
      ]),
    );
  });

  it('runs an update action when the trigger and condition hold, and only then', async () => {
    await publishWorkflow({
      apiName: 'won_next_step',
      label: { en: 'Won: next step', 'zh-CN': '赢单：下一步' },
      object: 'opportunity',
      trigger: { on: 'update', changedTo: { stage: 'closed_won' } },
      condition: { '!=': [{ var: '$old.stage' }, 'closed_lost'] },
      actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Kick-off for ', { var: 'name' }] } } }],
    });
    const opp = await t.api('POST', '/api/v1/records/opportunity', {
      name: 'Acme renewal',
      stage: 'proposal',
      close_date: '2027-01-31',
    });
    expect(opp.status).toBe(201);
    const id = opp.body.id;
    // Another field changing is not the trigger.
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { amount: 100 })).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { stage: 'closed_won' })).status).toBe(200);
    const [run] = await settled('won_next_step', 1);
    expect(run).toMatchObject({ status: 'succeeded', event: 'updated', recordId: id, depth: 0 });
    expect(run.changed).toContain('stage');
    const record = await t.api('GET', `/api/v1/records/opportunity/${id}`);
    expect(record.body.next_step).toBe('Kick-off for Acme renewal');

    const detail = await t.api('GET', `/api/v1/automation/runs/${run.id}`);
    expect(detail.body.steps).toEqual([
      expect.objectContaining({ step: 0, action: 'updateRecord', status: 'succeeded', attempt: 1 }),
    ]);
    expect(detail.body.oldRecord.stage).toBe('proposal');
    // The change the workflow made is in the record's history, as made by a workflow.
    const history = await t.api('GET', `/api/v1/records/opportunity/${id}/history`);
    expect(history.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'next_step', via: 'workflow' })]),
    );
  });
});
