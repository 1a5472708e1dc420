import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectNoLeak, expectProblem, publish, snapshot, type TestUser } from './support/security.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * Saved list views of one's own (/api/v1/views/{object}): stored per user on the server, checked
 * like a list request (fields, filter, sort, field-level security), visible to their owner only,
 * capped per object, and still readable after the metadata under them changed.
 */

const DEAL = 'uv_deal';
const ACCT = 'uv_acct';
const V = '/api/v1/views';

let t: TestEngine;
let a: TestUser;
let b: TestUser;
let outsider: TestUser;

const views = () => snapshot(t, '_user_views');
const auditCount = async () =>
  Number((await t.sql('select count(*)::int as n from ??.??', [t.schema, '_setup_audit']))[0].n);
const bigDeals = {
  label: 'Big deals',
  columns: ['name', 'amount', 'acct.name'],
  filter: { amount: { gte: 1000 } },
  sort: '-amount,name',
};

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    objects: [
      {
        apiName: ACCT,
        label: 'Account',
        pluralLabel: 'Accounts',
        nameField: 'name',
        sharing: { default: 'read' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'region', type: 'text', label: 'Region' },
        ],
      },
      {
        apiName: DEAL,
        label: 'Deal',
        pluralLabel: 'Deals',
        nameField: 'name',
        sharing: { default: 'read' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'amount', type: 'number', label: 'Amount' },
          { apiName: 'stage', type: 'picklist', label: 'Stage', values: [{ value: 'open' }, { value: 'won' }] },
          { apiName: 'secret', type: 'text', label: 'Secret' },
          { apiName: 'extra', type: 'json', label: 'Extra' },
          { apiName: 'acct', type: 'lookup', label: 'Account', target: ACCT },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'uv_rep',
        label: 'Deal reader',
        objects: { [DEAL]: { read: true }, [ACCT]: { read: true } },
        fields: { [`${DEAL}.secret`]: { read: false, edit: false } },
      },
    ],
  });
  [a, b, outsider] = await Promise.all([
    createUser(t, { name: 'A', permissionSets: ['uv_rep'] }),
    createUser(t, { name: 'B', permissionSets: ['uv_rep'] }),
    createUser(t, { name: 'Outsider' }),
  ]);
});
afterAll(() => t?.close());

describe('successful: a user keeps views of their own on the server', () => {
  it('saves a view, lists it and reads it back, stored under the object id for that user', async () => {
    const audit = await auditCount();
    const res = await a.api('POST', `${V}/${DEAL}`, bigDeals);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ ...bigDeals, object: DEAL, dropped: [] });
    expect(res.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(res.headers.get('location')).toBe(`${V}/${DEAL}/${res.body.id}`);

    const listed = await a.api('GET', `${V}/${DEAL}`);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([res.body]);
    expect((await a.api('GET', `${V}/${DEAL}/${res.body.id}`)).body).toEqual(res.body);

    const [row] = await t.sql('select v.user_id, v.object_id, v.label from ??.?? v where v.id = ?', [
      t.schema,
      '_user_views',
      res.body.id,
    ]);
    const objectId = (await t.api('GET', `/api/v1/meta/objects/${DEAL}`)).body.id;
    expect(row).toEqual({ user_id: a.id, object_id: objectId, label: 'Big deals' });
    // Personal: not a setup change anyone else needs to audit.
    expect(await auditCount()).toBe(audit);
  });

  it('saves what the list API takes: the saved parts run as a list request', async () => {
    const [view] = (await a.api('GET', `${V}/${DEAL}`)).body.data;
    const q = new URLSearchParams({
      fields: view.columns.join(','),
      filter: JSON.stringify(view.filter),
      sort: view.sort,
    });
    expect((await a.api('GET', `/api/v1/records/${DEAL}?${q}`)).status).toBe(200);
  });

  it('renames a view, replaces its columns and sort, removes its filter', async () => {
    const created = (
      await a.api('POST', `${V}/${DEAL}`, { label: 'Mine', columns: ['name'], filter: { stage: 'open' } })
    ).body;
    const res = await a.api('PATCH', `${V}/${DEAL}/${created.id}`, {
      label: 'Open ones',
      columns: ['name', 'stage'],
      filter: null,
      sort: 'name',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      id: created.id,
      label: 'Open ones',
      columns: ['name', 'stage'],
      sort: 'name',
      createdAt: created.createdAt,
    });
    expect(res.body).not.toHaveProperty('filter');
    expect(Date.parse(res.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.updatedAt));
    // Only what is sent changes.
    const again = await a.api('PATCH', `${V}/${DEAL}/${created.id}`, { filter: { stage: { in: ['won'] } } });
    expect(again.body).toMatchObject({
      label: 'Open ones',
      columns: ['name', 'stage'],
      sort: 'name',
      filter: { stage: { in: ['won'] } },
    });
  });

  it('deletes a view', async () => {
    const created = (await a.api('POST', `${V}/${DEAL}`, { label: 'Short-lived', columns: ['name'] })).body;
    const audit = await auditCount();
    const res = await a.api('DELETE', `${V}/${DEAL}/${created.id}`);
    expect(res.status).toBe(204);
    expectProblem(await a.api('GET', `${V}/${DEAL}/${created.id}`), 404);
    expect((await a.api('GET', `${V}/${DEAL}`)).body.data.map((v: { label: string }) => v.label)).not.toContain(
      'Short-lived',
    );
    expect(await auditCount()).toBe(audit);
  });

  it('lists views by name, case aside', async () => {
    const user = await createUser(t, { name: 'Sorter', permissionSets: ['uv_rep'] });
    for (const label of ['beta', 'Alpha', 'gamma'])
      expect((await user.api('POST', `${V}/${DEAL}`, { label, columns: ['name'] })).status).toBe(201);
    expect((await user.api('GET', `${V}/${DEAL}`)).body.data.map((v: { label: string }) => v.label)).toEqual([
      'Alpha',
      'beta',
      'gamma',
    ]);
  });
});

describe("exploit: nobody reaches another user's views (IDOR)", () => {
  it("user B cannot list, read, change or delete user A's view; all answer like a missing view and nothing changes", async () => {
    const mine = (await a.api('POST', `${V}/${DEAL}`, { label: 'A only', columns: ['name'] })).body;
    const before = await views();
    expect((await b.api('GET', `${V}/${DEAL}`)).body.data).toEqual([]);
    for (const res of [
      await b.api('GET', `${V}/${DEAL}/${mine.id}`),
      await b.api('PATCH', `${V}/${DEAL}/${mine.id}`, { label: 'Taken over' }),
      await b.api('DELETE', `${V}/${DEAL}/${mine.id}`),
      // Nor through another object's path, nor as an admin: views are the owner's alone.
      await a.api('GET', `${V}/${ACCT}/${mine.id}`),
      await t.api('GET', `${V}/${DEAL}/${mine.id}`),
      await t.api('DELETE', `${V}/${DEAL}/${mine.id}`),
    ]) {
      expectProblem(res, 404);
      expect(res.body.detail).toBe(`saved view ${mine.id} does not exist`);
    }
    expect(await views()).toBe(before);
    expect((await a.api('GET', `${V}/${DEAL}/${mine.id}`)).body.label).toBe('A only');
  });

  it('a user who may not read the object has no views of it: for them it does not exist', async () => {
    const before = await views();
    for (const res of [
      await outsider.api('GET', `${V}/${DEAL}`),
      await outsider.api('POST', `${V}/${DEAL}`, { label: 'Peek', columns: ['name'] }),
    ]) {
      expectProblem(res, 404);
      expect(res.body.detail).toBe(`object "${DEAL}" does not exist`);
    }
    expect(await views()).toBe(before);
  });
});

describe('failing: a view that could not run is refused whole, nothing written', () => {
  const refused = async (
    body: unknown,
    status: number,
    errors: { field: string; code: string }[],
    method = 'POST',
    path = `${V}/${DEAL}`,
  ) => {
    const before = await views();
    const res = await a.api(method, path, body);
    expectProblem(res, status, errors);
    expectNoLeak(res, t.schema);
    expect(await views()).toBe(before);
  };

  it('refuses properties a view does not have, and missing or malformed ones', async () => {
    await refused({ ...bigDeals, color: 'red', owner: b.id }, 400, [
      { field: '/color', code: 'unknownField' },
      { field: '/owner', code: 'unknownField' },
    ]);
    await refused({}, 400, [
      { field: '/label', code: 'required' },
      { field: '/columns', code: 'required' },
    ]);
    await refused([bigDeals], 400, [{ field: '/', code: 'type' }]);
    await refused({ label: '  ', columns: [] }, 400, [
      { field: '/label', code: 'length' },
      { field: '/columns', code: 'type' },
    ]);
    await refused({ label: 'x'.repeat(81), columns: ['name'] }, 400, [{ field: '/label', code: 'length' }]);
    await refused({ label: 'nul\u0000', columns: ['name'] }, 400, [{ field: '/label', code: 'invalidCharacter' }]);
    await refused({ label: 'Dup', columns: ['name', 'name', "Robert'); drop table x;--"] }, 400, [
      { field: '/columns/1', code: 'unique' },
      { field: '/columns/2', code: 'type' },
    ]);
    await refused({ label: 'Types', columns: ['name'], filter: 'amount>3', sort: 5 }, 400, [
      { field: '/filter', code: 'type' },
      { field: '/sort', code: 'type' },
    ]);
  });

  it('refuses columns that are not fields of the object (or one step through a lookup)', async () => {
    await refused({ label: 'Cols', columns: ['name', 'nope', 'acct.nope', 'id', 'name.name'] }, 400, [
      { field: '/columns/1', code: 'unknownField' },
      { field: '/columns/2', code: 'unknownField' },
      { field: '/columns/3', code: 'unknownField' },
      { field: '/columns/4', code: 'unknownField' },
    ]);
  });

  it('refuses a filter the filter parser refuses, naming where in the filter', async () => {
    await refused({ label: 'F', columns: ['name'], filter: { nope: 1 } }, 400, [
      { field: '/filter/nope', code: 'unknownField' },
    ]);
    await refused({ label: 'F', columns: ['name'], filter: { and: [{ amount: { like: 3 } }] } }, 400, [
      { field: '/filter/and/0/amount/like', code: 'unknownOperator' },
    ]);
    await refused({ label: 'F', columns: ['name'], filter: { amount: { gte: 'lots' } } }, 400, [
      { field: '/filter/amount/gte', code: 'type' },
    ]);
    await refused({ label: 'F', columns: ['name'], filter: { stage: { in: ['lost'] } } }, 400, [
      { field: '/filter/stage/in/0', code: 'type' },
    ]);
  });

  it('refuses a sort by an unknown or unsortable field', async () => {
    await refused({ label: 'S', columns: ['name'], sort: '-nope' }, 400, [{ field: '/sort', code: 'unknownField' }]);
    await refused({ label: 'S', columns: ['name'], sort: 'extra' }, 400, [{ field: '/sort', code: 'notSortable' }]);
  });

  it('refuses naming a field the user may not read, in columns, filter or sort, as one that does not exist (400)', async () => {
    await refused({ label: 'FLS', columns: ['name', 'secret'] }, 400, [{ field: '/columns/1', code: 'unknownField' }]);
    await refused(
      { label: 'FLS', columns: ['name'], filter: { or: [{ name: 'x' }, { secret: { contains: 'a' } }] } },
      400,
      [{ field: '/filter/or/1/secret', code: 'unknownField' }],
    );
    await refused({ label: 'FLS', columns: ['name'], sort: 'secret' }, 400, [{ field: '/sort', code: 'unknownField' }]);
    // A change of a saved view is checked the same way.
    const id = (await a.api('GET', `${V}/${DEAL}`)).body.data[0].id;
    await refused(
      { columns: ['secret'] },
      400,
      [{ field: '/columns/0', code: 'unknownField' }],
      'PATCH',
      `${V}/${DEAL}/${id}`,
    );
    await refused(
      { filter: { nope: 1 } },
      400,
      [{ field: '/filter/nope', code: 'unknownField' }],
      'PATCH',
      `${V}/${DEAL}/${id}`,
    );
    await refused({}, 400, [{ field: '/', code: 'empty' }], 'PATCH', `${V}/${DEAL}/${id}`);
  });

  it('refuses a second view of the same name, case aside', async () => {
    await refused({ ...bigDeals, label: 'BIG DEALS' }, 409, [{ field: '/label', code: 'unique' }]);
    const other = (await a.api('POST', `${V}/${DEAL}`, { label: 'Other', columns: ['name'] })).body;
    await refused(
      { label: 'big deals' },
      409,
      [{ field: '/label', code: 'unique' }],
      'PATCH',
      `${V}/${DEAL}/${other.id}`,
    );
    // B may use the same name: names are per user.
    expect((await b.api('POST', `${V}/${DEAL}`, bigDeals)).status).toBe(201);
  });

  it('answers 404 for an unknown object or a malformed id', async () => {
    await refused(bigDeals, 404, [], 'POST', `${V}/no_such_object`);
    await refused(undefined, 404, [], 'GET', `${V}/${DEAL}/not-a-uuid`);
    await refused({ label: 'x' }, 404, [], 'PATCH', `${V}/${DEAL}/00000000-0000-7000-8000-000000000000`);
    await refused(undefined, 404, [], 'DELETE', `${V}/${DEAL}/'; drop table x; --`);
  });

  it(`caps a user at 100 views per object, even when the requests race`, async () => {
    const user = await createUser(t, { name: 'Hoarder', permissionSets: ['uv_rep'] });
    const answers = await Promise.all(
      Array.from({ length: 105 }, (_v, i) =>
        user.api('POST', `${V}/${DEAL}`, { label: `View ${i}`, columns: ['name'] }),
      ),
    );
    expect(answers.filter((r) => r.status === 201)).toHaveLength(100);
    const over = answers.filter((r) => r.status !== 201);
    expect(over).toHaveLength(5);
    for (const res of over) expectProblem(res, 409, [{ field: '/', code: 'maxViews' }]);
    const [{ n }] = await t.sql('select count(*)::int as n from ??.?? where user_id = ?', [
      t.schema,
      '_user_views',
      user.id,
    ]);
    expect(n).toBe(100);
    // Another object is another hundred.
    expect((await user.api('POST', `${V}/${ACCT}`, { label: 'View 0', columns: ['name'] })).status).toBe(201);
  });
});

describe('a saved view outlives changes to the metadata and grants under it', () => {
  const OBJ = 'uv_lead';
  let user: TestUser;
  let view: { id: string };
  const objectDef = async (name: string) => (await t.api('GET', `/api/v1/meta/objects/${name}`)).body;
  const putAndPublish = async (name: string, def: unknown) => {
    const put = await t.api('PUT', `/api/v1/meta/objects/${name}`, def);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const published = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
    expect(published.status, JSON.stringify(published.body)).toBe(201);
  };

  beforeAll(async () => {
    await publish(t, {
      objects: [
        {
          apiName: OBJ,
          label: 'Lead',
          pluralLabel: 'Leads',
          nameField: 'name',
          sharing: { default: 'read' },
          fields: [
            { apiName: 'name', type: 'text', label: 'Name' },
            { apiName: 'score', type: 'integer', label: 'Score' },
            { apiName: 'source', type: 'text', label: 'Source' },
            { apiName: 'acct', type: 'lookup', label: 'Account', target: ACCT },
          ],
        },
      ],
      permissionSets: [
        { apiName: 'uv_leads', label: 'Lead reader', objects: { [OBJ]: { read: true }, [ACCT]: { read: true } } },
      ],
    });
    user = await createUser(t, { name: 'Lead user', permissionSets: ['uv_leads'] });
    const res = await user.api('POST', `${V}/${OBJ}`, {
      label: 'Hot',
      columns: ['name', 'score', 'source', 'acct.region'],
      filter: { source: { eq: 'web' } },
      sort: '-score,name',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    view = res.body;
  });

  it('follows a renamed field in columns, filter and sort', async () => {
    const def = await objectDef(OBJ);
    def.fields = def.fields.map((f: { apiName: string }) =>
      f.apiName === 'score' ? { ...f, apiName: 'rating' } : f.apiName === 'source' ? { ...f, apiName: 'origin' } : f,
    );
    await putAndPublish(OBJ, def);
    const res = await user.api('GET', `${V}/${OBJ}/${view.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      columns: ['name', 'rating', 'origin', 'acct.region'],
      filter: { origin: { eq: 'web' } },
      sort: '-rating,name',
      dropped: [],
    });
  });

  it('drops a deleted field and reports it, and does not take a new field of the same name for it', async () => {
    let def = await objectDef(OBJ);
    def.fields = def.fields.filter((f: { apiName: string }) => f.apiName !== 'origin');
    await putAndPublish(OBJ, def);
    const expected = {
      columns: ['name', 'rating', 'acct.region'],
      sort: '-rating,name',
      // The message names the field as the view was saved (source): its later name went with it.
      dropped: [
        { field: '/columns/2', code: 'removed', message: expect.stringContaining('"source"') },
        { field: '/filter', code: 'removed', message: expect.stringContaining('"source"') },
      ],
    };
    const res = await user.api('GET', `${V}/${OBJ}`);
    expect(res.status).toBe(200);
    expect(res.body.data[0]).toMatchObject(expected);
    expect(res.body.data[0]).not.toHaveProperty('filter');

    def = await objectDef(OBJ);
    def.fields.push({ apiName: 'origin', type: 'text', label: 'Another origin' });
    await putAndPublish(OBJ, def);
    expect((await user.api('GET', `${V}/${OBJ}/${view.id}`)).body).toMatchObject(expected);
    // Changing the label keeps the stale parts stale (the stored names stay bound to the deleted field).
    expect((await user.api('PATCH', `${V}/${OBJ}/${view.id}`, { label: 'Hot leads' })).body).toMatchObject({
      label: 'Hot leads',
      ...expected,
    });
    // Naming the new field on purpose takes it.
    const chosen = await user.api('PATCH', `${V}/${OBJ}/${view.id}`, {
      columns: ['name', 'origin'],
      filter: { origin: { eq: 'web' } },
    });
    expect(chosen.body).toMatchObject({ columns: ['name', 'origin'], filter: { origin: { eq: 'web' } }, dropped: [] });
  });

  it('drops what the user may no longer read, and gives it back when the grant returns', async () => {
    expect(
      (await user.api('PATCH', `${V}/${OBJ}/${view.id}`, { columns: ['name', 'acct.region'], sort: 'acct.region' }))
        .status,
    ).toBe(200);
    await publish(t, {
      permissionSets: [
        {
          apiName: 'uv_leads',
          label: 'Lead reader',
          objects: { [OBJ]: { read: true }, [ACCT]: { read: true } },
          fields: { [`${ACCT}.region`]: { read: false, edit: false } },
        },
      ],
    });
    const res = await user.api('GET', `${V}/${OBJ}/${view.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      columns: ['name'],
      dropped: [
        { field: '/columns/1', code: 'unknownField' },
        { field: '/sort', code: 'unknownField' },
      ],
    });
    expect(res.body).not.toHaveProperty('sort');
    expectNoLeak(res, t.schema);

    await publish(t, {
      permissionSets: [
        {
          apiName: 'uv_leads',
          label: 'Lead reader',
          objects: { [OBJ]: { read: true }, [ACCT]: { read: true } },
          fields: {},
        },
      ],
    });
    expect((await user.api('GET', `${V}/${OBJ}/${view.id}`)).body).toMatchObject({
      columns: ['name', 'acct.region'],
      sort: 'acct.region',
      dropped: [],
    });
  });

  it('a field whose type changed under a filter drops the filter instead of failing', async () => {
    expect((await user.api('PATCH', `${V}/${OBJ}/${view.id}`, { filter: { rating: { gte: 5 } } })).status).toBe(200);
    const def = await objectDef(OBJ);
    def.fields = def.fields.map((f: { apiName: string }) => (f.apiName === 'rating' ? { ...f, type: 'text' } : f));
    await putAndPublish(OBJ, def);
    const res = await user.api('GET', `${V}/${OBJ}/${view.id}`);
    expect(res.status).toBe(200);
    expect(res.body.dropped).toEqual([expect.objectContaining({ field: '/filter/rating/gte' })]);
    expect(res.body).not.toHaveProperty('filter');
  });

  it('follows a renamed object: views hang on its stable id', async () => {
    const def = await objectDef(OBJ);
    // Permission sets name objects by API name, so the set follows in the same release.
    expect((await t.api('PUT', `/api/v1/meta/objects/${OBJ}`, { ...def, apiName: 'uv_prospect' })).status).toBe(200);
    expect(
      (
        await t.api('PUT', '/api/v1/meta/permission-sets/uv_leads', {
          apiName: 'uv_leads',
          label: 'Lead reader',
          objects: { uv_prospect: { read: true }, [ACCT]: { read: true } },
        })
      ).status,
    ).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true })).status).toBe(201);
    const res = await user.api('GET', `${V}/uv_prospect`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.map((v: { id: string; object: string }) => [v.id, v.object])).toEqual([
      [view.id, 'uv_prospect'],
    ]);
    const [row] = await t.sql('select object_id from ??.?? where id = ?', [t.schema, '_user_views', view.id]);
    expect(row.object_id).toBe(def.id);
    expectProblem(await user.api('GET', `${V}/${OBJ}`), 404);
  });
});

describe('the OpenAPI document', () => {
  it('describes the saved-view paths, and the answers match it', async () => {
    const doc = await (await fetch(`${t.url}/api/v1/openapi.json`)).json();
    const result = await new Validator().validate(doc);
    expect(result.valid, JSON.stringify(result.errors, null, 2)).toBe(true);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema({ $id: 'https://tessera.test/openapi.json', components: { schemas: doc.components.schemas } });
    const documented = (res: ApiResponse, status: number, method: string, path: string) => {
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      const answer = doc.paths[path][method].responses[String(status)];
      expect(answer, `${method} ${path} ${status}`).toBeDefined();
      const component = answer.$ref ? doc.components.responses[answer.$ref.split('/').pop()] : answer;
      const [type, media] = Object.entries(component.content ?? {})[0] ?? [];
      if (!type) return expect(res.body ?? '').toBe('');
      expect(res.headers.get('content-type')).toContain(type);
      const schema = JSON.parse(
        JSON.stringify((media as { schema: unknown }).schema).replaceAll(
          '"#/components/',
          '"https://tessera.test/openapi.json#/components/',
        ),
      );
      const validate = ajv.compile(schema);
      expect(validate(res.body), `${method} ${path} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    const list = `/api/v1/views/{object}`;
    const one = `/api/v1/views/{object}/{id}`;
    const created = await b.api('POST', `${V}/${DEAL}`, {
      label: 'Documented',
      columns: ['name', 'acct.name'],
      filter: { amount: { gt: 1 } },
      sort: null,
    });
    documented(created, 201, 'post', list);
    documented(await b.api('GET', `${V}/${DEAL}`), 200, 'get', list);
    documented(await b.api('GET', `${V}/${DEAL}/${created.body.id}`), 200, 'get', one);
    documented(await b.api('PATCH', `${V}/${DEAL}/${created.body.id}`, { filter: null }), 200, 'patch', one);
    documented(await b.api('POST', `${V}/${DEAL}`, { label: 'x', columns: ['name'], shade: 1 }), 400, 'post', list);
    documented(await b.api('POST', `${V}/${DEAL}`, { label: 'x', columns: ['secret'] }), 400, 'post', list);
    documented(await b.api('POST', `${V}/${DEAL}`, { label: 'documented', columns: ['name'] }), 409, 'post', list);
    documented(await a.api('DELETE', `${V}/${DEAL}/${created.body.id}`), 404, 'delete', one);
    documented(await b.api('DELETE', `${V}/${DEAL}/${created.body.id}`), 204, 'delete', one);
    expect(doc.paths[list].parameters[0].schema.enum).toContain(DEAL);
  });
});
