import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createUser,
  expectProblem,
  probeAlike,
  publish,
  snapshot,
  type Api,
  type TestUser,
} from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Probing for names: a caller sends the same request twice, once naming something that exists
 * but that they may not see (an object they have no access to, a field they may not read, a
 * role, permission set or group while they may not manage users, any metadata while they may not
 * manage it) and once naming something that does not exist. The two answers must be the same
 * once the name is replaced — status, media type, problem type, title, detail and every error —
 * so no difference between 403, 404, 400 and 422 tells which names exist.
 */

const ACCT = 'enum_acct';
const DEAL = 'enum_deal';
const VAULT = 'enum_vault';
const R = '/api/v1/records';
const NO_ID = '00000000-0000-7000-8000-000000000000';

/** An object the rep has no access to, and one that does not exist. */
const OBJECTS = [VAULT, 'enum_nowhere'] as const;
/** A field of enum_acct the rep may not read, and one that does not exist. */
const FIELDS = ['hidden_note', 'nothing_here'] as const;
/** A unique field the rep may not read, and one that does not exist. */
const UNIQUE = ['secret_code', 'nothing_here'] as const;
/** A date field of enum_deal the rep may not read, and one that does not exist. */
const DATES = ['signed_on', 'nothing_here'] as const;

let t: TestEngine;
let rep: TestUser;
let other: TestUser;
let acct: Record<string, any>;
let deal: Record<string, any>;

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const csv = { 'content-type': 'text/csv' };

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    objects: [
      {
        apiName: ACCT,
        label: 'Account',
        pluralLabel: 'Accounts',
        nameField: 'name',
        sharing: { default: 'readWrite' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true },
          { apiName: 'code', type: 'text', label: 'Code', unique: true },
          { apiName: 'secret_code', type: 'text', label: 'Secret code', unique: true },
          { apiName: 'hidden_note', type: 'text', label: 'Hidden note' },
          { apiName: 'visible_ro', type: 'text', label: 'Read only' },
        ],
      },
      {
        apiName: DEAL,
        label: 'Deal',
        pluralLabel: 'Deals',
        nameField: 'name',
        sharing: { default: 'readWrite' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name', required: true },
          { apiName: 'amount', type: 'currency', label: 'Amount' },
          { apiName: 'signed_on', type: 'date', label: 'Signed on' },
          { apiName: 'acct', type: 'lookup', label: 'Account', target: ACCT },
        ],
      },
      {
        apiName: VAULT,
        label: 'Vault',
        pluralLabel: 'Vaults',
        nameField: 'name',
        fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
      },
    ],
    permissionSets: [
      {
        apiName: 'enum_rep',
        label: 'Rep',
        objects: {
          [ACCT]: { read: true, create: true, edit: true, delete: true },
          [DEAL]: { read: true, create: true, edit: true, delete: true },
        },
        fields: {
          [`${ACCT}.hidden_note`]: { read: false, edit: false },
          [`${ACCT}.secret_code`]: { read: false, edit: false },
          [`${ACCT}.visible_ro`]: { read: true, edit: false },
          [`${DEAL}.signed_on`]: { read: false, edit: false },
        },
        system: ['importData', 'exportData'],
      },
    ],
  });
  [rep, other] = await Promise.all([
    createUser(t, { name: 'Rep', permissionSets: ['enum_rep'] }),
    createUser(t, { name: 'Other', permissionSets: ['enum_rep'] }),
  ]);
  acct = (await t.api('POST', `${R}/${ACCT}`, { name: 'Acme', code: 'A-1', secret_code: 'S-1' })).body;
  deal = (await t.api('POST', `${R}/${DEAL}`, { name: 'Deal', amount: 10, signed_on: '2024-01-01', acct: acct.id }))
    .body;
  expect(deal.id).toBeDefined();
});
afterAll(() => t?.close());

/** Every request, for each of the two names, answered alike; `status` is the answer both get. */
async function allAlike(
  api: Api,
  names: readonly [string, string],
  requests: ((name: string) => [string, string, unknown?, Record<string, string>?])[],
  status: number | ((index: number) => number),
) {
  for (const [i, build] of requests.entries()) {
    const res = await probeAlike(api, names, build);
    const expected = typeof status === 'number' ? status : status(i);
    expect(res.status, `${build(names[0]).slice(0, 2).join(' ')}: ${JSON.stringify(res.body)}`).toBe(expected);
  }
}

describe('records: an object the caller has no access to answers like one that does not exist', () => {
  it('404 on every route, whatever the body', async () => {
    await allAlike(
      rep.api,
      OBJECTS,
      [
        (o) => ['GET', `${R}/${o}`],
        (o) => ['GET', `${R}/${o}?filter=${encodeURIComponent('{"name":"x"}')}&sort=-name`],
        (o) => ['POST', `${R}/${o}`, { name: 'x' }],
        (o) => ['POST', `${R}/${o}`, { nothing: 1 }],
        (o) => ['GET', `${R}/${o}/aggregate?groupBy=name`],
        (o) => ['POST', `${R}/${o}/bulk`, { records: [{ name: 'x' }] }],
        (o) => ['POST', `${R}/${o}/bulk`, { records: 'not a list' }],
        (o) => ['POST', `${R}/${o}/bulk`, { upsertOn: 'name', records: [{ name: 'x' }] }],
        (o) => ['PATCH', `${R}/${o}/bulk`, { records: [{ id: NO_ID, name: 'x' }] }],
        (o) => ['PATCH', `${R}/${o}/bulk`, { nope: true }],
        (o) => ['POST', `${R}/${o}/bulk-delete`, { ids: [NO_ID] }],
        (o) => ['POST', `${R}/${o}/bulk-delete`, {}],
        (o) => ['GET', `${R}/${o}/${NO_ID}`],
        (o) => ['PATCH', `${R}/${o}/${NO_ID}`, { name: 'x' }],
        (o) => ['DELETE', `${R}/${o}/${NO_ID}`],
        (o) => ['POST', `${R}/${o}/${NO_ID}/restore`],
        (o) => ['POST', `${R}/${o}/${NO_ID}/purge`],
        (o) => ['GET', `${R}/${o}/${NO_ID}/history`],
        (o) => ['GET', `${R}/${o}/${NO_ID}/shares`],
        (o) => ['POST', `${R}/${o}/${NO_ID}/shares`, { userId: other.id, access: 'read' }],
        (o) => ['GET', `${R}/${o}/${NO_ID}/access`],
        (o) => ['GET', `${R}/${o}/export?fields=name`],
        (o) => ['POST', `${R}/${o}/import`, 'name\nx\n', csv],
        (o) => ['POST', `${R}/${o}/import?upsertOn=name`, 'name\nx\n', csv],
        (o) => ['GET', `/api/v1/views/${o}`],
        (o) => ['POST', `/api/v1/views/${o}`, { label: 'x', columns: ['name'] }],
        (o) => ['POST', `/api/v1/views/${o}`, { label: 5 }],
        (o) => ['PATCH', `/api/v1/views/${o}/${NO_ID}`, { label: 'x' }],
      ],
      404,
    );
  });

  it('search names it as no object', async () => {
    await allAlike(rep.api, OBJECTS, [(o) => ['GET', `/api/v1/search?q=Acme&objects=${o}`]], 400);
  });

  it('a lookup path through it is no field', async () => {
    // A deal's account is readable; the rep's access ends at objects they cannot see at all.
    await publish(t, {
      objects: [
        {
          apiName: 'enum_box',
          label: 'Box',
          pluralLabel: 'Boxes',
          nameField: 'name',
          sharing: { default: 'readWrite' },
          fields: [
            { apiName: 'name', type: 'text', label: 'Name' },
            { apiName: 'vault', type: 'lookup', label: 'Vault', target: VAULT },
          ],
        },
      ],
      permissionSets: [
        {
          apiName: 'enum_box_reader',
          label: 'Box reader',
          objects: { enum_box: { read: true } },
        },
      ],
    });
    const reader = await createUser(t, { name: 'Box reader', permissionSets: ['enum_box_reader'] });
    await allAlike(
      reader.api,
      ['vault.name', 'name.name'],
      [
        (p) => ['GET', `${R}/enum_box?${q({ fields: p })}`],
        (p) => ['GET', `${R}/enum_box?${q({ filter: JSON.stringify({ [p]: 'x' }) })}`],
        (p) => ['GET', `${R}/enum_box?${q({ sort: p })}`],
      ],
      400,
    );
  });
});

describe('records: a field the caller may not read answers like one that does not exist', () => {
  it('in list, export and aggregate parameters (400)', async () => {
    const deals = `${R}/${DEAL}`;
    const accts = `${R}/${ACCT}`;
    await allAlike(
      rep.api,
      FIELDS,
      [
        (f) => ['GET', `${accts}?${q({ fields: `name,${f}` })}`],
        (f) => ['GET', `${deals}?${q({ fields: `name,acct.${f}` })}`],
        (f) => ['GET', `${accts}?${q({ filter: JSON.stringify({ [f]: 'x' }) })}`],
        (f) => ['GET', `${accts}?${q({ filter: JSON.stringify({ or: [{ name: 'x' }, { not: { [f]: 'x' } }] }) })}`],
        (f) => ['GET', `${deals}?${q({ filter: JSON.stringify({ [`acct.${f}`]: { isNull: false } }) })}`],
        (f) => ['GET', `${accts}?${q({ sort: `-${f}` })}`],
        (f) => ['GET', `${deals}?${q({ sort: `name,acct.${f}` })}`],
        (f) => ['GET', `${accts}/export?${q({ fields: `name,${f}` })}`],
        (f) => ['GET', `${accts}/export?${q({ filter: JSON.stringify({ [f]: 'x' }) })}`],
        (f) => ['GET', `${accts}/export?${q({ sort: f })}`],
        (f) => ['GET', `${accts}/aggregate?${q({ groupBy: f })}`],
        (f) => ['GET', `${accts}/aggregate?${q({ metrics: `max:${f}` })}`],
        (f) => ['GET', `${accts}/aggregate?${q({ filter: JSON.stringify({ [f]: 'x' }) })}`],
      ],
      400,
    );
    await allAlike(
      rep.api,
      DATES,
      [
        (f) => ['GET', `${deals}/aggregate?${q({ groupBy: `${f}:month` })}`],
        (f) => ['GET', `${deals}/aggregate?${q({ metrics: 'sum:amount', currency: 'corporate', rateDate: f })}`],
      ],
      400,
    );
  });

  it('in record bodies: create, update, bulk, bulk update (422, nothing written)', async () => {
    const before = await snapshot(t, ACCT);
    await allAlike(
      rep.api,
      FIELDS,
      [
        (f) => ['POST', `${R}/${ACCT}`, { name: 'x', [f]: 'v' }],
        (f) => ['POST', `${R}/${ACCT}`, { name: '', [f]: 'v', code: 5 }],
        (f) => ['PATCH', `${R}/${ACCT}/${acct.id}`, { [f]: 'v' }],
        (f) => ['POST', `${R}/${ACCT}/bulk`, { records: [{ name: 'a' }, { name: 'b', [f]: 'v' }] }],
        (f) => ['PATCH', `${R}/${ACCT}/bulk`, { records: [{ id: acct.id, [f]: 'v' }] }],
      ],
      422,
    );
    expect(await snapshot(t, ACCT)).toBe(before);
    // Row by row: the row naming the field fails alike, the other is written in both requests.
    await allAlike(
      rep.api,
      FIELDS,
      [
        (f) => [
          'POST',
          `${R}/${ACCT}/bulk`,
          { allOrNone: false, records: [{ name: 'kept' }, { name: 'b', [f]: 'v' }] },
        ],
      ],
      200,
    );
  });

  it('as the key of an upsert (400, nothing written)', async () => {
    const before = await snapshot(t, ACCT);
    await allAlike(
      rep.api,
      UNIQUE,
      [
        (f) => ['POST', `${R}/${ACCT}/bulk`, { upsertOn: f, records: [{ name: 'a', code: 'A-9' }] }],
        (f) => ['POST', `${R}/${ACCT}/import?upsertOn=${f}`, `name,code\na,A-9\n`, csv],
      ],
      400,
    );
    expect(await snapshot(t, ACCT)).toBe(before);
  });

  it('in a CSV header or mapping (400, no job)', async () => {
    const jobs = await snapshot(t, '_import_jobs');
    await allAlike(
      rep.api,
      FIELDS,
      [
        (f) => ['POST', `${R}/${ACCT}/import`, `name,${f}\na,b\n`, csv],
        (f) => ['POST', `${R}/${ACCT}/import?${q({ mapping: JSON.stringify({ Note: f }) })}`, 'name,Note\na,b\n', csv],
      ],
      400,
    );
    expect(await snapshot(t, '_import_jobs')).toBe(jobs);
  });

  it('in a private view: columns, filter, sort (400)', async () => {
    await allAlike(
      rep.api,
      FIELDS,
      [
        (f) => ['POST', `/api/v1/views/${ACCT}`, { label: 'v', columns: ['name', f] }],
        (f) => ['POST', `/api/v1/views/${ACCT}`, { label: 'v', columns: ['name'], filter: { or: [{ [f]: 'x' }] } }],
        (f) => ['POST', `/api/v1/views/${ACCT}`, { label: 'v', columns: ['name'], sort: `-${f}` }],
        (f) => ['POST', `/api/v1/views/${DEAL}`, { label: 'v', columns: ['name', `acct.${f}`] }],
      ],
      400,
    );
  });

  it('is named neither by /auth/me nor by the runtime metadata', async () => {
    for (const path of ['/api/v1/auth/me', '/api/v1/meta/runtime']) {
      const res = await rep.api('GET', path);
      expect(res.status).toBe(200);
      for (const name of [FIELDS[0], UNIQUE[0], DATES[0], VAULT])
        expect(JSON.stringify(res.body), path).not.toContain(name);
    }
  });

  it('a field the caller may read but not edit keeps its 403: they know it exists', async () => {
    expectProblem(await rep.api('POST', `${R}/${ACCT}`, { name: 'x', visible_ro: 'v', hidden_note: 'v' }), 403, [
      { field: 'visible_ro', code: 'fieldPermission' },
    ]);
  });
});

describe('users: someone who may not manage users', () => {
  const GRANTS = {
    role: ['sales_rep', 'no_such_role'],
    permissionSets: ['sales_user', 'no_such_set'],
    groups: ['support_team', 'no_such_group'],
  } as const;

  it('gets the same 403 whichever roles, permission sets and groups the body names', async () => {
    for (const [key, names] of Object.entries(GRANTS)) {
      const value = (name: string) => (key === 'role' ? name : [name]);
      await allAlike(
        rep.api,
        names,
        [
          (n) => ['PATCH', `/api/v1/users/${other.id}`, { [key]: value(n) }],
          (n) => ['PATCH', `/api/v1/users/${other.id}`, { name: 'x', [key]: value(n), extra: true }],
          (n) => ['PATCH', `/api/v1/users/${NO_ID}`, { [key]: value(n) }],
          (n) => ['PATCH', `/api/v1/users/${rep.id}`, { [key]: value(n) }],
          (n) => [
            'POST',
            '/api/v1/users',
            { email: 'x@example.test', password: 'long enough!', name: 'x', [key]: value(n) },
          ],
        ],
        403,
      );
    }
  });
});

describe('metadata: someone who may not manage it', () => {
  it('gets the same 403 whichever objects, items and roles the request names', async () => {
    await allAlike(
      rep.api,
      [ACCT, 'enum_nowhere'],
      [
        (o) => ['GET', `/api/v1/meta/objects/${o}`],
        (o) => ['PUT', `/api/v1/meta/objects/${o}`, { apiName: o, label: 'x', pluralLabel: 'x', nameField: 'name' }],
        (o) => ['DELETE', `/api/v1/meta/objects/${o}`],
        (o) => ['GET', `/api/v1/meta/layouts?object=${o}`],
        (o) => ['POST', '/api/v1/meta/list-views', { apiName: 'v', object: o, label: 'v', columns: ['name'] }],
        (o) => ['POST', '/api/v1/meta/permission-sets', { apiName: 'p', label: 'p', objects: { [o]: { read: true } } }],
      ],
      403,
    );
    await allAlike(
      rep.api,
      ['sales_rep', 'no_such_role'],
      [
        (r) => ['GET', `/api/v1/meta/roles/${r}`],
        (r) => ['POST', '/api/v1/meta/roles', { apiName: 'r', label: 'r', parent: r }],
        (r) => ['PUT', `/api/v1/meta/roles/${r}`, { apiName: r, label: 'r' }],
      ],
      403,
    );
  });
});
