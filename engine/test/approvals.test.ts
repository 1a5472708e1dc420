import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';
import { createUser, waitFor, type TestUser } from './support/security.js';

/**
 * Approval processes: a two-step approval (the submitter's manager, then the CEO), a rejection,
 * a recall and a delegation; the record locked while pending; the actions on submit, approval,
 * rejection and recall run as workflow runs.
 */

let t: TestEngine;
let rep: TestUser;
let manager: TestUser;
let ceo: TestUser;
let peer: TestUser;

const PROCESS = {
  apiName: 'discount',
  label: { en: 'Discount approval', 'zh-CN': '折扣审批' },
  object: 'opportunity',
  entryCondition: { '>=': [{ var: 'amount' }, 1000] },
  steps: [
    { name: 'manager', approver: { submitterManager: true } },
    { name: 'ceo', approver: { role: 'ceo' }, condition: { '>=': [{ var: 'amount' }, 5000] } },
  ],
  onSubmit: [{ type: 'updateRecord', values: { next_step: 'In approval' } }],
  onApprove: [{ type: 'updateRecord', values: { next_step: 'Approved' } }],
  onReject: [{ type: 'updateRecord', values: { next_step: 'Rejected' } }],
  onRecall: [{ type: 'updateRecord', values: { next_step: 'Recalled' } }],
};

beforeAll(async () => {
  t = await startTestEngine();
  rep = await createUser(t, { name: 'Approval rep', role: 'sales_rep', permissionSets: ['sales_user'] });
  manager = await createUser(t, { name: 'Approval manager', role: 'sales_manager', permissionSets: ['sales_user'] });
  ceo = await createUser(t, { name: 'Approval CEO', role: 'ceo', permissionSets: ['sales_user'] });
  peer = await createUser(t, { name: 'Approval peer', role: 'sales_rep', permissionSets: ['sales_user'] });
  expect((await t.api('POST', '/api/v1/meta/approval-processes', PROCESS)).status).toBe(201);
  expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
});
afterAll(() => t?.close());

const deal = async (amount: number) => {
  const res = await rep.api('POST', '/api/v1/records/opportunity', {
    name: `Discount ${amount}`,
    stage: 'proposal',
    close_date: '2027-02-01',
    amount,
  });
  expect(res.status).toBe(201);
  return res.body.id as string;
};

const myTask = async (user: TestUser, recordId: string) =>
  waitFor(async () => {
    const { data } = (await user.api('GET', '/api/v1/approvals/mine')).body;
    return (data as any[]).find((task) => task.approval.recordId === recordId);
  }, `a task for ${user.email}`);

/** The record once the run of the process's actions has written `nextStep`. */
const nextStep = (id: string, value: string) =>
  waitFor(async () => {
    const record = (await t.api('GET', `/api/v1/records/opportunity/${id}`)).body;
    return record.next_step === value ? record : undefined;
  }, `next_step ${value}`);

describe('approval processes', () => {
  it('go through two steps to approval, the record locked meanwhile', async () => {
    const id = await deal(8000);
    const submitted = await rep.api('POST', `/api/v1/records/opportunity/${id}/approval`, { comment: 'Big discount' });
    expect(submitted.status).toBe(201);
    expect(submitted.body).toMatchObject({ process: 'discount', status: 'pending', stepName: 'manager' });
    await nextStep(id, 'In approval');

    // Locked: the rep cannot change or delete it; an admin can.
    const locked = await rep.api('PATCH', `/api/v1/records/opportunity/${id}`, { amount: 9000 });
    expect(locked.status).toBe(409);
    expect(locked.body.errors[0].code).toBe('approvalPending');
    expect((await rep.api('DELETE', `/api/v1/records/opportunity/${id}`)).status).toBe(409);
    const bulk = await rep.api('PATCH', '/api/v1/records/opportunity/bulk', { records: [{ id, amount: 9000 }] });
    expect(bulk.status).toBe(422);
    expect(bulk.body.errors[0]).toMatchObject({ index: 0, field: 'id', code: 'approvalPending' });
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { description: 'admin note' })).status).toBe(200);
    expect((await rep.api('POST', `/api/v1/records/opportunity/${id}/approval`, {})).status).toBe(409);

    // The manager is asked (and told), approves; the CEO is asked next, since the amount is 5000 or more.
    const first = await myTask(manager, id);
    expect((await manager.api('GET', '/api/v1/notifications')).body.data[0]).toMatchObject({
      title: 'Approval requested: Discount approval',
      recordId: id,
    });
    expect((await ceo.api('POST', `/api/v1/approvals/${first.id}/decision`, { decision: 'approve' })).status).toBe(404);
    const afterManager = await manager.api('POST', `/api/v1/approvals/${first.id}/decision`, {
      decision: 'approve',
      comment: 'fine by me',
    });
    expect(afterManager.body).toMatchObject({ status: 'pending', stepName: 'ceo' });
    const second = await myTask(ceo, id);
    const approved = await ceo.api('POST', `/api/v1/approvals/${second.id}/decision`, { decision: 'approve' });
    expect(approved.body.status).toBe('approved');
    await nextStep(id, 'Approved');
    expect((await rep.api('GET', '/api/v1/notifications')).body.data[0]).toMatchObject({
      title: 'Approved: Discount approval',
      recordId: id,
    });
    expect((await rep.api('PATCH', `/api/v1/records/opportunity/${id}`, { amount: 9000 })).status).toBe(200);

    // The history on the record: who was asked, who decided what.
    const history = (await rep.api('GET', `/api/v1/records/opportunity/${id}/approval`)).body.data;
    expect(history).toHaveLength(1);
    const decided = history[0].tasks.filter((task: any) => task.status === 'approved');
    expect(decided.map((task: any) => [task.stepName, task.approverId, task.comment])).toEqual([
      ['manager', manager.id, 'fine by me'],
      ['ceo', ceo.id, null],
    ]);
  });

  it('skips a step whose condition does not hold, ends on a rejection, and is recalled only by the submitter', async () => {
    const small = await deal(2000);
    await rep.api('POST', `/api/v1/records/opportunity/${small}/approval`, {});
    const task = await myTask(manager, small);
    const rejected = await manager.api('POST', `/api/v1/approvals/${task.id}/decision`, {
      decision: 'reject',
      comment: 'too much',
    });
    expect(rejected.body).toMatchObject({ status: 'rejected' });
    await nextStep(small, 'Rejected');

    const again = await rep.api('POST', `/api/v1/records/opportunity/${small}/approval`, {});
    expect(again.status).toBe(201);
    // A peer does not even see it; the manager sees it but did not submit it; the rep can.
    expect((await peer.api('POST', `/api/v1/records/opportunity/${small}/approval/recall`, {})).status).toBe(404);
    const notTheirs = await manager.api('POST', `/api/v1/records/opportunity/${small}/approval/recall`, {});
    expect(notTheirs.status).toBe(403);
    expect(notTheirs.body.errors[0].code).toBe('recordAccess');
    const recalled = await rep.api('POST', `/api/v1/records/opportunity/${small}/approval/recall`, { comment: 'oops' });
    expect(recalled.body).toMatchObject({ status: 'recalled', comment: 'oops' });
    await nextStep(small, 'Recalled');
    expect(
      (await rep.api('GET', `/api/v1/records/opportunity/${small}/approval`)).body.data.map((a: any) => a.status),
    ).toEqual(['recalled', 'rejected']);
    // A 2,000 deal never reached the CEO.
    expect(
      (await ceo.api('GET', '/api/v1/approvals/mine')).body.data.some((x: any) => x.approval.recordId === small),
    ).toBe(false);
  });

  it('lets an approver delegate, and refuses what does not apply', async () => {
    const id = await deal(1500);
    expect((await rep.api('POST', `/api/v1/records/opportunity/${await deal(10)}/approval`, {})).status).toBe(422);
    await rep.api('POST', `/api/v1/records/opportunity/${id}/approval`, {});
    const task = await myTask(manager, id);
    const delegated = await manager.api('POST', `/api/v1/approvals/${task.id}/delegate`, { user: ceo.id });
    expect(delegated.status).toBe(200);
    const handed = await myTask(ceo, id);
    expect(handed.delegatedFrom).toBe(manager.id);
    expect((await manager.api('POST', `/api/v1/approvals/${task.id}/decision`, { decision: 'approve' })).status).toBe(
      404,
    );
    expect((await ceo.api('POST', `/api/v1/approvals/${handed.id}/decision`, { decision: 'maybe' })).status).toBe(422);
    expect(
      (await ceo.api('POST', `/api/v1/approvals/${handed.id}/decision`, { decision: 'approve' })).body.status,
    ).toBe('approved');
  });

  it('a workflow starts an approval (startApproval), as the user whose change triggered it', async () => {
    const workflow = {
      apiName: 'auto_discount',
      label: 'Big deals go to approval',
      object: 'opportunity',
      trigger: { on: 'create' },
      condition: { '>=': [{ var: 'amount' }, 3000] },
      actions: [{ type: 'startApproval', process: 'discount', comment: 'Auto: {{name}}' }],
    };
    expect(
      (
        await t.api('POST', '/api/v1/meta/workflows', {
          ...workflow,
          apiName: 'bad_auto',
          actions: [{ type: 'startApproval', process: 'nope' }],
        })
      ).status,
    ).toBe(422);
    expect((await t.api('POST', '/api/v1/meta/workflows', workflow)).status).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    const id = await deal(4000);
    const task = await myTask(manager, id);
    expect(task.approval).toMatchObject({ submittedBy: rep.id, comment: 'Auto: Discount 4000', status: 'pending' });
    expect((await rep.api('PATCH', `/api/v1/records/opportunity/${id}`, { amount: 1 })).status).toBe(409);
    expect((await t.api('DELETE', '/api/v1/meta/workflows/auto_discount')).status).toBe(204);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
  });

  it('holds other workflows to the lock, lets an approver who cannot read the record decide, and ends loops through approvals', async () => {
    // A manual workflow the rep starts on their locked deal is held like the rep.
    expect(
      (
        await t.api('POST', '/api/v1/meta/workflows', {
          apiName: 'sneak',
          label: 'Sneak',
          object: 'opportunity',
          trigger: { manual: true },
          actions: [{ type: 'updateRecord', values: { amount: 1 } }],
        })
      ).status,
    ).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    const id = await deal(2500);
    await rep.api('POST', `/api/v1/records/opportunity/${id}/approval`, {});
    const started = await rep.api('POST', '/api/v1/automation/workflows/sneak/run', { records: [id] });
    expect(started.status).toBe(202);
    const run = await waitFor(async () => {
      const r = (await t.api('GET', `/api/v1/automation/runs/${started.body.runs[0].runId}`)).body;
      return r.status === 'failed' ? r : undefined;
    }, 'the sneaky run to fail');
    expect(run.error).toMatch(/locked while its approval is pending/);
    expect((await t.api('GET', `/api/v1/records/opportunity/${id}`)).body.amount).toBe(2500);

    // The manager delegates to a peer who cannot see the rep's deal (opportunities are private): the peer still decides.
    const task = await myTask(manager, id);
    await manager.api('POST', `/api/v1/approvals/${task.id}/delegate`, { user: peer.id });
    expect((await peer.api('GET', `/api/v1/records/opportunity/${id}`)).status).toBe(404);
    const handed = await myTask(peer, id);
    const decided = await peer.api('POST', `/api/v1/approvals/${handed.id}/decision`, { decision: 'approve' });
    expect(decided.status).toBe(200);
    expect(decided.body.status).toBe('approved');

    // A workflow that submits on every amount change, and a process whose approval changes the amount:
    // approved at once (no step applies), onApprove changes the amount, which submits again … until depth 16.
    const loop = {
      apiName: 'loopy',
      label: 'Loopy',
      object: 'opportunity',
      entryCondition: { '==': [{ var: 'description' }, 'loop'] },
      steps: [{ name: 'never', approver: { role: 'ceo' }, condition: false }],
      onApprove: [{ type: 'updateRecord', values: { amount: { '+': [{ var: 'amount' }, 1] } } }],
    };
    expect((await t.api('POST', '/api/v1/meta/approval-processes', loop)).status).toBe(201);
    expect(
      (
        await t.api('POST', '/api/v1/meta/workflows', {
          apiName: 'resubmit',
          label: 'Resubmit',
          object: 'opportunity',
          trigger: { on: 'update', fields: ['amount'] },
          condition: { '==': [{ var: 'description' }, 'loop'] },
          actions: [{ type: 'startApproval', process: 'loopy' }],
        })
      ).status,
    ).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    const looping = (
      await t.api('POST', '/api/v1/records/opportunity', {
        name: 'Loop',
        stage: 'proposal',
        close_date: '2027-02-01',
        amount: 10,
        description: 'loop',
      })
    ).body.id;
    await t.api('PATCH', `/api/v1/records/opportunity/${looping}`, { amount: 11 });
    const stopped = await waitFor(async () => {
      const runs = (await t.api('GET', '/api/v1/automation/runs?workflow=resubmit&limit=200')).body.runs as any[];
      return runs.find((r) => r.status === 'failed');
    }, 'the loop through approvals to stop');
    expect(stopped.error).toMatch(/16 times in a row/);
    expect(stopped.depth).toBeLessThanOrEqual(16);
    for (const apiName of ['sneak', 'resubmit'])
      expect((await t.api('DELETE', `/api/v1/meta/workflows/${apiName}`)).status).toBe(204);
    expect((await t.api('DELETE', '/api/v1/meta/approval-processes/loopy')).status).toBe(204);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
  });
});
