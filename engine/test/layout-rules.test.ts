import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from './support/security.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * A layout's visibility and required rules (layout.schema.json sections[].visibleWhen and
 * fieldRules): checked on save by the engine's own json-logic checker, carried to the runtime UI,
 * and requiredWhen enforced on every write by a user whose role sees the layout — create, update,
 * bulk and CSV import — so a rule cannot be skipped by writing through the API.
 */

let t: TestEngine;
let rep: TestUser;
beforeAll(async () => {
  t = await startTestEngine();
  rep = await createUser(t, { name: 'Rules rep', role: 'sales_rep', permissionSets: ['sales_user'] });
});
afterAll(() => t?.close());

const LAYOUTS = '/api/v1/meta/layouts';
const DEALS = '/api/v1/records/opportunity';
const lost = { '==': [{ var: 'stage' }, 'closed_lost'] };
const rulesLayout = (over: Record<string, unknown> = {}) => ({
  apiName: 'opportunity_rules',
  object: 'opportunity',
  label: { en: 'Opportunity (rules)', 'zh-CN': '商机（规则）' },
  roles: ['sales_rep'],
  sections: [
    { label: 'Main', columns: 2, fields: ['name', 'stage', 'close_date', 'amount', 'next_step'] },
    { label: 'Notes', columns: 1, fields: ['description'], visibleWhen: { '!': [lost] } },
  ],
  fieldRules: {
    next_step: { visibleWhen: lost, requiredWhen: lost },
    description: { requiredWhen: { '>': [{ var: 'amount' }, 1000000] } },
  },
  ...over,
});
const pairs = (res: ApiResponse) =>
  (res.body.errors as { field: string; code: string }[]).map((e) => [e.field, e.code]);
const deal = (over: Record<string, unknown>) => ({
  name: 'Rules deal',
  stage: 'prospecting',
  close_date: '2026-12-31',
  ...over,
});
const countDeals = async (name: string) =>
  (await t.sql('select count(*)::int as n from ?? where name = ?', [`${t.schema}.opportunity`, name]))[0].n as number;

/** A write that must be refused: 422 problem+json naming `field` with rule `required`. */
function refusedFor(res: ApiResponse, field: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(pairs(res)).toContainEqual([field, 'required']);
}

describe('failing: layouts whose rules the engine would not run', () => {
  async function refused(body: Record<string, unknown>, errors: [string, string][]) {
    const res = await t.api('POST', LAYOUTS, body);
    expect(res.status, JSON.stringify(res.body)).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(pairs(res)).toEqual(errors);
    expect((await t.api('GET', `${LAYOUTS}/${body.apiName as string}`)).status).toBe(404);
  }

  it('refuses an operation json-logic does not allow, naming where it is', () =>
    refused(rulesLayout({ apiName: 'bad_op', fieldRules: { next_step: { requiredWhen: { method: ['x', 'y'] } } } }), [
      ['/fieldRules/next_step/requiredWhen', 'logic'],
    ]));

  it('refuses a rule reading a field the object does not have', () =>
    refused(rulesLayout({ apiName: 'bad_var', fieldRules: { next_step: { visibleWhen: { var: 'stgae' } } } }), [
      ['/fieldRules/next_step/visibleWhen', 'reference'],
    ]));

  it("refuses a section's bad rule and rules of a field the layout does not place", () =>
    refused(
      rulesLayout({
        apiName: 'bad_section',
        sections: [{ label: 'Main', fields: ['name'], visibleWhen: { '==': [{ var: 'nope' }, 1] } }],
        fieldRules: { next_step: { requiredWhen: true } },
      }),
      [
        ['/sections/0/visibleWhen', 'reference'],
        ['/fieldRules/next_step', 'reference'],
      ],
    ));

  it('keeps layouts without rules valid (the core ones load and save as they are)', async () => {
    const core = await t.api('GET', `${LAYOUTS}/opportunity_layout`);
    expect(core.status).toBe(200);
    const saved = await t.api('PUT', `${LAYOUTS}/opportunity_layout`, core.body, {
      'If-Match': core.headers.get('etag')!,
    });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  });
});

describe('requiredWhen on write, for the users who see the layout', () => {
  beforeAll(async () => {
    const saved = await t.api('POST', LAYOUTS, rulesLayout());
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const published = await t.api('POST', '/api/v1/meta/publish', {});
    expect(published.status, JSON.stringify(published.body)).toBe(201);
  });

  it('carries the rules to the runtime metadata of the role that sees the layout', async () => {
    const res = await rep.api('GET', '/api/v1/meta/runtime');
    const layout = (res.body.layouts as { object: string }[]).find((l) => l.object === 'opportunity');
    expect(layout).toMatchObject({
      apiName: 'opportunity_rules',
      sections: [{}, { visibleWhen: { '!': [lost] } }],
      fieldRules: { next_step: { visibleWhen: lost, requiredWhen: lost } },
    });
  });

  it('refuses a create missing a field whose rule holds, and saves nothing', async () => {
    refusedFor(await rep.api('POST', DEALS, deal({ name: 'Lost no step', stage: 'closed_lost' })), 'next_step');
    expect(await countDeals('Lost no step')).toBe(0);
    expect(
      (await rep.api('POST', DEALS, deal({ name: 'Lost with step', stage: 'closed_lost', next_step: 'Post-mortem' })))
        .status,
    ).toBe(201);
    expect((await rep.api('POST', DEALS, deal({ name: 'Open no step' }))).status).toBe(201);
  });

  it("does not require a field its section's rule hides", async () => {
    refusedFor(await rep.api('POST', DEALS, deal({ name: 'Big open', amount: 2000000 })), 'description');
    const hidden = await rep.api(
      'POST',
      DEALS,
      deal({ name: 'Big lost', amount: 2000000, stage: 'closed_lost', next_step: 'x' }),
    );
    expect(hidden.status, JSON.stringify(hidden.body)).toBe(201);
  });

  it('leaves users of other roles to their own layout', async () => {
    const res = await t.api('POST', DEALS, deal({ name: 'Admin lost', stage: 'closed_lost' }));
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  });

  it('refuses an update that makes the rule hold without the field, and changes nothing', async () => {
    const created = await rep.api('POST', DEALS, deal({ name: 'To lose' }));
    const id = created.body.id as string;
    refusedFor(await rep.api('PATCH', `${DEALS}/${id}`, { stage: 'closed_lost' }), 'next_step');
    const after = await rep.api('GET', `${DEALS}/${id}`);
    expect(after.body).toMatchObject({ stage: 'prospecting', version: created.body.version });
    expect((await rep.api('PATCH', `${DEALS}/${id}`, { stage: 'closed_lost', next_step: 'Ask why' })).status).toBe(200);
  });

  it('refuses bulk creates and bulk updates the same way', async () => {
    const bulk = await rep.api('POST', `${DEALS}/bulk`, {
      records: [deal({ name: 'Bulk ok' }), deal({ name: 'Bulk lost', stage: 'closed_lost' })],
    });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(422);
    expect(JSON.stringify(bulk.body)).toContain('next_step');
    expect(await countDeals('Bulk ok')).toBe(0);

    const created = await rep.api('POST', DEALS, deal({ name: 'Bulk to lose' }));
    const update = await rep.api('PATCH', `${DEALS}/bulk`, {
      records: [{ id: created.body.id, version: created.body.version, stage: 'closed_lost' }],
    });
    expect(update.status, JSON.stringify(update.body)).toBe(422);
    expect(JSON.stringify(update.body)).toContain('next_step');
    expect((await rep.api('GET', `${DEALS}/${created.body.id}`)).body.stage).toBe('prospecting');
  });

  it('refuses CSV import rows the same way', async () => {
    const csv = 'name,stage,close_date\nCsv open,prospecting,2026-12-31\nCsv lost,closed_lost,2026-12-31\n';
    // Importing needs importData, which the data steward set grants.
    const steward = await createUser(t, {
      name: 'Rules importer',
      role: 'sales_rep',
      permissionSets: ['sales_user', 'data_steward'],
    });
    const res = await steward.api('POST', `${DEALS}/import`, csv, { 'content-type': 'text/csv' });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    let job: { status: string; failed?: number } = { status: 'queued' };
    for (let i = 0; i < 600 && job.status !== 'completed' && job.status !== 'failed'; i++) {
      job = (await steward.api('GET', `/api/v1/imports/${res.body.id as string}`)).body;
      if (job.status !== 'completed' && job.status !== 'failed') await new Promise((r) => setTimeout(r, 50));
    }
    const report = await steward.api('GET', `/api/v1/imports/${res.body.id as string}/errors.csv`);
    expect(String(report.body)).toContain('next_step');
    expect(await countDeals('Csv lost')).toBe(0);
  });
});

describe("what a role's users may do with an object's fields (preview as role)", () => {
  it('answers the union of the permission sets held by the active users of the role', async () => {
    const res = await t.api('GET', '/api/v1/meta/roles/sales_rep/field-access?object=opportunity');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ role: 'sales_rep', object: 'opportunity', read: true, edit: true });
    expect(res.body.users).toBeGreaterThanOrEqual(1);
    expect(res.body.fields.name).toEqual({ read: true, edit: true });
  });

  it('gives a role nobody holds no access at all', async () => {
    const res = await t.api('GET', '/api/v1/meta/roles/ceo/field-access?object=opportunity');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ users: 0, read: false, edit: false });
    expect(res.body.fields.amount).toEqual({ read: false, edit: false });
  });

  it('refuses an unknown role or object, and users without manageMetadata', async () => {
    expect((await t.api('GET', '/api/v1/meta/roles/ghost/field-access?object=opportunity')).status).toBe(404);
    const noObject = await t.api('GET', '/api/v1/meta/roles/sales_rep/field-access?object=nope');
    expect(noObject.status).toBe(404);
    expect(noObject.headers.get('content-type')).toContain('application/problem+json');
    expect((await t.api('GET', '/api/v1/meta/roles/sales_rep/field-access')).status).toBe(400);
    expect((await rep.api('GET', '/api/v1/meta/roles/sales_rep/field-access?object=opportunity')).status).toBe(403);
  });
});

describe('layout rules follow a field rename, and name the fields they read in "used by"', () => {
  it('renames the rule keys and the fields rules read, and lists the layout as using them', async () => {
    const created = await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'gadget',
      label: 'Gadget',
      pluralLabel: 'Gadgets',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name', required: true },
        { apiName: 'kind', type: 'text', label: 'Kind' },
        { apiName: 'note', type: 'text', label: 'Note' },
      ],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const isX = (name: string) => ({ '==': [{ var: name }, 'x'] });
    const layout = await t.api('POST', LAYOUTS, {
      apiName: 'gadget_layout',
      object: 'gadget',
      label: 'Gadget',
      sections: [{ fields: ['name', 'kind', 'note'], visibleWhen: { '!!': [{ var: 'name' }] } }],
      fieldRules: { note: { visibleWhen: isX('kind'), requiredWhen: isX('kind') } },
    });
    expect(layout.status, JSON.stringify(layout.body)).toBe(201);

    const usedBy = await t.api('GET', '/api/v1/meta/used-by?object=gadget&field=kind');
    expect(usedBy.body.usedBy).toContainEqual(
      expect.objectContaining({ kind: 'layout', apiName: 'gadget_layout', places: ['section', 'condition'] }),
    );

    const object = created.body as { fields: { apiName: string }[] };
    const renamed = await t.api('PUT', '/api/v1/meta/objects/gadget', {
      ...object,
      fields: object.fields.map((f) =>
        f.apiName === 'kind' ? { ...f, apiName: 'category' } : f.apiName === 'note' ? { ...f, apiName: 'remark' } : f,
      ),
    });
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    const after = await t.api('GET', `${LAYOUTS}/gadget_layout`);
    expect(after.body).toMatchObject({
      sections: [{ fields: ['name', 'category', 'remark'], visibleWhen: { '!!': [{ var: 'name' }] } }],
      fieldRules: { remark: { visibleWhen: isX('category'), requiredWhen: isX('category') } },
    });
    expect(after.body.fieldRules.note).toBeUndefined();
  });
});
