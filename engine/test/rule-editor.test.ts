import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectNoLeak, expectProblem } from './support/security.js';
import { corpus, startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * The studio's rule editor endpoints: /meta/rules/check answers what saving a rule would say (the
 * engine's own checks, against the draft), /meta/rules/test evaluates a rule on a real record.
 */

let t: TestEngine;
let recordId: string;
let cheapId: string;
let makerId: string;

const vehicle = (extraFields: Record<string, unknown>[] = []) => ({
  apiName: 'rt_vehicle',
  label: 'Vehicle',
  pluralLabel: 'Vehicles',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    { apiName: 'price', type: 'number', label: 'Price' },
    { apiName: 'electric', type: 'boolean', label: 'Electric' },
    { apiName: 'maker', type: 'lookup', label: 'Maker', target: 'account' },
    {
      apiName: 'double_price',
      type: 'formula',
      label: 'Double price',
      returnType: 'number',
      expression: { '*': [{ var: 'price' }, 2] },
    },
    ...extraFields,
  ],
});

beforeAll(async () => {
  t = await startTestEngine();
  const created = await t.api('POST', '/api/v1/meta/objects', vehicle());
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  // A metadata manager who may not read vehicles.
  const set = { apiName: 'rt_meta', label: 'Metadata only', system: ['manageMetadata'] };
  expect((await t.api('POST', '/api/v1/meta/permission-sets', set)).status).toBe(201);
  expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
  const maker = await t.api('POST', '/api/v1/records/account', { name: 'Maker Inc' });
  makerId = maker.body.id;
  const car = await t.api('POST', '/api/v1/records/rt_vehicle', {
    name: 'Car',
    price: 30000,
    electric: true,
    maker: makerId,
  });
  expect(car.status, JSON.stringify(car.body)).toBe(201);
  recordId = car.body.id;
  const bike = await t.api('POST', '/api/v1/records/rt_vehicle', { name: 'Bike?', price: 200, electric: false });
  cheapId = bike.body.id;
});
afterAll(() => t?.close());

const check = (body: unknown) => t.api('POST', '/api/v1/meta/rules/check', body);
const test = (body: unknown) => t.api('POST', '/api/v1/meta/rules/test', body);

describe('GET /meta/rules/operators', () => {
  it("lists the engine's allowed operations, never method", async () => {
    const res = await t.api('GET', '/api/v1/meta/rules/operators');
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual(expect.arrayContaining(['var', 'if', '==', 'and', 'today', 'add_days']));
    expect(res.body.data).not.toContain('method');
  });
});

describe('POST /meta/rules/check', () => {
  it('accepts a rule saving would accept', async () => {
    const res = await check({ object: 'rt_vehicle', kind: 'validation', rule: { '<': [{ var: 'price' }, 0] } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errors: [] });
  });

  it('names a missing field as saving the object would', async () => {
    const rule = { '>': [{ var: 'horsepower' }, 100] };
    const res = await check({ object: 'rt_vehicle', kind: 'validation', rule });
    expect(res.status).toBe(200);
    expect(res.body.errors).toEqual([
      { pointer: '', code: 'reference', detail: 'condition reads "horsepower", which is not a field of this object' },
    ]);
    // The very message the object PUT gives for the same rule.
    const saved = await t.api('PUT', '/api/v1/meta/objects/rt_vehicle', {
      ...vehicle(),
      validationRules: [{ apiName: 'hp', condition: rule, message: 'too strong' }],
    });
    expect(saved.status).toBe(422);
    expect(saved.body.errors[0]).toMatchObject({
      field: '/validationRules/0/condition',
      message: res.body.errors[0].detail,
    });
  });

  it('points inside the rule at a refused operation', async () => {
    const res = await check({
      object: 'rt_vehicle',
      kind: 'visibility',
      rule: { and: [{ '==': [{ var: 'electric' }, true] }, { method: [{ var: 'name' }, 'toString'] }] },
    });
    expect(res.body.errors).toEqual([
      { pointer: '/and/1', code: 'logic', detail: 'operation "method" is not allowed' },
    ]);
  });

  it('type-checks a formula and says what it computes', async () => {
    const ok = await check({ object: 'rt_vehicle', kind: 'formula', rule: { '*': [{ var: 'price' }, 2] } });
    expect(ok.body).toEqual({ errors: [], type: 'number' });
    const text = await check({ object: 'rt_vehicle', kind: 'formula', rule: { cat: [{ var: 'name' }, '!'] } });
    expect(text.body).toEqual({ errors: [], type: 'text' });
    const bad = await check({ object: 'rt_vehicle', kind: 'formula', rule: { '+': [{ var: 'name' }, 1] } });
    expect(bad.body.errors).toEqual([{ pointer: '/+/0', code: 'formula', detail: '"+" needs number, not text' }]);
    const wrongReturn = await check({
      object: 'rt_vehicle',
      kind: 'formula',
      rule: { '*': [{ var: 'price' }, 2] },
      returnType: 'text',
    });
    expect(wrongReturn.body.errors[0].detail).toBe('the expression gives number, but returnType text needs text');
  });

  it('lets a workflow condition read $old, and nothing else does', async () => {
    const rule = { '!=': [{ var: 'price' }, { var: '$old.price' }] };
    expect((await check({ object: 'rt_vehicle', kind: 'condition', rule })).body.errors).toEqual([]);
    expect((await check({ object: 'rt_vehicle', kind: 'required', rule })).body.errors).toHaveLength(1);
  });

  it('checks against the draft: unpublished objects and fields', async () => {
    const draft = await t.api(
      'PUT',
      '/api/v1/meta/objects/rt_vehicle',
      vehicle([{ apiName: 'colour', type: 'text', label: 'Colour' }]),
    );
    expect(draft.status, JSON.stringify(draft.body)).toBe(200);
    const res = await check({ object: 'rt_vehicle', kind: 'validation', rule: { '==': [{ var: 'colour' }, 'red'] } });
    expect(res.body.errors).toEqual([]);
    expect((await t.api('POST', '/api/v1/meta/objects', { ...vehicle(), apiName: 'rt_draft_only' })).status).toBe(201);
    const unpublished = await check({ object: 'rt_draft_only', kind: 'formula', rule: { var: 'price' } });
    expect(unpublished.body).toEqual({ errors: [], type: 'number' });
    expect((await t.api('DELETE', '/api/v1/meta/objects/rt_draft_only')).status).toBe(204);
  });

  it('refuses a malformed body with 422 naming the member', async () => {
    expectProblem(await check({ object: 'rt_vehicle', rule: true }), 422, [{ field: '/kind', code: 'enum' }]);
    expectProblem(await check({ object: 'Bad Name', kind: 'macro', rule: true }), 422, [
      { field: '/object', code: 'pattern' },
      { field: '/kind', code: 'enum' },
    ]);
    expectProblem(await check({ object: 'rt_vehicle', kind: 'validation' }), 422, [
      { field: '/rule', code: 'required' },
    ]);
    expectProblem(await check({ object: 'rt_vehicle', kind: 'validation', rule: 1, extra: 1 }), 422, [
      { field: '/extra', code: 'additionalProperties' },
    ]);
    expectProblem(await check([1, 2]), 422, [{ field: '', code: 'type' }]);
    expectProblem(await check({ object: 'nope', kind: 'validation', rule: true }), 404);
  });

  it('is for metadata managers only', async () => {
    const user = await createUser(t, { name: 'Plain' });
    expectProblem(
      await user.api('POST', '/api/v1/meta/rules/check', { object: 'rt_vehicle', kind: 'validation', rule: true }),
      403,
    );
    expectProblem(await user.api('GET', '/api/v1/meta/rules/operators'), 403);
  });
});

describe('POST /meta/rules/test', () => {
  it('says whether a validation rule would refuse the record', async () => {
    const rule = { '>': [{ var: 'price' }, 1000] };
    const pricey = await test({ object: 'rt_vehicle', kind: 'validation', rule, recordId });
    expect(pricey.status, JSON.stringify(pricey.body)).toBe(200);
    expect(pricey.body).toEqual({ result: true, refused: true });
    expect((await test({ object: 'rt_vehicle', kind: 'validation', rule, recordId: cheapId })).body).toEqual({
      result: false,
      refused: false,
    });
  });

  it('reads the record as validation rules do at run time: a lookup is its id', async () => {
    const rule = { '==': [{ var: 'maker' }, makerId] };
    expect((await test({ object: 'rt_vehicle', kind: 'validation', rule, recordId })).body).toEqual({
      result: true,
      refused: true,
    });
    // And the engine agrees: saving the record is refused by the same rule.
    const ruled = await t.api('PUT', '/api/v1/meta/objects/rt_vehicle', {
      ...vehicle(),
      validationRules: [{ apiName: 'no_maker', condition: rule, message: 'not this maker' }],
    });
    expect(ruled.status, JSON.stringify(ruled.body)).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const write = await t.api('PATCH', `/api/v1/records/rt_vehicle/${recordId}`, { price: 31000 });
    expect(write.status).toBe(422);
    expect(write.body.errors[0]).toMatchObject({ code: 'validationRule', rule: 'no_maker' });
    expect((await t.api('PUT', '/api/v1/meta/objects/rt_vehicle', vehicle())).status).toBe(200);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    // Back to a draft with a field the table does not have yet (the next test reads it).
    const colour = vehicle([{ apiName: 'colour', type: 'text', label: 'Colour' }]);
    expect((await t.api('PUT', '/api/v1/meta/objects/rt_vehicle', colour)).status).toBe(200);
  });

  it('evaluates visibility, required and workflow conditions on the record', async () => {
    const rule = { '==': [{ var: 'electric' }, true] };
    for (const kind of ['visibility', 'required', 'condition']) {
      expect((await test({ object: 'rt_vehicle', kind, rule, recordId })).body).toEqual({ result: true });
      expect((await test({ object: 'rt_vehicle', kind, rule, recordId: cheapId })).body).toEqual({ result: false });
    }
  });

  it("computes a formula with the SQL it compiles to, on the record's row", async () => {
    const res = await test({ object: 'rt_vehicle', kind: 'formula', rule: { '*': [{ var: 'price' }, 2] }, recordId });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toEqual({ value: 60000, type: 'number', kind: 'number' });
    // A literal with ? and quotes stays data: neither a binding placeholder nor SQL.
    const text = await test({
      object: 'rt_vehicle',
      kind: 'formula',
      rule: { cat: [{ var: 'name' }, "? it's ?? '); drop table x; --"] },
      recordId: cheapId,
    });
    expect(text.body).toEqual({ value: "Bike?? it's ?? '); drop table x; --", type: 'text', kind: 'text' });
    const bool = await test({
      object: 'rt_vehicle',
      kind: 'formula',
      rule: { '>': [{ var: 'price' }, 1000] },
      recordId,
      returnType: 'boolean',
    });
    expect(bool.body).toEqual({ value: true, type: 'boolean', kind: 'boolean' });
    const date = await test({
      object: 'rt_vehicle',
      kind: 'formula',
      rule: { if: [{ var: 'electric' }, '2026-01-02', null] },
      recordId,
      returnType: 'date',
    });
    expect(date.status, JSON.stringify(date.body)).toBe(422); // text is not a date: the compiler refuses it
  });

  it('names a draft field that has no column yet', async () => {
    // rt_vehicle's draft has `colour` (added above), the published table not.
    const res = await test({ object: 'rt_vehicle', kind: 'formula', rule: { cat: [{ var: 'colour' }] }, recordId });
    expectProblem(res, 422, [{ field: '/rule', code: 'reference' }]);
    expect(res.body.detail).toContain('"colour"');
    expectNoLeak(res);
  });

  it('answers 404 for a record that does not exist, and 422 without a record id', async () => {
    const rule = { '==': [1, 1] };
    expectProblem(
      await test({ object: 'rt_vehicle', kind: 'visibility', rule, recordId: '0190a000-0000-7000-8000-000000000000' }),
      404,
    );
    expectProblem(await test({ object: 'rt_vehicle', kind: 'visibility', rule, recordId: 'not-an-id' }), 404);
    expectProblem(await test({ object: 'rt_vehicle', kind: 'visibility', rule }), 422, [
      { field: '/recordId', code: 'required' },
    ]);
  });

  it('reads the record as the caller: a metadata manager who may not read it is refused', async () => {
    const user = await createUser(t, { name: 'Outsider', permissionSets: ['rt_meta'] });
    const rule = { '==': [{ var: 'electric' }, true] };
    expect(
      (await user.api('POST', '/api/v1/meta/rules/check', { object: 'rt_vehicle', kind: 'visibility', rule })).status,
    ).toBe(200);
    const res = await user.api('POST', '/api/v1/meta/rules/test', {
      object: 'rt_vehicle',
      kind: 'visibility',
      rule,
      recordId,
    });
    // As any read by someone without read access to the object: it does not exist for them.
    expectProblem(res, 404);
    expect(JSON.stringify(res.body)).not.toContain('Car');
  });
});

describe('hostile json-logic', () => {
  const cases = corpus('json-logic.txt').map((line) => JSON.parse(line) as unknown);

  it('reads the corpus', () => {
    expect(cases.length).toBeGreaterThanOrEqual(7);
  });

  it('is reported by check and refused by test with 422, never evaluated', async () => {
    for (const rule of cases) {
      for (const kind of ['validation', 'formula', 'visibility', 'condition']) {
        const checked = await check({ object: 'rt_vehicle', kind, rule });
        expect(checked.status).toBe(200);
        expect(checked.body.errors.length, `${kind} ${JSON.stringify(rule)}`).toBeGreaterThan(0);
        const tested = await test({ object: 'rt_vehicle', kind, rule, recordId });
        expectProblem(tested, 422);
        expect(tested.body.errors[0].field).toMatch(/^\/rule/);
        expectNoLeak(tested);
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });
});

describe('the OpenAPI document', () => {
  it('documents the three routes, and their answers match it', async () => {
    const doc = await (await fetch(`${t.url}/api/v1/openapi.json`)).json();
    const ajv = new Ajv2020({ strict: false });
    const answer = (path: string, method: string, status: number) =>
      ajv.compile(doc.paths[path][method].responses[String(status)].content['application/json'].schema);
    const operators = answer('/api/v1/meta/rules/operators', 'get', 200);
    expect(operators((await t.api('GET', '/api/v1/meta/rules/operators')).body)).toBe(true);
    const checked = answer('/api/v1/meta/rules/check', 'post', 200);
    for (const rule of [{ var: 'price' }, { var: 'nope' }])
      for (const kind of ['formula', 'validation'])
        expect(checked((await check({ object: 'rt_vehicle', kind, rule })).body)).toBe(true);
    const tested = answer('/api/v1/meta/rules/test', 'post', 200);
    expect(tested((await test({ object: 'rt_vehicle', kind: 'formula', rule: { var: 'price' }, recordId })).body)).toBe(
      true,
    );
    expect(tested((await test({ object: 'rt_vehicle', kind: 'validation', rule: true, recordId })).body)).toBe(true);
    for (const path of ['/api/v1/meta/rules/check', '/api/v1/meta/rules/test'])
      expect(Object.keys(doc.paths[path].post.responses)).toEqual(expect.arrayContaining(['200', '404', '422']));
  });
});
