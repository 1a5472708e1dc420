import { describe, expect, it } from 'vitest';
import { createUser, waitFor } from './support/security.js';
import {
  newOpportunity,
  publishWorkflow,
  runsOf,
  settled,
  t,
  unpublish,
  useWorkflowEngine,
} from './support/workflows.js';

/** Actions inside Tessera: changing related records, waiting, notifying users. */

useWorkflowEngine();

describe('updateRelated', () => {
  it('changes the parent through a lookup, and the records of a related list', async () => {
    const account = (await t.api('POST', '/api/v1/records/account', { name: 'Related Inc', rating: 'warm' })).body.id;
    const contacts = [];
    for (const last_name of ['One', 'Two'])
      contacts.push((await t.api('POST', '/api/v1/records/contact', { last_name, account })).body.id);
    const elsewhere = (await t.api('POST', '/api/v1/records/contact', { last_name: 'Elsewhere' })).body.id;
    await publishWorkflow({
      apiName: 'won_account_hot',
      label: 'Won: account hot',
      object: 'opportunity',
      trigger: { on: 'update', changedTo: { stage: 'closed_won' } },
      actions: [{ type: 'updateRelated', parent: 'account', values: { rating: 'hot' } }],
    });
    await publishWorkflow({
      apiName: 'hot_contacts',
      label: 'Hot account: call its contacts',
      object: 'account',
      trigger: { on: 'update', changedTo: { rating: 'hot' } },
      actions: [
        {
          type: 'updateRelated',
          children: { object: 'contact', lookup: 'account' },
          filter: { last_name: { ne: 'Two' } },
          values: { title: { cat: ['Call: ', { var: 'name' }] } },
        },
      ],
    });
    const opp = await newOpportunity({ name: 'Related deal', account });
    await t.api('PATCH', `/api/v1/records/opportunity/${opp}`, { stage: 'closed_won' });
    await settled('won_account_hot', 1);
    const [run] = await settled('hot_contacts', 1);
    expect(run, run.error).toMatchObject({ status: 'succeeded', depth: 1 });
    expect((await t.api('GET', `/api/v1/records/account/${account}`)).body.rating).toBe('hot');
    const titles = await Promise.all(
      [...contacts, elsewhere].map(async (id) => (await t.api('GET', `/api/v1/records/contact/${id}`)).body.title),
    );
    expect(titles).toEqual(['Call: Related Inc', null, null]);

    const bad = await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'bad_related',
      label: 'x',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [
        { type: 'updateRelated', parent: 'name', values: { rating: 'hot' } },
        { type: 'updateRelated', children: { object: 'contact', lookup: 'account' }, values: { title: 'x' } },
      ],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['/actions/0/parent', '/actions/1/children/lookup']);
    await unpublish('won_account_hot');
    await unpublish('hot_contacts');
  });
});

describe('wait', () => {
  it('parks the run until its time, then does the actions after it', async () => {
    await publishWorkflow({
      apiName: 'later',
      label: 'Later',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [
        { type: 'updateRecord', values: { next_step: 'now' } },
        { type: 'wait', for: 'PT2S' },
        { type: 'updateRecord', values: { description: 'two seconds later' } },
      ],
    });
    const id = await newOpportunity({ name: 'Waits' });
    const waiting = await waitFor(async () => {
      const [run] = await runsOf('later');
      return run?.status === 'waiting' ? run : undefined;
    }, 'the run to wait');
    const during = (await t.api('GET', `/api/v1/records/opportunity/${id}`)).body;
    expect([during.next_step, during.description]).toEqual(['now', null]);
    const [run] = await settled('later', 1);
    expect(run.status).toBe('succeeded');
    expect(new Date(run.finishedAt).getTime() - new Date(waiting.createdAt).getTime()).toBeGreaterThanOrEqual(2000);
    expect((await t.api('GET', `/api/v1/records/opportunity/${id}`)).body.description).toBe('two seconds later');
    const steps = (await t.api('GET', `/api/v1/automation/runs/${run.id}`)).body.steps;
    expect(steps.map((s: any) => [s.step, s.action, s.status])).toEqual([
      [0, 'updateRecord', 'succeeded'],
      [1, 'wait', 'succeeded'],
      [2, 'updateRecord', 'succeeded'],
    ]);
    expect(steps[1].output.until).toMatch(/^\d{4}-/);
    for (const bad of ['P1M', 'P400D', 'soon'])
      expect(
        (
          await t.api('POST', '/api/v1/meta/workflows', {
            apiName: 'bad_wait',
            label: 'x',
            object: 'opportunity',
            trigger: { on: 'create' },
            actions: [{ type: 'wait', for: bad }],
          })
        ).status,
        bad,
      ).toBe(422);
    await unpublish('later');
  });
});

describe('notifications', () => {
  it("notify puts one notification per user in their bell: a user, a role, the owner and the owner's manager", async () => {
    const roles = (await t.api('GET', '/api/v1/meta/roles')).body.data as { apiName: string; parent?: string }[];
    const child = roles.find((r) => r.parent)!;
    const rep = await createUser(t, { name: 'Bell rep', role: child.apiName, permissionSets: ['sales_user'] });
    const manager = await createUser(t, { name: 'Bell manager', role: child.parent!, permissionSets: ['sales_user'] });
    await publishWorkflow({
      apiName: 'bell',
      label: 'Bell',
      object: 'opportunity',
      trigger: { on: 'update', changedTo: { stage: 'negotiation' } },
      actions: [
        {
          type: 'notify',
          to: [{ owner: true }, { ownerManager: true }, { user: rep.id }],
          title: '{{name}} is in negotiation',
          body: 'Next step: {{next_step}}',
        },
      ],
    });
    const id = await newOpportunity({ name: 'Bell deal', next_step: 'send terms' }, rep.api);
    expect((await rep.api('PATCH', `/api/v1/records/opportunity/${id}`, { stage: 'negotiation' })).status).toBe(200);
    const [run] = await settled('bell', 1);
    expect(run.status).toBe('succeeded');
    const mine = (await rep.api('GET', '/api/v1/notifications')).body;
    // The rep is the owner and named by id: one notification, not two.
    expect(mine.unread).toBe(1);
    expect(mine.data).toEqual([
      expect.objectContaining({
        title: 'Bell deal is in negotiation',
        body: 'Next step: send terms',
        object: 'opportunity',
        recordId: id,
        runId: run.id,
        readAt: null,
      }),
    ]);
    expect((await manager.api('GET', '/api/v1/notifications')).body.unread).toBe(1);
    expect((await t.api('GET', '/api/v1/notifications')).body.data.some((n: any) => n.recordId === id)).toBe(false);

    // Each reads and marks only their own.
    const notification = mine.data[0].id;
    expect((await manager.api('POST', `/api/v1/notifications/${notification}/read`)).status).toBe(404);
    expect((await rep.api('POST', `/api/v1/notifications/${notification}/read`)).status).toBe(204);
    expect((await rep.api('GET', '/api/v1/notifications?unread=true')).body).toEqual({ data: [], unread: 0 });
    expect((await manager.api('POST', '/api/v1/notifications/read')).body).toEqual({ marked: 1 });
    expect((await manager.api('GET', '/api/v1/notifications')).body.unread).toBe(0);
    expect((await rep.api('GET', '/api/v1/notifications?limit=0')).status).toBe(400);
    await unpublish('bell');
  });
});
