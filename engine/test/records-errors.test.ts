import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus, startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * The record API, success and failure side by side. Every failure checks the status, the
 * problem+json body (errors[].field and code) and that nothing was written.
 */

const DEAL = 'rerr_deal';
const PARENT = 'rerr_parent';
const RESTRICT_CHILD = 'rerr_rchild';
const SETNULL_CHILD = 'rerr_nchild';
const CASCADE_CHILD = 'rerr_cchild';
const DETAIL_CHILD = 'rerr_mchild';
const GRANDCHILD = 'rerr_gchild';
const RECORDS = '/api/v1/records';
const MISSING_ID = '01900000-0000-7000-8000-000000000000';
const SYSTEM_FIELDS = [
  'id',
  'owner_id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'version',
  'deleted_at',
];

let t: TestEngine;
type Res = { status: number; body: any; headers: Headers };

const rows = async (object: string, where = 'true') =>
  (await t.sql<{ n: number }>(`select count(*)::int as n from "${t.schema}".${object} where ${where}`))[0]!.n;
const liveRows = (object: string) => rows(object, 'deleted_at is null');

function expectProblem(res: Res, status: number, errors?: { field: string; code: string }[]) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(Array.isArray(res.body.errors)).toBe(true);
  if (errors)
    expect(res.body.errors.map((e: { field: string; code: string }) => ({ field: e.field, code: e.code }))).toEqual(
      errors,
    );
}

async function create(object: string, body: unknown, headers?: Record<string, string>): Promise<Res> {
  return t.api('POST', `${RECORDS}/${object}`, body, headers);
}
async function made(object: string, body: Record<string, unknown>): Promise<Record<string, any>> {
  const res = await create(object, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
const get = (object: string, id: string) => t.api('GET', `${RECORDS}/${object}/${encodeURIComponent(id)}`);
const list = (object: string, params: Record<string, string | number>) =>
  t.api('GET', `${RECORDS}/${object}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`);

/** Sends a raw body, so it can hold what JSON.stringify would never produce. */
const raw = (method: string, path: string, text: string, type = 'application/json') =>
  t.api(method, path, text, { 'content-type': type });

beforeAll(async () => {
  t = await startTestEngine();
  const objects = [
    {
      apiName: DEAL,
      label: 'Deal',
      pluralLabel: 'Deals',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name', required: true, maxLength: 100 },
        { apiName: 'code', type: 'text', label: 'Code', unique: true, maxLength: 20 },
        {
          apiName: 'stage',
          type: 'picklist',
          label: 'Stage',
          values: [{ value: 'open' }, { value: 'won' }, { value: 'lost' }],
        },
        { apiName: 'amount', type: 'currency', label: 'Amount' },
        { apiName: 'partner', type: 'lookup', label: 'Partner', target: PARENT },
        { apiName: 'closes_on', type: 'date', label: 'Closes on' },
      ],
      validationRules: [
        {
          apiName: 'big_deal_needs_stage',
          condition: { and: [{ '>': [{ var: 'amount' }, 1000] }, { '!': { var: 'stage' } }] },
          message: { en: 'A deal over 1000 needs a stage', 'zh-CN': '超过 1000 的交易必须填写阶段' },
          errorField: 'stage',
        },
      ],
    },
    {
      apiName: PARENT,
      label: 'Parent',
      pluralLabel: 'Parents',
      nameField: 'name',
      fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
    },
    ...(
      [
        [RESTRICT_CHILD, 'restrict'],
        [SETNULL_CHILD, 'setNull'],
        [CASCADE_CHILD, 'cascade'],
      ] as const
    ).map(([apiName, onDelete]) => ({
      apiName,
      label: apiName,
      pluralLabel: `${apiName}s`,
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name' },
        { apiName: 'parent', type: 'lookup', label: 'Parent', target: PARENT, onDelete },
      ],
    })),
    {
      apiName: DETAIL_CHILD,
      label: 'Detail',
      pluralLabel: 'Details',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name' },
        { apiName: 'parent', type: 'masterDetail', label: 'Parent', target: PARENT },
      ],
    },
    {
      apiName: GRANDCHILD,
      label: 'Grandchild',
      pluralLabel: 'Grandchildren',
      nameField: 'name',
      fields: [
        { apiName: 'name', type: 'text', label: 'Name' },
        { apiName: 'parent', type: 'masterDetail', label: 'Parent', target: CASCADE_CHILD },
      ],
    },
  ];
  // The deal points at the parent, so the parent goes in first.
  for (const obj of [objects[1]!, ...objects.filter((_o, i) => i !== 1)]) {
    const res = await t.api('POST', '/api/v1/meta/objects', obj);
    if (res.status !== 201) throw new Error(`${obj.apiName}: ${JSON.stringify(res.body)}`);
  }
  const published = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
  if (published.status !== 201) throw new Error(JSON.stringify(published.body));
});
afterAll(() => t?.close());

describe('creating records', () => {
  it('successful: 201 with Location, ETag and the stored record', async () => {
    const before = await rows(DEAL);
    const res = await create(DEAL, { name: 'First deal', code: 'D-1', stage: 'open', amount: 250.5 });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v1/records/${DEAL}/${res.body.id}`);
    expect(res.headers.get('etag')).toBe('"1"');
    expect(res.body).toMatchObject({
      name: 'First deal',
      code: 'D-1',
      stage: 'open',
      amount: 250.5,
      version: 1,
      partner: null,
    });
    expect(await rows(DEAL)).toBe(before + 1);
    expect((await get(DEAL, res.body.id)).body).toStrictEqual(res.body);
  });

  const failing: [string, () => unknown, { field: string; code: string }[]][] = [
    ['a required field left out', () => ({ code: 'R-1' }), [{ field: 'name', code: 'required' }]],
    ['a required field sent as null', () => ({ name: null }), [{ field: 'name', code: 'required' }]],
    ['a required field sent empty', () => ({ name: '' }), [{ field: 'name', code: 'required' }]],
    ['text longer than maxLength', () => ({ name: 'x'.repeat(101) }), [{ field: 'name', code: 'maxLength' }]],
    ['a picklist value not in the list', () => ({ name: 'p', stage: 'pending' }), [{ field: 'stage', code: 'enum' }]],
    [
      'a lookup to a random uuid',
      () => ({ name: 'l', partner: MISSING_ID }),
      [{ field: 'partner', code: 'reference' }],
    ],
    ['a lookup that is not a uuid', () => ({ name: 'l', partner: 'abc' }), [{ field: 'partner', code: 'format' }]],
    ['an unknown field', () => ({ name: 'u', colour: 'red' }), [{ field: 'colour', code: 'unknownField' }]],
    ['a wrong value type', () => ({ name: 'w', amount: '12' }), [{ field: 'amount', code: 'type' }]],
    [
      'several mistakes at once',
      () => ({ stage: 'x', colour: 1 }),
      [
        { field: 'stage', code: 'enum' },
        { field: 'colour', code: 'unknownField' },
        { field: 'name', code: 'required' },
      ],
    ],
  ];
  for (const [what, body, errors] of failing) {
    it(`failing: ${what} → 422, nothing written`, async () => {
      const before = await rows(DEAL);
      const res = await create(DEAL, body());
      expectProblem(res, 422, errors);
      expect(await rows(DEAL)).toBe(before);
    });
  }

  it('failing: a duplicate of a unique value → 422 unique, nothing written', async () => {
    await made(DEAL, { name: 'Unique one', code: 'UNIQ-1' });
    const before = await rows(DEAL);
    const res = await create(DEAL, { name: 'Unique two', code: 'UNIQ-1' });
    expectProblem(res, 422, [{ field: 'code', code: 'unique' }]);
    expect(await rows(DEAL)).toBe(before);
    expect(await rows(DEAL, `code = 'UNIQ-1'`)).toBe(1);
    // a different value is fine
    await made(DEAL, { name: 'Unique two', code: 'UNIQ-2' });
  });

  it('failing: a lookup to a deleted record, or to a record of another object → 422 reference', async () => {
    const parent = await made(PARENT, { name: 'Soon gone' });
    expect((await t.api('DELETE', `${RECORDS}/${PARENT}/${parent.id}`)).status).toBe(204);
    const deal = await made(DEAL, { name: 'Other object' });
    const before = await rows(DEAL);
    for (const partner of [parent.id, deal.id]) {
      const res = await create(DEAL, { name: 'Dangling', partner });
      expectProblem(res, 422, [{ field: 'partner', code: 'reference' }]);
    }
    expect(await rows(DEAL)).toBe(before);
    const alive = await made(PARENT, { name: 'Alive' });
    expect((await made(DEAL, { name: 'Pointing', partner: alive.id })).partner).toBe(alive.id);
  });

  it('failing: system fields in the body → 422 readOnly for each, nothing written', async () => {
    const before = await rows(DEAL);
    for (const key of SYSTEM_FIELDS) {
      const value = key === 'version' ? 7 : key.endsWith('_at') ? '2020-01-01T00:00:00Z' : MISSING_ID;
      const res = await create(DEAL, { name: 'sys', [key]: value });
      // owner_id is the one system field a caller with modifyAll may set: to an active user only.
      expectProblem(res, 422, [{ field: key, code: key === 'owner_id' ? 'reference' : 'readOnly' }]);
    }
    expect(await rows(DEAL)).toBe(before);
    expect(await rows(DEAL, `id = '${MISSING_ID}'`)).toBe(0);
  });

  it('failing: __proto__, constructor and other prototype keys → 422 unknownField, nothing written or polluted', async () => {
    const before = await rows(DEAL);
    for (const key of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '__defineGetter__']) {
      const text = `{"name":"proto","${key}":{"name":"polluted","isAdmin":true,"amount":5}}`;
      const res = await raw('POST', `${RECORDS}/${DEAL}`, text);
      expectProblem(res, 422, [{ field: key, code: 'unknownField' }]);
    }
    expect(await rows(DEAL)).toBe(before);
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // the engine still answers normally afterwards, without inherited values
    const ok = await made(DEAL, { name: 'after proto' });
    expect(ok.amount).toBeNull();
    expect(Object.keys(ok)).not.toContain('isAdmin');
  });

  it('failing: a body that is not a JSON object → 400, nothing written', async () => {
    const before = await rows(DEAL);
    const cases: [string, string][] = [
      ['[{"name":"in an array"}]', 'application/json'],
      ['"just a string"', 'application/json'],
      ['42', 'application/json'],
      ['null', 'application/json'],
      ['{"name": "unterminated"', 'application/json'],
      ["{'name': 'single quotes'}", 'application/json'],
      ['name=form', 'text/plain'],
    ];
    for (const [text, type] of cases) {
      const res = await raw('POST', `${RECORDS}/${DEAL}`, text, type);
      expectProblem(res, 400);
      expect(res.body.errors[0].field, text).toBe('/');
    }
    expect(await rows(DEAL)).toBe(before);
  });

  describe('validation rules', () => {
    it('successful: a record the rule accepts is saved', async () => {
      const res = await create(DEAL, { name: 'Big and staged', amount: 5000, stage: 'won' });
      expect(res.status).toBe(201);
      expect(res.body.amount).toBe(5000);
    });

    const languages: [string | undefined, string][] = [
      [undefined, 'A deal over 1000 needs a stage'],
      ['en-GB,en;q=0.9', 'A deal over 1000 needs a stage'],
      ['zh-CN,zh;q=0.9,en;q=0.8', '超过 1000 的交易必须填写阶段'],
      ['zh', '超过 1000 的交易必须填写阶段'],
      ['fr-FR', 'A deal over 1000 needs a stage'],
    ];
    for (const [language, message] of languages) {
      it(`failing: the rule answers in the caller's language (${language ?? 'no Accept-Language'}), nothing written`, async () => {
        const before = await rows(DEAL);
        const res = await create(
          DEAL,
          { name: 'Big, no stage', amount: 5000 },
          language ? { 'accept-language': language } : {},
        );
        expectProblem(res, 422, [{ field: 'stage', code: 'validationRule' }]);
        expect(res.body.errors[0]).toMatchObject({ rule: 'big_deal_needs_stage', message });
        expect(await rows(DEAL)).toBe(before);
      });
    }

    it('failing: an update that breaks the rule → 422, the record is unchanged', async () => {
      const deal = await made(DEAL, { name: 'Small', amount: 10 });
      const res = await t.api(
        'PATCH',
        `${RECORDS}/${DEAL}/${deal.id}`,
        { amount: 2000 },
        { 'accept-language': 'zh-CN' },
      );
      expectProblem(res, 422, [{ field: 'stage', code: 'validationRule' }]);
      expect(res.body.errors[0].message).toBe('超过 1000 的交易必须填写阶段');
      expect((await get(DEAL, deal.id)).body).toStrictEqual(deal);
    });
  });
});

describe('updating records', () => {
  it('successful: PATCH changes only what it names, bumps the version and the ETag', async () => {
    const deal = await made(DEAL, { name: 'To change', stage: 'open', amount: 1 });
    const res = await t.api('PATCH', `${RECORDS}/${DEAL}/${deal.id}`, { name: 'Changed' });
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"2"');
    expect(res.body).toMatchObject({
      name: 'Changed',
      stage: 'open',
      amount: 1,
      version: 2,
      created_at: deal.created_at,
    });
    const current = await t.api('PATCH', `${RECORDS}/${DEAL}/${deal.id}`, { stage: 'won' }, { 'if-match': '"2"' });
    expect(current.status).toBe(200);
    expect(current.body.version).toBe(3);
  });

  it('failing: a stale If-Match → 412, the record is unchanged', async () => {
    const deal = await made(DEAL, { name: 'Versioned' });
    const updated = await t.api('PATCH', `${RECORDS}/${DEAL}/${deal.id}`, { name: 'Versioned 2' });
    expect(updated.body.version).toBe(2);
    const stale = await t.api('PATCH', `${RECORDS}/${DEAL}/${deal.id}`, { name: 'Lost update' }, { 'if-match': '"1"' });
    expectProblem(stale, 412, [{ field: 'If-Match', code: 'stale' }]);
    const bad = await t.api(
      'PATCH',
      `${RECORDS}/${DEAL}/${deal.id}`,
      { name: 'Lost update' },
      { 'if-match': 'yesterday' },
    );
    expectProblem(bad, 400, [{ field: 'If-Match', code: 'format' }]);
    expect((await get(DEAL, deal.id)).body).toStrictEqual(updated.body);
  });

  it('failing: invalid changes → 422 or 400, the record is unchanged', async () => {
    const other = await made(DEAL, { name: 'Holder', code: 'TAKEN' });
    const deal = await made(DEAL, { name: 'Target', code: 'FREE' });
    const cases: [unknown, number, { field: string; code: string }[]][] = [
      [{ name: null }, 422, [{ field: 'name', code: 'required' }]],
      [{ name: 'x'.repeat(101) }, 422, [{ field: 'name', code: 'maxLength' }]],
      [{ code: 'TAKEN' }, 422, [{ field: 'code', code: 'unique' }]],
      [{ stage: 'nope' }, 422, [{ field: 'stage', code: 'enum' }]],
      [{ partner: MISSING_ID }, 422, [{ field: 'partner', code: 'reference' }]],
      [{ colour: 'red' }, 422, [{ field: 'colour', code: 'unknownField' }]],
      [{ version: 99 }, 422, [{ field: 'version', code: 'readOnly' }]],
      [{ id: other.id }, 422, [{ field: 'id', code: 'readOnly' }]],
      [{ owner_id: other.id }, 422, [{ field: 'owner_id', code: 'reference' }]],
      [{ owner_id: 'me' }, 422, [{ field: 'owner_id', code: 'format' }]],
      [[{ name: 'array' }], 400, [{ field: '/', code: 'type' }]],
    ];
    for (const [body, status, errors] of cases) {
      const res = await t.api('PATCH', `${RECORDS}/${DEAL}/${deal.id}`, body);
      expectProblem(res, status, errors);
    }
    const proto = await raw('PATCH', `${RECORDS}/${DEAL}/${deal.id}`, '{"__proto__":{"name":"polluted"}}');
    expectProblem(proto, 422, [{ field: '__proto__', code: 'unknownField' }]);
    const malformed = await raw('PATCH', `${RECORDS}/${DEAL}/${deal.id}`, '{"name":');
    expectProblem(malformed, 400);
    expect((await get(DEAL, deal.id)).body).toStrictEqual(deal);
    expect((await get(DEAL, other.id)).body).toStrictEqual(other);
  });
});

describe('unknown records and objects', () => {
  it('successful: GET of an existing record → 200', async () => {
    const deal = await made(DEAL, { name: 'Exists' });
    expect((await get(DEAL, deal.id)).status).toBe(200);
  });

  it('failing: GET, PATCH and DELETE of an unknown or non-uuid id → 404, nothing written', async () => {
    const before = await rows(DEAL);
    const live = await liveRows(DEAL);
    for (const id of [MISSING_ID, 'not-a-uuid', '1', "1' or '1'='1", '00000000-0000-0000-0000-00000000000g']) {
      expectProblem(await get(DEAL, id), 404);
      expectProblem(await t.api('PATCH', `${RECORDS}/${DEAL}/${encodeURIComponent(id)}`, { name: 'x' }), 404);
      expectProblem(await t.api('DELETE', `${RECORDS}/${DEAL}/${encodeURIComponent(id)}`), 404);
    }
    expect(await rows(DEAL)).toBe(before);
    expect(await liveRows(DEAL)).toBe(live);
  });

  it('failing: an unknown object → 404 for list, create, get, patch and delete', async () => {
    const deal = await made(DEAL, { name: 'Wrong object' });
    const before = await rows(DEAL);
    for (const object of ['nope', 'rerr_deals', 'pg_class', '__proto__', 'constructor']) {
      expectProblem(await t.api('GET', `${RECORDS}/${object}`), 404);
      expectProblem(await create(object, { name: 'x' }), 404);
      expectProblem(await t.api('GET', `${RECORDS}/${object}/${deal.id}`), 404);
      expectProblem(await t.api('PATCH', `${RECORDS}/${object}/${deal.id}`, { name: 'x' }), 404);
      expectProblem(await t.api('DELETE', `${RECORDS}/${object}/${deal.id}`), 404);
    }
    expect(await rows(DEAL)).toBe(before);
    expect((await get(DEAL, deal.id)).body).toStrictEqual(deal);
  });
});

describe('deleting records', () => {
  it('successful: DELETE → 204, then GET, PATCH and DELETE → 404; the row is kept, soft-deleted', async () => {
    const deal = await made(DEAL, { name: 'Delete me', code: 'DEL-1' });
    expect((await t.api('DELETE', `${RECORDS}/${DEAL}/${deal.id}`)).status).toBe(204);
    expectProblem(await get(DEAL, deal.id), 404);
    expectProblem(await t.api('PATCH', `${RECORDS}/${DEAL}/${deal.id}`, { name: 'back' }), 404);
    expectProblem(await t.api('DELETE', `${RECORDS}/${DEAL}/${deal.id}`), 404);
    const listed = await list(DEAL, { filter: JSON.stringify({ id: deal.id }) });
    expect(listed.body.data).toEqual([]);
    expect(await rows(DEAL, `id = '${deal.id}' and deleted_at is not null`)).toBe(1);
  });

  it('failing: restrict → 409 and nothing is deleted or cleared, not even by the other rules', async () => {
    const parent = await made(PARENT, { name: 'Restricted' });
    const blocker = await made(RESTRICT_CHILD, { name: 'blocker', parent: parent.id });
    const nulled = await made(SETNULL_CHILD, { name: 'would be cleared', parent: parent.id });
    const cascaded = await made(CASCADE_CHILD, { name: 'would go', parent: parent.id });
    const detail = await made(DETAIL_CHILD, { name: 'would go too', parent: parent.id });
    const res = await t.api('DELETE', `${RECORDS}/${PARENT}/${parent.id}`);
    expectProblem(res, 409, [{ field: `${RESTRICT_CHILD}.parent`, code: 'restrict' }]);
    expect((await get(PARENT, parent.id)).body).toStrictEqual(parent);
    expect((await get(RESTRICT_CHILD, blocker.id)).body).toStrictEqual(blocker);
    expect((await get(SETNULL_CHILD, nulled.id)).body).toStrictEqual(nulled);
    expect((await get(CASCADE_CHILD, cascaded.id)).body).toStrictEqual(cascaded);
    expect((await get(DETAIL_CHILD, detail.id)).body).toStrictEqual(detail);

    // once the blocker points elsewhere the delete goes through
    const elsewhere = await made(PARENT, { name: 'Elsewhere' });
    expect((await t.api('PATCH', `${RECORDS}/${RESTRICT_CHILD}/${blocker.id}`, { parent: elsewhere.id })).status).toBe(
      200,
    );
    expect((await t.api('DELETE', `${RECORDS}/${PARENT}/${parent.id}`)).status).toBe(204);
  });

  it('setNull clears the child’s lookup; cascade and masterDetail soft-delete the children (and theirs)', async () => {
    const parent = await made(PARENT, { name: 'Going' });
    const keep = await made(PARENT, { name: 'Staying' });
    const nulled = await made(SETNULL_CHILD, { name: 'cleared', parent: parent.id });
    const untouched = await made(SETNULL_CHILD, { name: 'other parent', parent: keep.id });
    const cascaded = await made(CASCADE_CHILD, { name: 'goes', parent: parent.id });
    const grandchild = await made(GRANDCHILD, { name: 'goes too', parent: cascaded.id });
    const detail = await made(DETAIL_CHILD, { name: 'detail goes', parent: parent.id });
    const otherDetail = await made(DETAIL_CHILD, { name: 'detail stays', parent: keep.id });

    expect((await t.api('DELETE', `${RECORDS}/${PARENT}/${parent.id}`)).status).toBe(204);

    const cleared = await get(SETNULL_CHILD, nulled.id);
    expect(cleared.status).toBe(200);
    expect(cleared.body.parent).toBeNull();
    expect(cleared.body.version).toBe(2);
    expect((await get(SETNULL_CHILD, untouched.id)).body).toStrictEqual(untouched);
    for (const [object, id] of [
      [CASCADE_CHILD, cascaded.id],
      [GRANDCHILD, grandchild.id],
      [DETAIL_CHILD, detail.id],
    ] as const) {
      expectProblem(await get(object, id), 404);
      expect(await rows(object, `id = '${id}' and deleted_at is not null`)).toBe(1);
    }
    expect((await get(DETAIL_CHILD, otherDetail.id)).body).toStrictEqual(otherDetail);
    expect((await get(PARENT, keep.id)).status).toBe(200);
  });

  it('failing: a masterDetail child without its parent → 422 required, nothing written', async () => {
    const before = await rows(DETAIL_CHILD);
    expectProblem(await create(DETAIL_CHILD, { name: 'orphan' }), 422, [{ field: 'parent', code: 'required' }]);
    expectProblem(await create(DETAIL_CHILD, { name: 'orphan', parent: MISSING_ID }), 422, [
      { field: 'parent', code: 'reference' },
    ]);
    expect(await rows(DETAIL_CHILD)).toBe(before);
  });
});

describe('listing records', () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {};
    for (const [key, amount, stage] of [
      ['l1', 10, 'open'],
      ['l2', 2000, 'won'],
      ['l3', 500, 'lost'],
      ['l4', 1500, 'won'],
    ] as const) {
      ids[key] = (await made(DEAL, { name: `list ${key}`, code: `LIST-${key}`, amount, stage })).id;
    }
  });

  it('successful: filter, sort, fields and limit', async () => {
    const res = await list(DEAL, {
      filter: JSON.stringify({
        and: [{ amount: { gte: 500 } }, { stage: { in: ['won', 'lost'] } }, { code: { startsWith: 'LIST-' } }],
      }),
      sort: '-amount,name',
      fields: 'name,amount',
      limit: 10,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.map((r: { id: string }) => r.id)).toEqual([ids.l2, ids.l4, ids.l3]);
    expect(res.body.data[0]).toMatchObject({ name: 'list l2', amount: 2000 });
    expect(res.body.data[0]).not.toHaveProperty('stage');
    expect(res.body.nextCursor).toBeNull();
    const recent = await list(DEAL, {
      filter: JSON.stringify({
        code: { startsWith: 'LIST-' },
        created_at: { gte: '2000-01-01' },
        updated_at: { lt: '9999-12-31T23:59:59.999+14:00' },
        version: { in: [1, 2147483647] },
      }),
    });
    expect(recent.body.data).toHaveLength(4);
    const or = await list(DEAL, {
      filter: JSON.stringify({
        code: { startsWith: 'LIST-' },
        or: [{ amount: 10 }, { not: { stage: { ne: 'lost' } } }],
      }),
    });
    expect(or.body.data.map((r: { id: string }) => r.id).sort()).toEqual([ids.l1, ids.l3].sort());
  });

  const failing: [string, Record<string, string | number>, { field: string; code: string; message?: unknown }][] = [
    ['an unknown field', { filter: '{"colour":{"eq":"red"}}' }, { field: '/colour', code: 'unknownField' }],
    [
      'an unknown field inside and/or/not',
      { filter: '{"and":[{"name":"x"},{"or":[{"not":{"colour":1}}]}]}' },
      { field: '/and/1/or/0/not/colour', code: 'unknownField' },
    ],
    [
      'an unknown operator',
      { filter: '{"amount":{"greater":5}}' },
      { field: '/amount/greater', code: 'unknownOperator' },
    ],
    [
      'an operator the type does not allow',
      { filter: '{"stage":{"gt":"open"}}' },
      { field: '/stage/gt', code: 'operator' },
    ],
    [
      'contains on a number',
      { filter: '{"amount":{"contains":"1"}}' },
      { field: '/amount/contains', code: 'operator' },
    ],
    ['a value of the wrong type', { filter: '{"amount":{"eq":"abc"}}' }, { field: '/amount/eq', code: 'type' }],
    [
      'a picklist value not in the list',
      { filter: '{"stage":{"in":["open","nope"]}}' },
      { field: '/stage/in/1', code: 'type' },
    ],
    ['in without an array', { filter: '{"stage":{"in":"open"}}' }, { field: '/stage/in', code: 'type' }],
    ['between with one value', { filter: '{"amount":{"between":[1]}}' }, { field: '/amount/between', code: 'type' }],
    ['isNull with a string', { filter: '{"name":{"isNull":"yes"}}' }, { field: '/name/isNull', code: 'type' }],
    ['eq null', { filter: '{"name":{"eq":null}}' }, { field: '/name/eq', code: 'type' }],
    ['a bad uuid for id', { filter: '{"id":"nope"}' }, { field: '/id/eq', code: 'type' }],
    ['malformed JSON', { filter: '{"name":' }, { field: 'filter', code: 'json' }],
    ['a filter that is an array', { filter: '[{"name":"x"}]' }, { field: '', code: 'type' }],
    ['an empty filter object', { filter: '{}' }, { field: '', code: 'empty' }],
    ['an empty and', { filter: '{"and":[]}' }, { field: '/and', code: 'type' }],
    [
      'over-deep nesting',
      { filter: `${'{"not":'.repeat(20)}{"name":"x"}${'}'.repeat(20)}` },
      { field: `${'/not'.repeat(13)}`, code: 'depth' },
    ],
    [
      'a date Postgres cannot hold (year 0)',
      { filter: '{"closes_on":{"lt":"0000-01-01"}}' },
      { field: '/closes_on/lt', code: 'type' },
    ],
    ['a date that does not exist', { filter: '{"closes_on":"2024-02-30"}' }, { field: '/closes_on/eq', code: 'type' }],
    [
      'created_at on a day that does not exist',
      { filter: '{"created_at":{"gt":"2024-02-30"}}' },
      { field: '/created_at/gt', code: 'type' },
    ],
    ['created_at as a bare number', { filter: '{"created_at":{"gt":"1"}}' }, { field: '/created_at/gt', code: 'type' }],
    [
      'created_at without a time zone',
      { filter: '{"created_at":{"gt":"2024-01-01T10:00:00"}}' },
      { field: '/created_at/gt', code: 'type' },
    ],
    [
      'created_at in year 0',
      { filter: '{"created_at":{"gt":"0000-01-01T00:00:00Z"}}' },
      { field: '/created_at/gt', code: 'type' },
    ],
    [
      'created_at at hour 24',
      { filter: '{"created_at":{"between":["2024-01-01T00:00:00Z","2024-01-01T24:00:00Z"]}}' },
      { field: '/created_at/between/1', code: 'type' },
    ],
    [
      'version beyond a Postgres integer',
      { filter: '{"version":{"gte":2147483648}}' },
      { field: '/version/gte', code: 'type' },
    ],
    ['version as a fraction', { filter: '{"version":{"in":[1,1.5]}}' }, { field: '/version/in/1', code: 'type' }],
    [
      'a NUL character in a value',
      { filter: '{"name":{"eq":"a\\u0000b"}}' },
      { field: '/name/eq', code: 'invalidCharacter' },
    ],
    [
      'a NUL character in contains',
      { filter: '{"name":{"contains":"a\\u0000"}}' },
      { field: '/name/contains', code: 'invalidCharacter' },
    ],
    ['limit 0', { limit: 0 }, { field: 'limit', code: 'range' }],
    ['limit 501', { limit: 501 }, { field: 'limit', code: 'range' }],
    ['limit -1', { limit: -1 }, { field: 'limit', code: 'range' }],
    ['limit 1.5', { limit: 1.5 }, { field: 'limit', code: 'range' }],
    ['limit abc', { limit: 'abc' }, { field: 'limit', code: 'range' }],
    ['sort by an unknown field', { sort: 'colour' }, { field: 'sort', code: 'unknownField' }],
    ['sort by an unknown second field', { sort: '-amount,colour' }, { field: 'sort', code: 'unknownField' }],
    ['sort with an empty part', { sort: 'name,' }, { field: 'sort', code: 'unknownField' }],
    ['fields naming an unknown field', { fields: 'name,colour' }, { field: 'fields', code: 'unknownField' }],
    [
      'fields naming a system field, which always comes',
      { fields: 'name,created_at' },
      {
        field: 'fields',
        code: 'unknownField',
        message: expect.stringContaining('system fields (id, version, owner_id, created_at'),
      },
    ],
    ['a cursor that is not base64 JSON', { cursor: 'not-a-cursor' }, { field: 'cursor', code: 'cursor' }],
    [
      'a cursor of JSON that is no cursor',
      { cursor: Buffer.from('{"hello":1}').toString('base64url') },
      { field: 'cursor', code: 'cursor' },
    ],
  ];
  for (const [what, params, error] of failing) {
    it(`failing: ${what} → 400 naming it, nothing written`, async () => {
      const before = await rows(DEAL);
      const res = await list(DEAL, params);
      expectProblem(res, 400);
      expect(res.body.errors[0]).toMatchObject(error);
      expect(await rows(DEAL)).toBe(before);
    });
  }

  it('failing: repeated query parameters → 400, nothing written', async () => {
    const before = await rows(DEAL);
    for (const name of ['filter', 'sort', 'fields', 'limit', 'cursor']) {
      const res = await t.api('GET', `${RECORDS}/${DEAL}?${name}=a&${name}=b`);
      expectProblem(res, 400);
      expect(res.body.errors[0].field, name).toMatch(new RegExp(`^(${name}|)$`));
    }
    expect(await rows(DEAL)).toBe(before);
  });

  it('failing: a tampered cursor → 400 (other sort, other values, values of the wrong type), nothing written', async () => {
    const before = await rows(DEAL);
    const first = await list(DEAL, { sort: 'amount', limit: 1 });
    expect(first.status).toBe(200);
    const cursor = first.body.nextCursor as string;
    const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    expect(decoded.s).toBe('amount,id');
    expect((await list(DEAL, { sort: 'amount', limit: 1, cursor })).status).toBe(200);
    const encode = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const tampered = [
      { sort: '-amount', cursor },
      { sort: 'name', cursor },
      { sort: 'amount', cursor: cursor.slice(0, -3) },
      { sort: 'amount', cursor: encode({ ...decoded, v: [decoded.v[0]] }) },
      { sort: 'amount', cursor: encode({ ...decoded, v: [{ $gt: 1 }, decoded.v[1]] }) },
      { sort: 'amount', cursor: encode({ ...decoded, v: ['not a number', decoded.v[1]] }) },
      { sort: 'amount', cursor: encode({ ...decoded, v: [decoded.v[0], 'not-a-uuid'] }) },
      { sort: 'created_at', cursor: encode({ s: 'created_at,id', v: ['yesterday-ish', decoded.v[1]] }) },
      { sort: 'created_at', cursor: encode({ s: 'created_at,id', v: ['2024-13-45T99:00:00Z', decoded.v[1]] }) },
      { sort: 'name', cursor: encode({ s: 'name,id', v: ['nul\u0000', decoded.v[1]] }) },
    ];
    for (const params of tampered) {
      const res = await list(DEAL, { limit: 1, ...params });
      expectProblem(res, 400, [{ field: 'cursor', code: 'cursor' }]);
    }
    expect(await rows(DEAL)).toBe(before);
  });

  it('pages by created_at and updated_at without repeating or skipping a row', async () => {
    // timestamps carry microseconds; a cursor that rounds them hands the last row out again
    for (let i = 0; i < 5; i++) await made(DEAL, { name: `paging ${i}`, code: `PAGE-${i}` });
    const filter = JSON.stringify({ code: { startsWith: 'PAGE-' } });
    const variants: Record<string, string>[] = [
      { sort: 'created_at' },
      { sort: '-created_at' },
      { sort: 'updated_at' },
      { sort: '-updated_at,name' },
      // the cursor is built from the sort values even when `fields` leaves them out
      { sort: 'created_at', fields: 'code' },
      { sort: '-amount,created_at', fields: 'name' },
    ];
    for (const params of variants) {
      const sort = JSON.stringify(params);
      const all = await list(DEAL, { filter, ...params, limit: 100 });
      expect(all.body.data).toHaveLength(5);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const res = await list(DEAL, { filter, ...params, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        seen.push(...res.body.data.map((r: { id: string }) => r.id));
        cursor = res.body.nextCursor ?? undefined;
        if (!cursor) break;
      }
      expect(seen, sort).toEqual(all.body.data.map((r: { id: string }) => r.id));
    }
  });
});

describe('the SQL injection corpus', () => {
  const lines = corpus('sqli.txt');

  it('has cases to try', () => {
    expect(lines.length).toBeGreaterThanOrEqual(15);
  });

  it('failing: every line as a filter key, an operator, a sort and a fields value → 400, never 500', async () => {
    const before = await rows(DEAL);
    for (const line of lines) {
      const attempts: [string, Record<string, string>, string][] = [
        ['filter key', { filter: JSON.stringify({ [line]: 'x' }) }, 'unknownField'],
        ['filter key with an operator', { filter: JSON.stringify({ [line]: { eq: 'x' } }) }, 'unknownField'],
        ['operator', { filter: JSON.stringify({ name: { [line]: 'x' } }) }, 'unknownOperator'],
        ['sort', { sort: line }, 'unknownField'],
        ['fields', { fields: line }, 'unknownField'],
      ];
      for (const [where, params, code] of attempts) {
        const res = await list(DEAL, params);
        expect(res.status, `${where}: ${line}`).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.errors[0].code, `${where}: ${line}`).toBe(code);
      }
    }
    expect(await rows(DEAL)).toBe(before);
  });

  it('successful: every line as a value is stored and matched literally', async () => {
    const before = await rows(DEAL);
    for (const line of lines) {
      const res = await create(DEAL, { name: line });
      expect(res.status, line).toBe(201);
      expect(res.body.name).toBe(line);
      expect((await get(DEAL, res.body.id)).body.name).toBe(line);

      const found = await list(DEAL, { filter: JSON.stringify({ name: { eq: line } }) });
      expect(found.status, line).toBe(200);
      expect(
        found.body.data.map((r: { id: string }) => r.id),
        line,
      ).toEqual([res.body.id]);

      const bare = await list(DEAL, { filter: JSON.stringify({ name: line }) });
      expect(
        bare.body.data.map((r: { id: string }) => r.id),
        line,
      ).toEqual([res.body.id]);

      const containing = await list(DEAL, { filter: JSON.stringify({ name: { contains: line } }), limit: 500 });
      expect(containing.status, line).toBe(200);
      expect(
        containing.body.data.map((r: { id: string }) => r.id),
        line,
      ).toContain(res.body.id);
      for (const r of containing.body.data) expect(r.name.toLowerCase(), line).toContain(line.toLowerCase());
    }
    expect(await rows(DEAL)).toBe(before + lines.length);
    // and the tables the corpus tries to drop are all still there
    expect(await rows(DEAL)).toBeGreaterThan(0);
    expect((await t.api('GET', `${RECORDS}/account`)).status).toBe(200);
  });
});
