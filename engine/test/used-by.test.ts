import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from './support/security.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
let rep: TestUser;
beforeAll(async () => {
  t = await startTestEngine();
  rep = await createUser(t, { name: 'Rep' });
});
afterAll(() => t?.close());

const USED_BY = '/api/v1/meta/used-by';
const kinds = (res: ApiResponse) =>
  res.body.usedBy.map((u: { kind: string; apiName: string }) => `${u.kind}:${u.apiName}`);

/** A refusal: its status, problem+json naming the parameter and the rule. */
function refused(res: ApiResponse, status: number, field: string, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([[field, code]]);
}

describe('successful: what the studio reads', () => {
  it('lists every field type with its own settings schema, labels inlined', async () => {
    const res = await t.api('GET', '/api/v1/meta/field-types');
    expect(res.status).toBe(200);
    const picklist = res.body.data.find((e: { type: string }) => e.type === 'picklist');
    expect(picklist.settings.required).toEqual(['values']);
    const value = picklist.settings.properties.values.items.properties;
    expect(Object.keys(value)).toEqual(['value', 'label', 'color', 'active']);
    expect(value.label.oneOf).toHaveLength(2);
    expect(JSON.stringify(res.body)).not.toContain('$ref');
    const text = res.body.data.find((e: { type: string }) => e.type === 'text');
    expect(text).toMatchObject({ widget: 'text', nameField: true, readOnly: false, relation: false });
    expect(text.settings.properties.maxLength).toMatchObject({ type: 'integer', default: 255 });
  });

  it('names what uses a field, and counts the records holding a value in it', async () => {
    for (const amount of [100, 200, null])
      expect(
        (
          await t.api('POST', '/api/v1/records/opportunity', {
            name: `Deal ${amount}`,
            close_date: '2027-01-01',
            amount,
          })
        ).status,
      ).toBe(201);
    const res = await t.api('GET', `${USED_BY}?object=opportunity&field=amount`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ object: 'opportunity', field: 'amount', published: true, records: 2 });
    expect(kinds(res)).toEqual(expect.arrayContaining(['layout:opportunity_layout', 'dashboard:sales']));
    const layout = res.body.usedBy.find((u: { apiName: string }) => u.apiName === 'opportunity_layout');
    expect(layout.places).toContain('section');
  });

  it('counts the records of a whole object, and of every object', async () => {
    const res = await t.api('GET', `${USED_BY}?object=opportunity`);
    expect(res.body.records).toBe(3);
    expect(kinds(res)).toEqual(expect.arrayContaining(['layout:opportunity_layout', 'listView:opportunity_all']));
    const counts = await t.api('GET', '/api/v1/meta/record-counts');
    expect(counts.status).toBe(200);
    expect(counts.body.data.opportunity).toBe(3);
    expect(counts.body.data.account).toBe(0);
  });

  it("gives a large table's count from PostgreSQL's statistics rather than counting it", async () => {
    // 120,000 products, 10,000 of them in the recycle bin: an exact count says 110,000; the
    // statistics say how many rows the table holds.
    await t.sql(
      `insert into ??.product (id, owner_id, created_by, updated_by, name, deleted_at)
       select gen_random_uuid(), u.id, u.id, u.id, 'Bulk ' || g, case when g <= 10000 then now() end
       from generate_series(1, 120000) g, (select id from ??._users order by created_at limit 1) u`,
      [t.schema, t.schema],
    );
    await t.sql('analyze ??.product', [t.schema]);
    const counts = (await t.api('GET', '/api/v1/meta/record-counts')).body.data;
    expect(counts.product).toBeGreaterThan(115_000);
    expect(counts.opportunity).toBe(3);
    // The count of one object, for a delete, stays exact.
    expect((await t.api('GET', `${USED_BY}?object=product`)).body.records).toBe(110_000);
    await t.sql('delete from ??.product', [t.schema]);
  });

  it('says a field only in the draft has no records yet', async () => {
    const lead = (await t.api('GET', '/api/v1/meta/objects/lead')).body;
    lead.fields.push({ apiName: 'draft_only', type: 'text', label: 'Draft only' });
    expect((await t.api('PUT', '/api/v1/meta/objects/lead', lead)).status).toBe(200);
    const res = await t.api('GET', `${USED_BY}?object=lead&field=draft_only`);
    expect(res.body).toEqual({ object: 'lead', field: 'draft_only', usedBy: [], published: false, records: 0 });
  });
});

describe('failing: used-by names the parameter it refuses', () => {
  it('refuses a missing object', async () => refused(await t.api('GET', USED_BY), 400, 'object', 'required'));
  it('refuses an object that is no API name', async () =>
    refused(await t.api('GET', `${USED_BY}?object=${encodeURIComponent('x; drop table')}`), 400, 'object', 'pattern'));
  it('refuses a field that is no API name', async () =>
    refused(await t.api('GET', `${USED_BY}?object=lead&field=A`), 400, 'field', 'pattern'));
  it('answers 404 for an object not in the draft', async () =>
    refused(await t.api('GET', `${USED_BY}?object=nothing`), 404, 'object', 'unknownObject'));
  it('answers 404 for a field the object lacks', async () =>
    refused(await t.api('GET', `${USED_BY}?object=lead&field=nothing`), 404, 'field', 'unknownField'));
  it('refuses a user who does not manage metadata', async () => {
    for (const path of [`${USED_BY}?object=lead`, '/api/v1/meta/field-types', '/api/v1/meta/record-counts'])
      refused(await rep.api('GET', path), 403, path.split('?')[0]!.split('/').pop()!, 'systemPermission');
  });
});
