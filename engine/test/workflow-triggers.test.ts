import { describe, expect, it } from 'vitest';
import { createUser } from './support/security.js';
import {
  newOpportunity,
  publishWorkflow,
  runsOf,
  settled,
  t,
  unpublish,
  useWorkflowEngine,
} from './support/workflows.js';

/** The other ways a workflow starts: a person's button, a schedule, a date, a POST from another system. */

useWorkflowEngine();

describe('manual workflows', () => {
  it('run for the records a person picks, as that person, and show as buttons to those who see the object', async () => {
    await publishWorkflow({
      apiName: 'escalate',
      label: { en: 'Escalate', 'zh-CN': '升级' },
      object: 'opportunity',
      trigger: { manual: true },
      condition: { '!=': [{ var: 'stage' }, 'closed_lost'] },
      actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Escalated by ', { var: 'name' }] } } }],
    });
    const rep = await createUser(t, { name: 'Manual rep', permissionSets: ['sales_user'] });
    const support = await createUser(t, { name: 'Support', permissionSets: ['support_user'] });
    const runtime = async (api: typeof t.api) => (await api('GET', '/api/v1/meta/runtime')).body.actions;
    expect(await runtime(rep.api)).toEqual([
      { apiName: 'escalate', label: { en: 'Escalate', 'zh-CN': '升级' }, object: 'opportunity' },
    ]);
    expect(await runtime(support.api)).toEqual([]);

    const open = await newOpportunity({ name: 'Open deal' }, rep.api);
    const lost = await newOpportunity({ name: 'Lost deal', stage: 'closed_lost', description: 'price' }, rep.api);
    const res = await rep.api('POST', '/api/v1/automation/workflows/escalate/run', { records: [open, lost] });
    expect(res.status).toBe(202);
    expect(res.body.skipped).toEqual([{ recordId: lost, reason: 'the condition does not hold' }]);
    expect(res.body.runs).toEqual([{ recordId: open, runId: expect.any(String) }]);
    const [run] = await settled('escalate', 1);
    expect(run).toMatchObject({ status: 'succeeded', event: 'manual', userId: rep.id, recordId: open });
    expect((await rep.api('GET', `/api/v1/records/opportunity/${open}`)).body.next_step).toBe('Escalated by Open deal');

    // A record the caller cannot see (opportunities are private) answers as one that does not
    // exist, and starts nothing; so does a workflow on an object they do not see.
    const hidden = await newOpportunity({ name: 'Admin only' });
    const refused = await rep.api('POST', '/api/v1/automation/workflows/escalate/run', { records: [hidden] });
    expect(refused.status).toBe(404);
    expect(refused.body).toEqual((await rep.api('GET', `/api/v1/records/opportunity/${hidden}`)).body);
    expect(await runsOf('escalate')).toHaveLength(1);
    expect((await support.api('POST', '/api/v1/automation/workflows/escalate/run', { records: [open] })).status).toBe(
      404,
    );
    expect((await rep.api('POST', '/api/v1/automation/workflows/nope/run', { records: [open] })).status).toBe(404);
    for (const body of [{}, { records: [] }, { records: 'x' }, { records: [1] }]) {
      const bad = await rep.api('POST', '/api/v1/automation/workflows/escalate/run', body);
      expect(bad.status, JSON.stringify(body)).toBe(422);
      expect(bad.body.errors[0].field).toBe('records');
    }
    await unpublish('escalate');
  });
});

describe('time-based triggers (the clock controlled)', () => {
  const at = (iso: string) => t.engine.automation.schedule(new Date(iso));

  it('a date-relative trigger fires once per record when its time comes, and again when the date moves', async () => {
    const soon = await newOpportunity({ name: 'Closes soon', close_date: '2027-05-10' });
    await publishWorkflow({
      apiName: 'before_close',
      label: 'Three days before close',
      object: 'opportunity',
      trigger: { relativeTo: 'close_date', offset: '-P3D', filter: { stage: { ne: 'closed_lost' } } },
      actions: [{ type: 'updateRecord', values: { next_step: { cat: ['Closing on ', { var: 'close_date' }] } } }],
    });
    await at('2027-05-01T00:00:00Z'); // first seen: nothing before now fires
    await newOpportunity({
      name: 'Lost, filtered out',
      close_date: '2027-05-10',
      stage: 'closed_lost',
      description: 'x',
    });
    await at('2027-05-06T23:59:59Z');
    expect(await runsOf('before_close')).toHaveLength(0);
    await at('2027-05-07T00:00:00Z');
    await at('2027-05-07T06:00:00Z'); // the same time twice: once
    const [first] = await settled('before_close', 1);
    expect(first).toMatchObject({ status: 'succeeded', recordId: soon, event: 'scheduled' });
    expect((await t.api('GET', `/api/v1/records/opportunity/${soon}`)).body.next_step).toBe('Closing on 2027-05-10');

    // The date moves: the time moves with it.
    await t.api('PATCH', `/api/v1/records/opportunity/${soon}`, { close_date: '2027-05-20' });
    await at('2027-05-16T12:00:00Z');
    expect(await runsOf('before_close')).toHaveLength(1);
    await at('2027-05-17T00:00:01Z');
    const runs = await settled('before_close', 2);
    expect(runs.map((r) => r.recordId)).toEqual([soon, soon]);
    expect((await t.api('GET', `/api/v1/records/opportunity/${soon}`)).body.next_step).toBe('Closing on 2027-05-20');
    await unpublish('before_close');
  });

  it('a relative trigger fires for a date set late (already due when saved), once, and never before it was seen', async () => {
    const now = Date.now();
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    await publishWorkflow({
      apiName: 'late_date',
      label: 'Late date',
      object: 'opportunity',
      trigger: { relativeTo: 'close_date', offset: '-P3D' },
      actions: [{ type: 'updateRecord', values: { next_step: 'Closing soon' } }],
    });
    await at(new Date(now - 2 * 86_400_000).toISOString()); // first seen two days ago
    await at(new Date(now - 60_000).toISOString()); // the last pass, a minute ago
    // Saved now, due yesterday at midnight (after the workflow was first seen): fires at the next pass.
    const late = await newOpportunity({ name: 'Set late', close_date: day(now + 2 * 86_400_000) });
    // Due four days ago, before the workflow was first seen: never.
    await newOpportunity({ name: 'Long past', close_date: day(now - 86_400_000) });
    await at(new Date(now).toISOString());
    await at(new Date(now + 1000).toISOString());
    expect((await settled('late_date', 1)).map((r) => r.recordId)).toEqual([late]);
    await unpublish('late_date');
  });

  it('a time-based workflow turned off and on again does not fire for what came due while it was off', async () => {
    const workflow = {
      apiName: 'off_and_on',
      label: 'Off and on',
      object: 'opportunity',
      trigger: { relativeTo: 'close_date', offset: '-P1D', filter: { name: { startsWith: 'OffOn' } } },
      actions: [{ type: 'updateRecord', values: { next_step: 'due tomorrow' } }],
    };
    const early = await newOpportunity({ name: 'OffOn early', close_date: '2029-01-10' });
    const late = await newOpportunity({ name: 'OffOn late', close_date: '2029-01-20' });
    await publishWorkflow(workflow);
    await at('2029-01-01T00:00:00Z');
    const turn = async (active: boolean) => {
      expect((await t.api('PUT', '/api/v1/meta/workflows/off_and_on', { ...workflow, active })).status).toBe(200);
      expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    };
    await turn(false);
    await at('2029-01-12T00:00:00Z'); // the early one came due (01-09) while it was off
    await turn(true);
    await at('2029-01-13T00:00:00Z');
    await at('2029-01-19T00:00:01Z');
    const runs = await settled('off_and_on', 1);
    expect(runs.map((r) => r.recordId)).toEqual([late]);
    expect((await t.api('GET', `/api/v1/records/opportunity/${early}`)).body.next_step).toBeNull();
    await unpublish('off_and_on');
  });

  it('a relative trigger looks at every record that came due, page after page, however many', async () => {
    // More than one firing used to take (10,000), in pages of 500.
    const total = 10_050;
    const records = Array.from({ length: total }, (_, i) => ({
      name: `Paged ${i}`,
      stage: 'proposal',
      close_date: '2028-03-10',
    }));
    for (const part of [records.slice(0, 10_000), records.slice(10_000)]) {
      const bulk = await t.api('POST', '/api/v1/records/opportunity/bulk', { records: part });
      expect(bulk.status, JSON.stringify(bulk.body).slice(0, 300)).toBe(200);
    }
    const workflow = await publishWorkflow({
      apiName: 'paged',
      label: 'Paged',
      object: 'opportunity',
      trigger: { relativeTo: 'close_date', offset: 'P1D', filter: { name: { startsWith: 'Paged' } } },
      // Every firing is claimed; the condition then starts no run (10,050 runs would only slow the test).
      condition: { '==': [{ var: 'stage' }, 'closed_won'] },
      actions: [{ type: 'updateRecord', values: { next_step: 'x' } }],
    });
    await at('2028-03-01T00:00:00Z');
    await at('2028-03-11T00:00:00Z');
    const fired = await t.sql(
      'select count(*)::int as n from ??._automation_fired where workflow_id = ? and key like ?',
      [t.schema, workflow.id, '%@%'],
    );
    expect(fired[0].n).toBe(total);
    expect(await runsOf('paged')).toEqual([]);
    await unpublish('paged');
  });

  it('a schedule fires at its cron times in its time zone, for the records its filter matches; missed times once', async () => {
    await publishWorkflow({
      apiName: 'daily_nudge',
      label: 'Daily nudge',
      object: 'opportunity',
      trigger: {
        schedule: '0 9 * * *',
        timezone: 'Asia/Shanghai',
        filter: { and: [{ stage: { eq: 'prospecting' } }, { name: { startsWith: 'Nudge' } }] },
      },
      actions: [{ type: 'updateRecord', values: { description: { cat: ['nudged ', { var: 'name' }] } } }],
    });
    await at('2027-06-01T00:00:00Z');
    const prospect = await newOpportunity({ name: 'Nudge me', stage: 'prospecting' });
    await newOpportunity({ name: 'Nudge not', stage: 'proposal' });
    await at('2027-06-01T00:59:00Z'); // 08:59 in Shanghai
    expect(await runsOf('daily_nudge')).toHaveLength(0);
    await at('2027-06-01T01:00:30Z'); // 09:00:30
    await at('2027-06-01T01:00:40Z');
    expect((await settled('daily_nudge', 1)).map((r) => r.recordId)).toEqual([prospect]);
    await at('2027-06-03T05:00:00Z'); // two 9:00s since: one firing
    expect(await settled('daily_nudge', 2)).toHaveLength(2);
    expect((await t.api('GET', `/api/v1/records/opportunity/${prospect}`)).body.description).toBe('nudged Nudge me');
    await unpublish('daily_nudge');
  });

  it('refuses schedules, zones, fields and offsets it cannot read', async () => {
    for (const [trigger, field] of [
      [{ schedule: 'every day' }, '/trigger/schedule'],
      [{ schedule: '0 9 * * *', timezone: 'Mars/Olympus' }, '/trigger/timezone'],
      [{ schedule: '0 9 * * *', filter: { nope: { eq: 1 } } }, '/trigger/filter/nope'],
      [{ relativeTo: 'name', offset: '-P3D' }, '/trigger/relativeTo'],
      [{ relativeTo: 'close_date', offset: 'three days' }, '/trigger/offset'],
    ] as const) {
      const res = await t.api('POST', '/api/v1/meta/workflows', {
        apiName: 'bad_time',
        label: 'x',
        object: 'opportunity',
        trigger,
        actions: [{ type: 'updateRecord', values: { next_step: 'x' } }],
      });
      expect(res.status, JSON.stringify(trigger)).toBe(422);
      expect(
        res.body.errors.map((e: any) => e.field),
        JSON.stringify(trigger),
      ).toContain(field);
    }
  });
});

describe('inbound workflows', () => {
  it('turn a POST to their secret URL into a record written as their user, run their actions, and keep loops bounded', async () => {
    // A sales user may only read products: an inbound workflow writing as them is refused.
    const integration = await createUser(t, { name: 'ERP integration', permissionSets: ['sales_user'] });
    const me = (await t.api('GET', '/api/v1/auth/me')).body;
    const admin = me.user ?? me;
    const saved = await publishWorkflow({
      apiName: 'erp_products',
      label: 'Products from the ERP',
      object: 'product',
      trigger: { inbound: true, user: admin.id, upsertOn: 'product_code' },
      condition: { '!!': [{ var: 'list_price' }] },
      actions: [
        { type: 'updateRecord', values: { description: { cat: ['From the ERP: ', { var: 'product_code' }] } } },
      ],
    });
    const secret = saved.trigger.secret as string;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const post = (body: unknown, headers: Record<string, string> = {}, key = secret) =>
      fetch(`${t.url}/api/v1/inbound/default/${key}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, type: r.headers.get('content-type'), body: await r.json() }));

    const first = await post({ name: 'Widget', product_code: 'W-1', list_price: 10 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: true, runId: expect.any(String) });
    const again = await post(
      { name: 'Widget v2', product_code: 'W-1', list_price: 12 },
      { 'tessera-chain-depth': '3' },
    );
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, id: first.body.id });
    const runs = await settled('erp_products', 2);
    expect(runs.map((r) => [r.event, r.depth, r.status])).toEqual([
      ['inbound', 3, 'succeeded'],
      ['inbound', 0, 'succeeded'],
    ]);
    const product = (await t.api('GET', `/api/v1/records/product/${first.body.id}`)).body;
    expect(product).toMatchObject({ name: 'Widget v2', list_price: 12, description: 'From the ERP: W-1' });

    // Refused without writing: a wrong secret (404, as for no workflow), bad values (422), a loop (409).
    const count = async () => (await t.api('GET', '/api/v1/records/product?count=exact&limit=1')).body.count;
    const before = await count();
    const wrong = await post(
      { name: 'x', product_code: 'X-1' },
      {},
      `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`,
    );
    expect([wrong.status, wrong.type]).toEqual([404, expect.stringContaining('application/problem+json')]);
    const invalidValues = await post({ name: 'x', product_code: 'X-2', list_price: 'cheap' });
    expect(invalidValues.status).toBe(422);
    expect(invalidValues.body.errors[0].field).toContain('list_price');
    const loop = await post({ name: 'x', product_code: 'X-3' }, { 'tessera-chain-depth': '16' });
    expect(loop.status).toBe(409);
    expect((await post([1, 2])).status).toBe(422);
    const denied = await publishWorkflow({
      apiName: 'erp_denied',
      label: 'As a sales user',
      object: 'product',
      trigger: { inbound: true, user: integration.id },
      actions: [{ type: 'updateRecord', values: { description: 'x' } }],
    });
    const refused = await post({ name: 'y', product_code: 'Y-1' }, {}, denied.trigger.secret);
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].code).toBe('objectPermission');
    expect(await count()).toBe(before);
    await unpublish('erp_denied');
    await unpublish('erp_products');
    expect((await post({ name: 'after', product_code: 'X-4' })).status).toBe(404);
  });
});
