import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectNoLeak, expectProblem, publish, snapshot, type TestUser } from './support/security.js';
import { corpus, startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Hostile input as a non-admin user, so every statement carries the record-access predicates
 * (owner, role subordinates, shares, a criteria rule, visible joins): the SQL injection and
 * identifier corpora through object names, filter keys, operators, sort, fields, groupings and
 * values; mass assignment of system fields; prototype-pollution keys in bodies and filters.
 * Every case gets a 4xx problem+json that shows no SQL or internal names, and nothing is written.
 */

const ITEM = 'adv_item';
const PARENT = 'adv_parent';
const R = '/api/v1/records';
const SQLI = corpus('sqli.txt');
const IDENTIFIERS = corpus('identifiers.txt');
const HOSTILE = [...new Set([...SQLI, ...IDENTIFIERS])];
const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '__defineGetter__',
  'valueOf',
];

let t: TestEngine;
let n: TestUser;
let item: Record<string, any>;

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const everything = async () =>
  (
    await Promise.all(
      [
        ITEM,
        PARENT,
        '_field_history',
        '_record_shares',
        '_users',
        '_group_members',
        '_meta_draft',
        '_import_jobs',
        '_idempotency',
      ].map((table) => snapshot(t, table)),
    )
  ).join('\n');

function expectRefused(res: { status: number; body: any; headers: Headers }, what: string) {
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
  expect(res.headers.get('content-type'), what).toContain('application/problem+json');
  expect(Array.isArray(res.body.errors), what).toBe(true);
  expectNoLeak(res, t.schema);
}

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    roles: [
      { apiName: 'adv_mgr', label: 'Manager' },
      { apiName: 'adv_rep', label: 'Rep', parent: 'adv_mgr' },
    ],
    groups: [{ apiName: 'adv_grp', label: 'Group' }],
    objects: [
      {
        apiName: PARENT,
        label: 'Parent',
        pluralLabel: 'Parents',
        nameField: 'name',
        sharing: { default: 'private' },
        fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
      },
      {
        apiName: ITEM,
        label: 'Item',
        pluralLabel: 'Items',
        nameField: 'name',
        sharing: {
          default: 'private',
          rules: [
            {
              apiName: 'shared_kind',
              criteria: { '==': [{ var: 'kind' }, 'shared'] },
              group: 'adv_grp',
              access: 'edit',
            },
          ],
        },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', searchable: true },
          { apiName: 'code', type: 'text', label: 'Code', unique: true, maxLength: 40 },
          { apiName: 'kind', type: 'text', label: 'Kind' },
          { apiName: 'amount', type: 'number', label: 'Amount' },
          { apiName: 'parent', type: 'lookup', label: 'Parent', target: PARENT },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'adv_rw',
        label: 'RW',
        objects: {
          [ITEM]: { read: true, create: true, edit: true, delete: true },
          [PARENT]: { read: true, create: true },
        },
        system: ['importData', 'exportData'],
      },
    ],
  });
  n = await createUser(t, { name: 'N', role: 'adv_mgr', groups: ['adv_grp'], permissionSets: ['adv_rw'] });
  const parent = (await n.api('POST', `${R}/${PARENT}`, { name: 'P' })).body;
  item = (
    await n.api('POST', `${R}/${ITEM}`, { name: 'first', code: 'C-1', kind: 'plain', amount: 1, parent: parent.id })
  ).body;
  expect(item.id).toBeDefined();
});
afterAll(() => t?.close());

describe('SQL injection and hostile identifiers', () => {
  it('as an object name in the URL: 404 on every endpoint, nothing written', async () => {
    const before = await everything();
    for (const name of HOSTILE) {
      const o = encodeURIComponent(name);
      const requests: [string, string, unknown?][] = [
        ['GET', `${R}/${o}`],
        ['GET', `${R}/${o}/${item.id}`],
        ['GET', `${R}/${o}/aggregate?metrics=count`],
        ['GET', `${R}/${o}/export`],
        ['POST', `${R}/${o}`, { name: 'x' }],
        ['PATCH', `${R}/${o}/${item.id}`, { name: 'x' }],
        ['DELETE', `${R}/${o}/${item.id}`],
        ['POST', `${R}/${o}/bulk`, { records: [{ name: 'x' }] }],
        ['GET', `${R}/${o}/${item.id}/history`],
        ['GET', `${R}/${o}/${item.id}/shares`],
      ];
      const answers = await Promise.all(requests.map(([method, path, body]) => n.api(method, path, body)));
      answers.forEach((res, i) => expectRefused(res, `${requests[i]![0]} ${requests[i]![1]}`));
    }
    expect(await everything()).toBe(before);
  });

  it('as filter keys, operators, sort, fields, groupBy, metrics, upsertOn and cursor: 400, nothing written', async () => {
    const before = await everything();
    for (const bad of HOSTILE) {
      const lists: Record<string, string>[] = [
        { filter: JSON.stringify({ [bad]: 'x' }) },
        { filter: JSON.stringify({ name: { [bad]: 'x' } }) },
        { filter: JSON.stringify({ [`parent.${bad}`]: 'x' }) },
        { filter: JSON.stringify({ or: [{ name: 'x' }, { [bad]: 1 }] }) },
        { filter: bad },
        { sort: bad },
        { sort: `-${bad}` },
        { sort: `name,${bad}` },
        { fields: bad },
        { fields: `name,${bad}` },
        { fields: `parent.${bad}` },
        { cursor: bad },
      ];
      const requests: [string, string, unknown?][] = [
        ...lists.map((params): [string, string] => ['GET', `${R}/${ITEM}?${q(params)}`]),
        ...lists
          .filter((params) => !params.cursor)
          .map((params): [string, string] => ['GET', `${R}/${ITEM}/export?${q(params)}`]),
        ...(
          [
            { groupBy: bad, metrics: 'count' },
            { metrics: bad },
            { metrics: `sum:${bad}` },
            { metrics: 'count', filter: JSON.stringify({ [bad]: 1 }) },
          ] as Record<string, string>[]
        ).map((params): [string, string] => ['GET', `${R}/${ITEM}/aggregate?${q(params)}`]),
        ['POST', `${R}/${ITEM}/bulk`, { upsertOn: bad, records: [{ name: 'x' }] }],
        ['POST', `${R}/${ITEM}`, { [bad]: 'x' }],
      ];
      const answers = await Promise.all(requests.map(([method, path, body]) => n.api(method, path, body)));
      answers.forEach((res, i) => expectRefused(res, `${requests[i]![0]} ${requests[i]![1]}`));
    }
    expect(await everything()).toBe(before);
  });

  it('as values: stored and matched literally, as plain data', async () => {
    const made = new Map<string, string>();
    for (const [i, value] of SQLI.entries()) {
      const res = await n.api('POST', `${R}/${ITEM}`, { name: value, code: `SQLI-${i}`, kind: value });
      expect(res.status, `${value}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.name).toBe(value);
      made.set(value, res.body.id);
    }
    for (const value of SQLI) {
      const eq = await n.api('GET', `${R}/${ITEM}?${q({ filter: JSON.stringify({ name: value }), count: 'exact' })}`);
      expect(eq.status, value).toBe(200);
      expect(
        eq.body.data.map((r: { id: string }) => r.id),
        value,
      ).toEqual([made.get(value)]);
      const like = await n.api('GET', `${R}/${ITEM}?${q({ filter: JSON.stringify({ kind: { contains: value } }) })}`);
      expect(
        like.body.data.map((r: { kind: string }) => r.kind).every((k: string) => k.includes(value)),
        value,
      ).toBe(true);
      const agg = await n.api(
        'GET',
        `${R}/${ITEM}/aggregate?${q({ metrics: 'count', filter: JSON.stringify({ name: { in: [value] } }) })}`,
      );
      expect(agg.body.data, value).toEqual([{ count: 1 }]);
      if (value.trim().length >= 2)
        expect((await n.api('GET', `/api/v1/search?${q({ q: value })}`)).status, value).toBe(200);
      expect((await n.api('GET', `/api/v1/users?${q({ q: value })}`)).status, value).toBe(200);
    }
    // Text values round-trip through the export untouched (quoted as CSV, not interpreted).
    const csv = await n.api(
      'GET',
      `${R}/${ITEM}/export?${q({ fields: 'name', filter: JSON.stringify({ code: 'SQLI-0' }) })}`,
    );
    expect(csv.body).toContain(SQLI[0]!.replace(/"/g, '""'));
    // The tables the payloads name are all still there.
    expect((await t.api('GET', `${R}/account?limit=1`)).status).toBe(200);
  });

  it('hostile values in typed fields are 422, not 500', async () => {
    const before = await everything();
    for (const value of SQLI) {
      for (const body of [{ amount: value }, { parent: value }]) {
        const res = await n.api('POST', `${R}/${ITEM}`, { name: 'typed', ...body });
        expectRefused(res, JSON.stringify(body));
        expect(res.status).toBe(422);
      }
      for (const filter of [
        { amount: value },
        { amount: { gt: value } },
        { parent: value },
        { id: value },
        { created_at: { gt: value } },
        { version: value },
      ]) {
        expectRefused(
          await n.api('GET', `${R}/${ITEM}?${q({ filter: JSON.stringify(filter) })}`),
          JSON.stringify(filter),
        );
      }
    }
    expect(await everything()).toBe(before);
  });

  it('the API prefix is matched without case, and still signed in', async () => {
    for (const path of [`/API/V1/records/${ITEM}`, `/Api/v1/Records/${ITEM}`, '/API/V1/USERS', '/api/V1/SETUP-AUDIT']) {
      const res = await fetch(t.url + path);
      expect(res.status, path).toBe(401);
    }
  });
});

describe('mass assignment of system fields', () => {
  const SYSTEM = {
    id: '01900000-0000-7000-8000-000000000001',
    created_at: '2000-01-01T00:00:00Z',
    created_by: '01900000-0000-7000-8000-000000000002',
    updated_at: '2000-01-01T00:00:00Z',
    updated_by: '01900000-0000-7000-8000-000000000002',
    version: 99,
    deleted_at: '2000-01-01T00:00:00Z',
  };

  it('create, update and bulk refuse each system field by name; nothing written', async () => {
    const before = await everything();
    for (const [key, value] of Object.entries(SYSTEM)) {
      expectProblem(await n.api('POST', `${R}/${ITEM}`, { name: 'mass', [key]: value }), 422, [
        { field: key, code: 'readOnly' },
      ]);
      expectProblem(await n.api('PATCH', `${R}/${ITEM}/${item.id}`, { name: 'mass', [key]: value }), 422, [
        { field: key, code: 'readOnly' },
      ]);
      const bulk = await n.api('POST', `${R}/${ITEM}/bulk`, { records: [{ name: 'mass', [key]: value }] });
      expectProblem(bulk, 422);
      expect(bulk.body.errors[0]).toMatchObject({ field: key, code: 'readOnly', index: 0 });
      const upsert = await n.api('POST', `${R}/${ITEM}/bulk`, {
        upsertOn: 'code',
        records: [{ code: 'C-1', [key]: value }],
      });
      expectProblem(upsert, 422);
      expect(upsert.body.errors[0]).toMatchObject({ field: key, code: 'readOnly', index: 0 });
      const csv = await n.api('POST', `${R}/${ITEM}/import`, `name,${key}\nmass,${value}\n`, {
        'content-type': 'text/csv',
      });
      expectProblem(csv, 400);
      expect(csv.body.errors[0]).toMatchObject({ field: key, code: 'readOnly' });
    }
    // owner_id without the right: create needs modifyAll; bulk rows may not carry it at all.
    expectProblem(
      await n.api('POST', `${R}/${ITEM}`, { name: 'mass', owner_id: t.engine ? SYSTEM.created_by : '' }),
      403,
      [{ field: 'owner_id', code: 'transfer' }],
    );
    const bulkOwner = await n.api('POST', `${R}/${ITEM}/bulk`, {
      records: [{ name: 'mass', owner_id: SYSTEM.created_by }],
    });
    expectProblem(bulkOwner, 422);
    expect(bulkOwner.body.errors[0]).toMatchObject({ field: 'owner_id', code: 'readOnly' });
    expect(await everything()).toBe(before);
  });
});

describe('prototype-pollution keys', () => {
  const raw = (method: string, path: string, text: string) =>
    n.api(method, path, text, { 'content-type': 'application/json' });

  it('in record, bulk, share, user and permission-set bodies: refused, nothing written, no prototype changed', async () => {
    const before = await everything();
    for (const key of PROTO_KEYS) {
      const payload = `{"${key}": {"isAdmin": true, "polluted": "yes"}}`;
      const withName = `{"name": "proto", "${key}": {"polluted": "yes"}}`;
      const cases: [string, string, string][] = [
        ['POST', `${R}/${ITEM}`, withName],
        ['PATCH', `${R}/${ITEM}/${item.id}`, withName],
        ['POST', `${R}/${ITEM}/bulk`, `{"records": [${withName}]}`],
        ['POST', `${R}/${ITEM}/bulk`, `{"records": [{"name": "x"}], "${key}": {"allOrNone": false}}`],
        [
          'POST',
          `${R}/${ITEM}/${item.id}/shares`,
          `{"group": "adv_grp", "access": "read", "${key}": {"access": "edit"}}`,
        ],
        ['PATCH', `/api/v1/users/${n.id}`, payload],
        ['POST', '/api/v1/auth/tokens', `{"name": "t", "${key}": {"days": 9999}}`],
      ];
      for (const [method, path, text] of cases) {
        const res = await raw(method, path, text);
        expectRefused(res, `${method} ${path} ${key}`);
      }
      const admin = await t.api(
        'POST',
        '/api/v1/meta/permission-sets',
        `{"apiName": "adv_proto", "label": "P", "objects": {"${ITEM}": {"read": true, "${key}": true}}, "${key}": {"system": ["manageUsers"]}}`,
        { 'content-type': 'application/json' },
      );
      expectRefused(admin, `permission set with ${key}`);
    }
    expect(await everything()).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    expect((await n.api('GET', '/api/v1/auth/me')).body).toMatchObject({
      isAdmin: false,
      permissions: { system: ['importData', 'exportData', 'apiAccess'] },
    });
  });

  it('in filters: refused as unknown fields or operators', async () => {
    for (const key of PROTO_KEYS) {
      for (const filter of [
        `{"${key}": {"isNull": true}}`,
        `{"name": {"${key}": "x"}}`,
        `{"and": [{"${key}": 1}]}`,
        `{"parent.${key}": 1}`,
      ]) {
        const res = await n.api('GET', `${R}/${ITEM}?${q({ filter })}`);
        expectRefused(res, filter);
        expect(res.status, filter).toBe(400);
      }
      expectRefused(await n.api('GET', `${R}/${ITEM}?${q({ sort: key })}`), `sort ${key}`);
      expectRefused(await n.api('GET', `${R}/${ITEM}?${q({ fields: key })}`), `fields ${key}`);
      expectRefused(
        await n.api('GET', `${R}/${ITEM}/aggregate?${q({ groupBy: key, metrics: 'count' })}`),
        `groupBy ${key}`,
      );
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
