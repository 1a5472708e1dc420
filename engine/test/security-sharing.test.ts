import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, snapshot, type Api, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Record access: owner, role hierarchy, org-wide defaults (private, read, readWrite), viewAll and
 * modifyAll, manual shares with a user or a group, criteria sharing rules, owner transfer and
 * the access explanation. Every revocation (share removed, group left, permission set or role
 * taken away, record no longer matching a rule) counts from the very next request.
 */

const NOTE = 'shr_note'; // private, with criteria rules
const PUB = 'shr_pub'; // read
const OPEN = 'shr_open'; // readWrite
const R = '/api/v1/records';

let t: TestEngine;
/**
 * A (rep) reports to M (manager) who reports to Boss; P is in a sibling role; G is in the group; X has object rights
 * only.
 */
let a: TestUser,
  m: TestUser,
  boss: TestUser,
  p: TestUser,
  g: TestUser,
  x: TestUser,
  viewer: TestUser,
  modifier: TestUser;

const fields = [
  { apiName: 'name', type: 'text', label: 'Name', required: true },
  { apiName: 'stage', type: 'picklist', label: 'Stage', values: [{ value: 'hot' }, { value: 'cold' }] },
  { apiName: 'amount', type: 'number', label: 'Amount' },
];
const rw = { read: true, create: true, edit: true, delete: true };

async function made(api: Api, object: string, body: Record<string, unknown>) {
  const res = await api('POST', `${R}/${object}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Record<string, any>;
}
const status = async (api: Api, method: string, path: string, body?: unknown) =>
  (await api(method, `${R}/${path}`, body)).status;
const sees = async (api: Api, object: string, id: string) => {
  const one = await api('GET', `${R}/${object}/${id}`);
  const list = await api('GET', `${R}/${object}?filter=${encodeURIComponent(JSON.stringify({ id }))}&count=exact`);
  expect(list.body.count).toBe(one.status === 200 ? 1 : 0);
  expect([200, 404]).toContain(one.status);
  return one.status === 200;
};

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    roles: [
      { apiName: 'shr_boss', label: 'Boss' },
      { apiName: 'shr_mgr', label: 'Manager', parent: 'shr_boss' },
      { apiName: 'shr_rep', label: 'Rep', parent: 'shr_mgr' },
      { apiName: 'shr_peer', label: 'Peer', parent: 'shr_boss' },
    ],
    groups: [{ apiName: 'shr_team', label: 'Team' }],
    objects: [
      {
        apiName: NOTE,
        label: 'Note',
        pluralLabel: 'Notes',
        nameField: 'name',
        fields,
        sharing: {
          default: 'private',
          rules: [
            {
              apiName: 'hot_to_peers',
              criteria: { '==': [{ var: 'stage' }, 'hot'] },
              role: 'shr_peer',
              access: 'read',
            },
            { apiName: 'big_to_team', criteria: { '>': [{ var: 'amount' }, 1000] }, group: 'shr_team', access: 'edit' },
          ],
        },
      },
      { apiName: PUB, label: 'Pub', pluralLabel: 'Pubs', nameField: 'name', fields, sharing: { default: 'read' } },
      {
        apiName: OPEN,
        label: 'Open',
        pluralLabel: 'Opens',
        nameField: 'name',
        fields,
        sharing: { default: 'readWrite' },
      },
    ],
    permissionSets: [
      { apiName: 'shr_rw', label: 'RW', objects: { [NOTE]: rw, [PUB]: rw, [OPEN]: rw } },
      { apiName: 'shr_viewall', label: 'View all', objects: { [NOTE]: { viewAll: true } } },
      { apiName: 'shr_modifyall', label: 'Modify all', objects: { [NOTE]: { modifyAll: true } } },
    ],
  });
  [a, m, boss, p, g, x, viewer, modifier] = await Promise.all([
    createUser(t, { name: 'A', role: 'shr_rep', permissionSets: ['shr_rw'] }),
    createUser(t, { name: 'M', role: 'shr_mgr', permissionSets: ['shr_rw'] }),
    createUser(t, { name: 'Boss', role: 'shr_boss', permissionSets: ['shr_rw'] }),
    createUser(t, { name: 'P', role: 'shr_peer', permissionSets: ['shr_rw'] }),
    createUser(t, { name: 'G', groups: ['shr_team'], permissionSets: ['shr_rw'] }),
    createUser(t, { name: 'X', permissionSets: ['shr_rw'] }),
    createUser(t, { name: 'Viewer', permissionSets: ['shr_viewall'] }),
    createUser(t, { name: 'Modifier', permissionSets: ['shr_modifyall'] }),
  ]);
});
afterAll(() => t?.close());

describe('role hierarchy', () => {
  it('managers above the owner see, edit, delete and share; peers and subordinates do not', async () => {
    const note = await made(a.api, NOTE, { name: 'rep note', stage: 'cold', amount: 1 });
    for (const who of [a, m, boss]) expect(await sees(who.api, NOTE, note.id)).toBe(true);
    for (const who of [p, g, x]) expect(await sees(who.api, NOTE, note.id)).toBe(false);
    expect(await status(m.api, 'PATCH', `${NOTE}/${note.id}`, { amount: 2 })).toBe(200);
    expect(await status(boss.api, 'POST', `${NOTE}/${note.id}/shares`, { userId: x.id, access: 'read' })).toBe(201);
    expect(await status(boss.api, 'DELETE', `${NOTE}/${note.id}`)).toBe(204);
    // Upwards only: the rep does not see the manager's records.
    const mine = await made(m.api, NOTE, { name: 'manager note' });
    expect(await sees(a.api, NOTE, mine.id)).toBe(false);
    expect(await sees(boss.api, NOTE, mine.id)).toBe(true);
  });

  it('moving a manager to another role takes their view away on the next request', async () => {
    const note = await made(a.api, NOTE, { name: 'for the manager' });
    expect(await sees(m.api, NOTE, note.id)).toBe(true);
    expect((await t.api('PATCH', `/api/v1/users/${m.id}`, { role: 'shr_peer' })).status).toBe(200);
    expect(await sees(m.api, NOTE, note.id)).toBe(false);
    expect((await t.api('PATCH', `/api/v1/users/${m.id}`, { role: 'shr_mgr' })).status).toBe(200);
    expect(await sees(m.api, NOTE, note.id)).toBe(true);
  });
});

describe('org-wide defaults, viewAll and modifyAll', () => {
  it('read: everyone with object read sees every record, only the owner side edits', async () => {
    const pub = await made(a.api, PUB, { name: 'public note' });
    const before = await snapshot(t, PUB);
    expect(await sees(x.api, PUB, pub.id)).toBe(true);
    expectProblem(await x.api('PATCH', `${R}/${PUB}/${pub.id}`, { name: 'changed' }), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);
    expectProblem(await x.api('DELETE', `${R}/${PUB}/${pub.id}`), 403, [{ field: 'id', code: 'recordAccess' }]);
    expect(await snapshot(t, PUB)).toBe(before);
    // Without object read the default opens nothing: the object is none of theirs (404).
    expect((await viewer.api('GET', `${R}/${PUB}/${pub.id}`)).status).toBe(404);
  });

  it('readWrite: everyone edits, only the owner side deletes, shares or transfers', async () => {
    const open = await made(a.api, OPEN, { name: 'open note' });
    expect(await status(x.api, 'PATCH', `${OPEN}/${open.id}`, { name: 'edited by x' })).toBe(200);
    const before = await snapshot(t, OPEN);
    expectProblem(await x.api('DELETE', `${R}/${OPEN}/${open.id}`), 403, [{ field: 'id', code: 'recordAccess' }]);
    expectProblem(await x.api('PATCH', `${R}/${OPEN}/${open.id}`, { owner_id: x.id }), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);
    expectProblem(await x.api('POST', `${R}/${OPEN}/${open.id}/shares`, { userId: p.id, access: 'edit' }), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);
    expect(await snapshot(t, OPEN)).toBe(before);
  });

  it('viewAll reads every record but edits none; modifyAll does everything', async () => {
    const note = await made(a.api, NOTE, { name: 'seen by all-viewers' });
    expect(await sees(viewer.api, NOTE, note.id)).toBe(true);
    expectProblem(await viewer.api('PATCH', `${R}/${NOTE}/${note.id}`, { name: 'x' }), 403, [
      { field: NOTE, code: 'objectPermission' },
    ]);
    expect(await sees(modifier.api, NOTE, note.id)).toBe(true);
    expect(await status(modifier.api, 'PATCH', `${NOTE}/${note.id}`, { name: 'modified', owner_id: x.id })).toBe(200);
    expect(await sees(x.api, NOTE, note.id)).toBe(true);
    expect(await sees(a.api, NOTE, note.id)).toBe(false);
    expect(await status(modifier.api, 'DELETE', `${NOTE}/${note.id}`)).toBe(204);
  });
});

describe('manual shares', () => {
  it('with a user: read, then edit; only full access manages shares; removal counts at once', async () => {
    const note = await made(a.api, NOTE, { name: 'shared note' });
    const share = await a.api('POST', `${R}/${NOTE}/${note.id}/shares`, { userId: x.id, access: 'read' });
    expect(share.status, JSON.stringify(share.body)).toBe(201);
    expect(share.body).toMatchObject({ userId: x.id, group: null, access: 'read', createdBy: a.id });
    expect(await sees(x.api, NOTE, note.id)).toBe(true);
    const before = await snapshot(t, NOTE);
    expectProblem(await x.api('PATCH', `${R}/${NOTE}/${note.id}`, { name: 'x' }), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);
    expect(await snapshot(t, NOTE)).toBe(before);

    // The shared user cannot widen their own share, nor remove the owner's.
    const shares = await snapshot(t, '_record_shares');
    expectProblem(await x.api('POST', `${R}/${NOTE}/${note.id}/shares`, { userId: x.id, access: 'edit' }), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);
    expectProblem(await x.api('DELETE', `${R}/${NOTE}/${note.id}/shares/${share.body.id}`), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);
    expect(await snapshot(t, '_record_shares')).toBe(shares);
    expect((await x.api('GET', `${R}/${NOTE}/${note.id}/shares`)).body.data).toHaveLength(1);

    const edit = await a.api('POST', `${R}/${NOTE}/${note.id}/shares`, { userId: x.id, access: 'edit' });
    expect(await status(x.api, 'PATCH', `${NOTE}/${note.id}`, { name: 'edited through a share' })).toBe(200);
    // Edit through a share is not full access: no delete, no transfer.
    expectProblem(await x.api('DELETE', `${R}/${NOTE}/${note.id}`), 403, [{ field: 'id', code: 'recordAccess' }]);
    expectProblem(await x.api('PATCH', `${R}/${NOTE}/${note.id}`, { owner_id: x.id }), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);

    for (const s of [share.body, edit.body])
      expect(await status(a.api, 'DELETE', `${NOTE}/${note.id}/shares/${s.id}`)).toBe(204);
    expect(await sees(x.api, NOTE, note.id)).toBe(false);
    expectProblem(await x.api('PATCH', `${R}/${NOTE}/${note.id}`, { name: 'too late' }), 404);
  });

  it('with a group: its members see it; leaving the group counts at once', async () => {
    const note = await made(a.api, NOTE, { name: 'group note' });
    expect(await status(a.api, 'POST', `${NOTE}/${note.id}/shares`, { group: 'shr_team', access: 'read' })).toBe(201);
    expect(await sees(g.api, NOTE, note.id)).toBe(true);
    expect(await sees(x.api, NOTE, note.id)).toBe(false);
    expect((await t.api('PATCH', `/api/v1/users/${g.id}`, { groups: [] })).status).toBe(200);
    expect(await sees(g.api, NOTE, note.id)).toBe(false);
    expect((await t.api('PATCH', `/api/v1/users/${g.id}`, { groups: ['shr_team'] })).status).toBe(200);
    expect(await sees(g.api, NOTE, note.id)).toBe(true);
  });

  it('refuses bad shares with 422 and writes nothing', async () => {
    const note = await made(a.api, NOTE, { name: 'bad shares' });
    const before = await snapshot(t, '_record_shares');
    const cases: [unknown, number, { field: string; code: string }[]][] = [
      [{ userId: x.id, group: 'shr_team', access: 'read' }, 422, [{ field: 'userId', code: 'oneOf' }]],
      [{ userId: x.id, access: 'owner' }, 422, [{ field: 'access', code: 'enum' }]],
      [{ group: 'nobody', access: 'read' }, 422, [{ field: 'group', code: 'reference' }]],
      [
        { userId: '01900000-0000-7000-8000-000000000000', access: 'read' },
        422,
        [{ field: 'userId', code: 'reference' }],
      ],
      [{ userId: x.id, access: 'read', createdBy: x.id }, 400, [{ field: 'createdBy', code: 'unknownField' }]],
    ];
    for (const [body, code, errors] of cases)
      expectProblem(await a.api('POST', `${R}/${NOTE}/${note.id}/shares`, body), code, errors);
    expect(await snapshot(t, '_record_shares')).toBe(before);
  });
});

describe('criteria sharing rules', () => {
  it('share matching records with a role (read) and a group (edit), and stop when the record no longer matches', async () => {
    const hot = await made(a.api, NOTE, { name: 'hot lead', stage: 'hot', amount: 5 });
    const big = await made(a.api, NOTE, { name: 'big deal', stage: 'cold', amount: 5000 });
    expect(await sees(p.api, NOTE, hot.id)).toBe(true);
    expect(await sees(p.api, NOTE, big.id)).toBe(false);
    expectProblem(await p.api('PATCH', `${R}/${NOTE}/${hot.id}`, { name: 'x' }), 403, [
      { field: 'id', code: 'recordAccess' },
    ]);
    expect(await sees(g.api, NOTE, big.id)).toBe(true);
    expect(await sees(g.api, NOTE, hot.id)).toBe(false);
    expect(await status(g.api, 'PATCH', `${NOTE}/${big.id}`, { name: 'big deal, edited by the team' })).toBe(200);
    // Edit through a rule: still no delete.
    expectProblem(await g.api('DELETE', `${R}/${NOTE}/${big.id}`), 403, [{ field: 'id', code: 'recordAccess' }]);

    expect(await status(a.api, 'PATCH', `${NOTE}/${hot.id}`, { stage: 'cold' })).toBe(200);
    expect(await sees(p.api, NOTE, hot.id)).toBe(false);
    // The team lowering the amount loses the record it just edited.
    expect(await status(g.api, 'PATCH', `${NOTE}/${big.id}`, { amount: 10 })).toBe(200);
    expect(await sees(g.api, NOTE, big.id)).toBe(false);
  });
  it('lists a record seen several ways once, and pages through all of them in order', async () => {
    // G sees these by the rule (amount > 1000), some also by a manual share, and their own
    // through ownership: each way is a branch of the list statement.
    const theirs = await Promise.all(
      [5000, 3000, 2000, 1500].map((amount, i) => made(a.api, NOTE, { name: `seen twice ${i}`, amount })),
    );
    for (const note of theirs.slice(0, 3))
      expect(await status(a.api, 'POST', `${NOTE}/${note.id}/shares`, { userId: g.id, access: 'read' })).toBe(201);
    const own = await Promise.all(
      [4000, 2500, 10].map((amount, i) => made(g.api, NOTE, { name: `seen twice own ${i}`, amount })),
    );
    const filter = encodeURIComponent(JSON.stringify({ name: { startsWith: 'seen twice' } }));
    const seen: { id: string; amount: number }[] = [];
    let cursor: string | null = null;
    do {
      const page = await g.api(
        'GET',
        `${R}/${NOTE}?filter=${filter}&sort=-amount&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...(page.body.data as { id: string; amount: number }[]));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    const expected = [...theirs, ...own].sort((x, y) => y.amount - x.amount);
    expect(seen.map((r) => r.id)).toEqual(expected.map((r) => r.id));
  });
});

describe('revocation of object permissions', () => {
  it('a permission set taken away counts from the next request: the object is then none of theirs', async () => {
    const y = await createUser(t, { name: 'Y', permissionSets: ['shr_rw'] });
    const note = await made(y.api, NOTE, { name: 'own note' });
    expect((await t.api('PATCH', `/api/v1/users/${y.id}`, { permissionSets: ['api_user'] })).status).toBe(200);
    for (const [method, path] of [
      ['GET', NOTE],
      ['GET', `${NOTE}/${note.id}`],
      ['PATCH', `${NOTE}/${note.id}`],
      ['POST', NOTE],
      ['GET', `${NOTE}/aggregate?metrics=count`],
    ] as const) {
      const res = await y.api(method, `${R}/${path}`, method === 'GET' ? undefined : { name: 'x' });
      expectProblem(res, 404);
      expect(res.body.detail).toBe(`object "${NOTE}" does not exist`);
    }
    const search = await y.api('GET', '/api/v1/search?q=own note');
    expect(search.body.data).toEqual([]);
  });
});

describe('owner transfer', () => {
  it('owner_id on create needs modifyAll; on update full access; the new owner must be an active user', async () => {
    const before = await snapshot(t, NOTE);
    expectProblem(await a.api('POST', `${R}/${NOTE}`, { name: 'for x', owner_id: x.id }), 403, [
      { field: 'owner_id', code: 'transfer' },
    ]);
    expectProblem(await a.api('POST', `${R}/${NOTE}`, { name: 'bad owner', owner_id: 'me' }), 422, [
      { field: 'owner_id', code: 'format' },
    ]);
    expect(await snapshot(t, NOTE)).toBe(before);
    const byModifier = await modifier.api('POST', `${R}/${NOTE}`, { name: 'made for x', owner_id: x.id });
    expect(byModifier.status, JSON.stringify(byModifier.body)).toBe(201);
    expect(byModifier.body.owner_id).toBe(x.id);

    const note = await made(a.api, NOTE, { name: 'to transfer' });
    const inactive = await createUser(t, { name: 'Gone' });
    expect((await t.api('PATCH', `/api/v1/users/${inactive.id}`, { active: false })).status).toBe(200);
    const snap = await snapshot(t, NOTE);
    expectProblem(await a.api('PATCH', `${R}/${NOTE}/${note.id}`, { owner_id: inactive.id }), 422, [
      { field: 'owner_id', code: 'reference' },
    ]);
    expect(await snapshot(t, NOTE)).toBe(snap);
    const moved = await a.api('PATCH', `${R}/${NOTE}/${note.id}`, { owner_id: x.id });
    expect(moved.status).toBe(200);
    expect(await sees(x.api, NOTE, note.id)).toBe(true);
    expect(await sees(a.api, NOTE, note.id)).toBe(false);
    const history = await x.api('GET', `${R}/${NOTE}/${note.id}/history`);
    expect(history.body.data[0]).toMatchObject({
      event: 'updated',
      field: 'owner_id',
      oldValue: a.id,
      newValue: x.id,
      userId: a.id,
    });
  });
});

describe('access explanation', () => {
  it('says who may do what and why, from the same conditions the API enforces', async () => {
    const note = await made(a.api, NOTE, { name: 'explained', stage: 'hot' });
    expect(await status(a.api, 'POST', `${NOTE}/${note.id}/shares`, { userId: x.id, access: 'edit' })).toBe(201);
    const explain = async (user: TestUser) =>
      (await t.api('GET', `${R}/${NOTE}/${note.id}/access?user=${user.id}`)).body;
    expect(await explain(a)).toMatchObject({
      read: true,
      edit: true,
      delete: true,
      grants: [{ access: 'full', reason: 'owner' }],
    });
    expect(await explain(m)).toMatchObject({
      read: true,
      edit: true,
      delete: true,
      grants: [{ access: 'full', reason: 'roleHierarchy' }],
    });
    expect(await explain(x)).toMatchObject({
      read: true,
      edit: true,
      delete: false,
      grants: [{ access: 'edit', reason: 'manualShare' }],
    });
    expect(await explain(p)).toMatchObject({
      read: true,
      edit: false,
      delete: false,
      grants: [{ access: 'read', reason: 'sharingRule', detail: 'hot_to_peers' }],
    });
    expect(await explain(g)).toMatchObject({ read: false, edit: false, delete: false, grants: [] });
    expect(await explain(viewer)).toMatchObject({
      read: true,
      edit: false,
      delete: false,
      grants: [{ access: 'read', reason: 'viewAll' }],
    });
    // Each verdict agrees with what the API answers that user.
    for (const who of [a, m, x, p, g, viewer])
      expect(await sees(who.api, NOTE, note.id), who.email).toBe((await explain(who)).read);

    // Without manageUsers a user may ask only about themselves.
    expect((await x.api('GET', `${R}/${NOTE}/${note.id}/access`)).body).toMatchObject({
      user: { id: x.id },
      edit: true,
    });
    expectProblem(await x.api('GET', `${R}/${NOTE}/${note.id}/access?user=${a.id}`), 403, [
      { field: 'manageUsers', code: 'systemPermission' },
    ]);
    expectProblem(await t.api('GET', `${R}/${NOTE}/${note.id}/access?user=nobody`), 404);
  });
});
