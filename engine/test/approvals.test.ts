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
    expect((await manager.api('POST', `/api/v1/records/opportunity/${small}/approval/recall`, {})).status).toBe(409);
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
});
