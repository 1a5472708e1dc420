import { describe, expect, it } from 'vitest';
import { createUser } from './support/security.js';
import { newOpportunity, publishWorkflow, runsOf, t, unpublish, useWorkflowEngine } from './support/workflows.js';

/**
 * Workflows that run before the save (`trigger.beforeSave`): their values are part of the write
 * that triggers them — in its answer, its one history entry and its checks — through every path
 * that writes records, and a value they cannot set refuses the write and saves nothing.
 */

useWorkflowEngine();

const opportunity = async (id: string) => (await t.api('GET', `/api/v1/records/opportunity/${id}`)).body;
const count = async () => (await t.sql('select count(*)::int as n from ??.opportunity', [t.schema]))[0].n as number;

describe('before-save workflows as metadata', () => {
  it('refuses a delete trigger and actions other than updateRecord, naming each', async () => {
    const res = await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'bad_before',
      label: 'Bad',
      object: 'opportunity',
      trigger: { on: 'delete', beforeSave: true },
      actions: [
        { type: 'updateRecord', values: { next_step: 'x' } },
        { type: 'notify', to: [{ owner: true }], title: 'x' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors.map((e: any) => `${e.field} ${e.code}`)).toEqual(
      expect.arrayContaining(['/trigger/beforeSave invalid', '/actions/1/type invalid']),
    );
    expect((await t.api('GET', '/api/v1/meta/workflows/bad_before')).status).toBe(404);
  });
});

describe('values set in the write itself', () => {
  it('sets values on create when the condition holds: in the answer and the one history entry, with no run', async () => {
    await publishWorkflow({
      apiName: 'big_deal_next_step',
      label: 'Big deal: next step',
      object: 'opportunity',
      trigger: { on: 'create', beforeSave: true },
      condition: { '>=': [{ var: 'amount' }, 1000] },
      actions: [
        { type: 'updateRecord', values: { next_step: { cat: ['Call about ', { var: 'name' }] } } },
        // A later action sees what the one before it set.
        { type: 'updateRecord', values: { description: { cat: [{ var: 'next_step' }, '!'] } } },
      ],
    });
    // Nothing to capture: the table has no capture triggers, so no outbox row is ever written.
    const [{ n: triggers }] = await t.sql(
      `select count(*)::int as n from pg_trigger g join pg_class c on c.oid = g.tgrelid
       join pg_namespace s on s.oid = c.relnamespace where s.nspname = ? and c.relname = 'opportunity'
       and g.tgname like 'tsr_capture%'`,
      [t.schema],
    );
    expect(triggers).toBe(0);

    const big = await t.api('POST', '/api/v1/records/opportunity', {
      name: 'Big',
      stage: 'proposal',
      close_date: '2027-01-31',
      amount: 5000,
    });
    expect(big.status, JSON.stringify(big.body)).toBe(201);
    expect(big.body).toMatchObject({ next_step: 'Call about Big', description: 'Call about Big!' });
    const history = await t.api('GET', `/api/v1/records/opportunity/${big.body.id}/history`);
    expect(history.body.data.every((h: any) => h.event === 'created')).toBe(true);

    const small = await newOpportunity({ name: 'Small', amount: 10 });
    expect(await opportunity(small)).toMatchObject({ next_step: null, description: null });
    expect(await runsOf('big_deal_next_step')).toEqual([]);
    await unpublish('big_deal_next_step');
  });

  it('on update, fires on the change it waits for, with $old, and takes the read-first path', async () => {
    await publishWorkflow({
      apiName: 'won_probability',
      label: 'Won: probability',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['stage'], changedTo: { stage: 'closed_won' }, beforeSave: true },
      condition: { '!=': [{ var: '$old.stage' }, 'closed_won'] },
      actions: [
        { type: 'updateRecord', values: { probability: 100, next_step: { cat: ['Was ', { var: '$old.stage' }] } } },
      ],
    });
    const id = await newOpportunity({ name: 'Moving', probability: 20 });
    const other = await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { amount: 700 });
    expect(other.body).toMatchObject({ probability: 20, next_step: null });
    const won = await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { stage: 'closed_won' });
    expect(won.status, JSON.stringify(won.body)).toBe(200);
    expect(won.body).toMatchObject({ stage: 'closed_won', probability: 100, next_step: 'Was proposal' });
    const history = (await t.api('GET', `/api/v1/records/opportunity/${id}/history`)).body.data;
    expect(
      history
        .filter((h: any) => h.event === 'updated')
        .map((h: any) => h.field)
        .sort(),
    ).toEqual(['amount', 'amount__currency', 'next_step', 'probability', 'stage']);

    // A bulk update (and a CSV import, which checks its rows the same way) goes through the same checks.
    const second = await newOpportunity({ name: 'Bulk moving' });
    const bulk = await t.api('PATCH', '/api/v1/records/opportunity/bulk', {
      records: [{ id: second, stage: 'closed_won' }],
    });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(200);
    expect(await opportunity(second)).toMatchObject({ probability: 100, next_step: 'Was proposal' });
    await unpublish('won_probability');
  });

  it('refuses the write, saving nothing, when a value does not fit its field', async () => {
    await publishWorkflow({
      apiName: 'bad_value',
      label: 'Bad value',
      object: 'opportunity',
      trigger: { on: 'createOrUpdate', beforeSave: true },
      condition: { '==': [{ var: 'next_step' }, 'break it'] },
      actions: [{ type: 'updateRecord', values: { probability: { cat: ['not ', 'a number'] } } }],
    });
    const before = await count();
    const res = await t.api('POST', '/api/v1/records/opportunity', {
      name: 'Broken',
      stage: 'proposal',
      close_date: '2027-01-31',
      next_step: 'break it',
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([
      expect.objectContaining({
        field: 'probability',
        code: 'workflow',
        message: expect.stringContaining('bad_value'),
      }),
    ]);
    expect(await count()).toBe(before);
    await unpublish('bad_value');
  });

  it("applies the triggering user's field permissions unless it runs as system", async () => {
    const set = {
      apiName: 'no_next_step',
      label: 'Sales without next step',
      objects: { opportunity: { read: true, create: true, edit: true } },
      fields: { 'opportunity.next_step': { read: true, edit: false } },
    };
    expect((await t.api('POST', '/api/v1/meta/permission-sets', set)).status).toBe(201);
    const workflow = {
      apiName: 'stamp_next_step',
      label: 'Stamp next step',
      object: 'opportunity',
      trigger: { on: 'create', beforeSave: true },
      actions: [{ type: 'updateRecord', values: { next_step: 'Qualify' } }],
    };
    await publishWorkflow(workflow);
    const rep = await createUser(t, { name: 'Limited rep', permissionSets: ['no_next_step'] });
    const body = { name: 'Rep deal', stage: 'proposal', close_date: '2027-01-31' };
    const before = await count();
    const refused = await rep.api('POST', '/api/v1/records/opportunity', body);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        field: 'next_step',
        code: 'fieldPermission',
        message: expect.stringContaining('stamp_next_step'),
      }),
    ]);
    expect(await count()).toBe(before);

    expect(
      (await t.api('PUT', '/api/v1/meta/workflows/stamp_next_step', { ...workflow, runAs: 'system' })).status,
    ).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    const made = await rep.api('POST', '/api/v1/records/opportunity', body);
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect(made.body.next_step).toBe('Qualify');
    await unpublish('stamp_next_step');
  });
});
