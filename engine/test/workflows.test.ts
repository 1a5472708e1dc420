import { describe, expect, it } from 'vitest';
import { createUser, waitFor } from './support/security.js';
import {
  drained,
  newOpportunity,
  publishWorkflow,
  runsOf,
  settled,
  t,
  unpublish,
  useWorkflowEngine,
} from './support/workflows.js';

/**
 * Record-triggered workflows end to end: saved and checked as metadata, published, fired by the
 * capture triggers in the transaction of each change, run from the job queue; the runs API.
 */

useWorkflowEngine();

describe('workflows as metadata', () => {
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
        { type: 'email', to: [{ field: 'name' }], subject: 'Hi {{nobody}}', body: 'x' },
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
        '/actions/2/to/0/field type',
        '/actions/2/subject reference',
      ]),
    );
    expect((await t.api('GET', '/api/v1/meta/workflows/bad_refs')).status).toBe(404);
  });
});

describe('renames', () => {
  it('a workflow follows its renamed object and fields wherever it names them, and still runs', async () => {
    const gadget = {
      apiName: 'gadget',
      label: 'Gadget',
      pluralLabel: 'Gadgets',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name' },
        { apiName: 'status', type: 'text', label: 'Status' },
        { apiName: 'note', type: 'text', label: 'Note' },
      ],
    };
    expect((await t.api('POST', '/api/v1/meta/objects', gadget)).status).toBe(201);
    await publishWorkflow({
      apiName: 'gadget_done',
      label: 'Gadget done',
      object: 'gadget',
      trigger: { on: 'update', fields: ['status'], changedTo: { status: 'done' } },
      condition: { '!=': [{ var: '$old.status' }, { var: 'note' }] },
      actions: [
        { type: 'updateRecord', values: { note: { cat: ['was ', { var: '$old.status' }] } } },
        { type: 'notify', to: [{ owner: true }], title: '{{name}} is {{ status }}' },
      ],
    });
    const saved = (await t.api('GET', '/api/v1/meta/objects/gadget')).body;
    const renamed = {
      ...saved,
      apiName: 'gizmo',
      fields: saved.fields.map((f: any) => (f.apiName === 'status' ? { ...f, apiName: 'state' } : f)),
    };
    expect((await t.api('PUT', '/api/v1/meta/objects/gadget', renamed)).status).toBe(200);
    const workflow = (await t.api('GET', '/api/v1/meta/workflows/gadget_done')).body;
    expect(workflow).toMatchObject({
      object: 'gizmo',
      trigger: { on: 'update', fields: ['state'], changedTo: { state: 'done' } },
      condition: { '!=': [{ var: '$old.state' }, { var: 'note' }] },
      actions: [
        { type: 'updateRecord', values: { note: { cat: ['was ', { var: '$old.state' }] } } },
        { type: 'notify', title: '{{name}} is {{state}}' },
      ],
    });
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    const made = await t.api('POST', '/api/v1/records/gizmo', { name: 'G1', state: 'new' });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await t.api('PATCH', `/api/v1/records/gizmo/${made.body.id}`, { state: 'done' })).status).toBe(200);
    const [run] = await settled('gadget_done', 1);
    expect(run.status).toBe('succeeded');
    expect((await t.api('GET', `/api/v1/records/gizmo/${made.body.id}`)).body.note).toBe('was new');
    await unpublish('gadget_done');
  });
});

describe('record-triggered runs', () => {
  it('runs an update action when the trigger and condition hold, and only then', async () => {
    await publishWorkflow({
      apiName: 'won_next_step',
      label: { en: 'Won: next step', 'zh-CN': '赢单：下一步' },
      object: 'opportunity',
      trigger: { on: 'update', changedTo: { stage: 'closed_won' } },
      condition: { '!=': [{ var: '$old.stage' }, 'closed_lost'] },
      actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Kick-off for ', { var: 'name' }] } } }],
    });
    const id = await newOpportunity();
    // Another field changing is not the trigger; nor is a change from closed_lost (the condition).
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { amount: 100 })).status).toBe(200);
    const lost = await newOpportunity({ stage: 'closed_lost', name: 'Lost one' });
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${lost}`, { stage: 'closed_won' })).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { stage: 'closed_won' })).status).toBe(200);
    const [run] = await settled('won_next_step', 1);
    await drained();
    expect(await runsOf('won_next_step')).toHaveLength(1);
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
    await unpublish('won_next_step');
  });

  it('fires nothing for a write that rolls back, and fires for bulk writes and imports', async () => {
    await publishWorkflow({
      apiName: 'follow_up',
      label: 'Follow-up task',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [
        {
          type: 'createRecord',
          object: 'activity',
          values: { subject: { cat: ['Call about ', { var: 'name' }] }, activity_type: 'call' },
        },
      ],
    });
    // All or none: the second record fails, so the first is rolled back with its event.
    const bulk = await t.api('POST', '/api/v1/records/opportunity/bulk', {
      allOrNone: true,
      records: [
        { name: 'Rolled back', stage: 'proposal', close_date: '2027-01-31' },
        { name: 'Bad', stage: 'no_such_stage', close_date: '2027-01-31' },
      ],
    });
    expect(bulk.status).toBe(422);
    await drained();
    expect(await runsOf('follow_up')).toHaveLength(0);

    const ok = await t.api('POST', '/api/v1/records/opportunity/bulk', {
      records: [
        { name: 'Bulk one', stage: 'proposal', close_date: '2027-01-31' },
        { name: 'Bulk two', stage: 'proposal', close_date: '2027-01-31' },
      ],
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const csv = 'name,stage,close_date\nImported,proposal,2027-02-01\n';
    const imported = await t.api('POST', '/api/v1/records/opportunity/import', csv, { 'content-type': 'text/csv' });
    expect(imported.status, JSON.stringify(imported.body)).toBeLessThan(300);
    const runs = await settled('follow_up', 3);
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const tasks = await t.api(
      'GET',
      `/api/v1/records/activity?filter=${encodeURIComponent(JSON.stringify({ subject: { startsWith: 'Call about ' } }))}`,
    );
    expect(tasks.body.data.map((r: any) => r.subject).sort()).toEqual([
      'Call about Bulk one',
      'Call about Bulk two',
      'Call about Imported',
    ]);
    await unpublish('follow_up');
  });

  it('lets a workflow that sets its own trigger field settle, and stops a loop at depth 16', async () => {
    await publishWorkflow({
      apiName: 'settles',
      label: 'Settles',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['next_step'] },
      actions: [{ type: 'updateRecord', values: { next_step: 'reviewed' } }],
    });
    const id = await newOpportunity();
    await t.api('PATCH', `/api/v1/records/opportunity/${id}`, { next_step: 'call them' });
    // Its own change (call them → reviewed) triggers it once more, which finds nothing to change.
    const runs = await settled('settles', 2);
    await drained();
    expect((await runsOf('settles')).length).toBe(2);
    expect(runs.map((r) => r.depth).sort()).toEqual([0, 1]);
    expect((await t.api('GET', `/api/v1/records/opportunity/${id}`)).body.next_step).toBe('reviewed');
    await unpublish('settles');

    // Two workflows that keep changing each other's field: a loop only the depth guard ends.
    await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'ping',
      label: 'Ping',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['amount'] },
      actions: [{ type: 'updateRecord', values: { probability: { '%': [{ '+': [{ var: 'amount' }, 1] }, 100] } } }],
    });
    await publishWorkflow({
      apiName: 'pong',
      label: 'Pong',
      object: 'opportunity',
      trigger: { on: 'update', fields: ['probability'] },
      actions: [{ type: 'updateRecord', values: { amount: { '+': [{ var: 'amount' }, 1] } } }],
    });
    const looped = await newOpportunity({ amount: 1 });
    await t.api('PATCH', `/api/v1/records/opportunity/${looped}`, { amount: 2 });
    const stopped = await waitFor(async () => {
      const runs = [...(await runsOf('ping')), ...(await runsOf('pong'))];
      return runs.find((r) => r.status === 'failed');
    }, 'the loop to be stopped');
    expect(stopped.depth).toBe(16);
    expect(stopped.error).toMatch(/16 times in a row/);
    await drained();
    const all = [...(await runsOf('ping')), ...(await runsOf('pong'))];
    expect(all).toHaveLength(17);
    expect(all.filter((r) => r.status === 'succeeded')).toHaveLength(16);
    // The engine is healthy: it answers and writes.
    expect((await t.api('GET', `/api/v1/records/opportunity/${looped}`)).status).toBe(200);
    await unpublish('ping');
    await unpublish('pong');
  });

  it('runs as the triggering user (their permissions fail the run, with the reason) unless runAs is system', async () => {
    const workflow = {
      apiName: 'needs_rights',
      label: 'Needs rights',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [
        { type: 'createRecord', object: 'product', values: { name: { cat: ['Product of ', { var: 'name' }] } } },
      ],
    };
    await publishWorkflow(workflow);
    // A sales rep may create opportunities but only read products.
    const rep = await createUser(t, { name: 'Rep', permissionSets: ['sales_user'] });
    await newOpportunity({ name: 'Rep deal' }, rep.api);
    const [refused] = await settled('needs_rights', 1);
    expect(refused).toMatchObject({ status: 'failed', userId: rep.id });
    expect(refused.error).toMatch(/createRecord/);
    const detail = await t.api('GET', `/api/v1/automation/runs/${refused.id}`);
    expect(detail.body.steps).toEqual([expect.objectContaining({ status: 'failed', attempt: 1 })]);

    expect((await t.api('PUT', '/api/v1/meta/workflows/needs_rights', { ...workflow, runAs: 'system' })).status).toBe(
      200,
    );
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    await newOpportunity({ name: 'Rep deal 2' }, rep.api);
    const runs = await settled('needs_rights', 2);
    expect(runs[0]).toMatchObject({ status: 'succeeded', userId: rep.id });
    const product = await t.api(
      'GET',
      `/api/v1/records/product?filter=${encodeURIComponent(JSON.stringify({ name: 'Product of Rep deal 2' }))}`,
    );
    expect(product.body.data).toHaveLength(1);

    // A failed run retried (after the admin changed the workflow) runs on the definition it started with.
    const retried = await t.api('POST', `/api/v1/automation/runs/${refused.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.status).toBe('queued');
    const again = await waitFor(async () => {
      const run = (await t.api('GET', `/api/v1/automation/runs/${refused.id}`)).body;
      return run.status === 'failed' && run.steps.length === 2 ? run : undefined;
    }, 'the retried run to fail again');
    expect(again.steps.map((s: any) => s.attempt)).toEqual([1, 2]);
    expect((await t.api('POST', `/api/v1/automation/runs/${runs[0].id}/retry`)).status).toBe(409);
    await unpublish('needs_rights');
  });
});

describe('the runs API', () => {
  it('is for admins, with checked parameters', async () => {
    const rep = await createUser(t, { name: 'Runs rep', permissionSets: ['sales_user'] });
    const res = await rep.api('GET', '/api/v1/automation/runs');
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    for (const [query, field] of [
      ['status=done', 'status'],
      ['limit=0', 'limit'],
      ['record=x', 'record'],
      ['workflow=Bad-Name', 'workflow'],
      ['status=failed&status=queued', 'status'],
    ]) {
      const bad = await t.api('GET', `/api/v1/automation/runs?${query}`);
      expect(bad.status, query).toBe(400);
      expect(bad.body.errors[0].field).toBe(field);
    }
    expect((await t.api('GET', '/api/v1/automation/runs/00000000-0000-7000-8000-000000000000')).status).toBe(404);
  });
});

describe('what a metadata manager who is not an admin may do', () => {
  it('cannot save a workflow that acts beyond their grants, nor read record values through runs', async () => {
    for (const set of [
      { apiName: 'meta_only', label: 'Metadata only', system: ['manageMetadata', 'apiAccess'] },
      { apiName: 'users_only', label: 'Users only', system: ['manageUsers', 'apiAccess'] },
    ])
      expect((await t.api('POST', '/api/v1/meta/permission-sets', set)).status).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    const designer = await createUser(t, { name: 'Designer', permissionSets: ['meta_only'] });
    const userAdmin = await createUser(t, { name: 'User admin', permissionSets: ['users_only'] });
    expect((await designer.api('GET', '/api/v1/records/opportunity')).status).toBe(404);

    const base = {
      label: 'Beyond',
      object: 'opportunity',
      actions: [{ type: 'updateRecord', values: { next_step: 'x' } }],
    };
    const system = await designer.api('POST', '/api/v1/meta/workflows', {
      ...base,
      apiName: 'as_system',
      trigger: { on: 'create' },
      runAs: 'system',
    });
    expect(system.status).toBe(403);
    expect(system.body.errors[0]).toMatchObject({ field: 'runAs', code: 'automationGrant' });
    const me = (await t.api('GET', '/api/v1/auth/me')).body;
    const inbound = await designer.api('POST', '/api/v1/meta/workflows', {
      ...base,
      apiName: 'as_admin',
      trigger: { inbound: true, user: (me.user ?? me).id },
    });
    expect(inbound.status).toBe(403);
    expect(inbound.body.errors[0]).toMatchObject({ field: 'trigger', code: 'automationGrant' });
    for (const name of ['as_system', 'as_admin'])
      expect((await t.api('GET', `/api/v1/meta/workflows/${name}`)).status).toBe(404);

    // A workflow within their grants saves; its runs show them no record values.
    expect(
      (await designer.api('POST', '/api/v1/meta/workflows', { ...base, apiName: 'plain', trigger: { on: 'create' } }))
        .status,
    ).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    await newOpportunity({ name: 'Secret deal', amount: 999 });
    const [run] = await settled('plain', 1);
    const seen = (await designer.api('GET', `/api/v1/automation/runs/${run.id}`)).body;
    expect(seen.record).toEqual({});
    expect(JSON.stringify(seen)).not.toContain('Secret deal');
    expect((await t.api('GET', `/api/v1/automation/runs/${run.id}`)).body.record.name).toBe('Secret deal');
    // Workflows hold secrets: a user manager does not read them, neither in the draft nor in a release.
    expect((await userAdmin.api('GET', '/api/v1/meta/workflows')).status).toBe(403);
    const hooked = await publishWorkflow({
      apiName: 'hooked',
      label: 'Hooked',
      object: 'opportunity',
      trigger: { on: 'delete' },
      actions: [{ type: 'webhook', url: 'http://127.0.0.1:9/hook' }],
    });
    const secret = hooked.actions[0].secret as string;
    expect(secret).toMatch(/^whsec_/);
    const releases = (await t.api('GET', '/api/v1/meta/releases')).body.data as { n: number }[];
    const newest = Math.max(...releases.map((r) => r.n));
    const asUserAdmin = await userAdmin.api('GET', `/api/v1/meta/releases/${newest}`);
    expect(asUserAdmin.status).toBe(200);
    expect(asUserAdmin.body.snapshot.roles).toBeDefined();
    expect(JSON.stringify(asUserAdmin.body)).not.toContain(secret);
    expect(JSON.stringify((await t.api('GET', `/api/v1/meta/releases/${newest}`)).body)).toContain(secret);
    await unpublish('hooked');
    await unpublish('plain');
  });
});

describe('the outbox', () => {
  it('keeps no changes of objects no active workflow listens to any more', async () => {
    await publishWorkflow({
      apiName: 'listening',
      label: 'Listening',
      object: 'opportunity',
      trigger: { on: 'create' },
      actions: [{ type: 'updateRecord', values: { next_step: 'heard' } }],
    });
    // A change captured but not yet dispatched when the workflow goes away (the worker stopped,
    // so nothing drains it meanwhile; this is the file's last test).
    await t.engine.automation.stop();
    const [{ id: objectId }] = await t.sql(
      `select id from ${t.schema}._meta_draft where kind = 'object' and api_name = 'opportunity'`,
    );
    await t.sql(
      `insert into ${t.schema}._automation_outbox (object_id, record_id, event, new_row) values (?, gen_random_uuid(), 'created', '{}')`,
      [objectId],
    );
    await unpublish('listening');
    const [{ n }] = await t.sql(`select count(*)::int as n from ${t.schema}._automation_outbox`);
    expect(n).toBe(0);
  });
});
