import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/admin.js';
import { createUser, expectProblem, login, PASSWORD, publish, snapshot, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Privilege escalation through the users API, permission-set metadata and roles. U manages users
 * (manageUsers) with little else; V holds more than U; W manages metadata but not users. Nobody
 * may grant beyond what they hold, change their own grants, make admins, or take over a user
 * who holds more than they do. Every refusal writes nothing.
 */

const OBJ = 'esc_obj';
const USERS = '/api/v1/users';
const META = '/api/v1/meta';

let t: TestEngine;
let u: TestUser, v: TestUser, w: TestUser, plain: TestUser;
let adminId: string;

const users = () => snapshot(t, '_users');
const setup = async () =>
  [
    await users(),
    await snapshot(t, '_group_members'),
    await snapshot(t, '_meta_draft'),
    await snapshot(t, '_sessions'),
  ].join('\n');

beforeAll(async () => {
  t = await startTestEngine();
  await publish(t, {
    roles: [
      { apiName: 'esc_top', label: 'Top' },
      { apiName: 'esc_mid', label: 'Mid', parent: 'esc_top' },
      { apiName: 'esc_low', label: 'Low', parent: 'esc_mid' },
    ],
    groups: [{ apiName: 'esc_grp', label: 'Group' }],
    objects: [
      {
        apiName: OBJ,
        label: 'Obj',
        pluralLabel: 'Objs',
        nameField: 'name',
        sharing: { default: 'private' },
        fields: [
          { apiName: 'name', type: 'text', label: 'Name' },
          { apiName: 'secret', type: 'text', label: 'Secret' },
        ],
      },
    ],
    permissionSets: [
      {
        apiName: 'esc_um',
        label: 'User manager',
        objects: { [OBJ]: { read: true, create: true, edit: true } },
        fields: { [`${OBJ}.secret`]: { read: false, edit: false } },
        system: ['manageUsers'],
      },
      {
        apiName: 'esc_basic',
        label: 'Basic',
        objects: { [OBJ]: { read: true } },
        fields: { [`${OBJ}.secret`]: { read: false, edit: false } },
      },
      { apiName: 'esc_power', label: 'Power', objects: { [OBJ]: { modifyAll: true } }, system: ['exportData'] },
      { apiName: 'esc_meta', label: 'Metadata', system: ['manageMetadata'] },
    ],
  });
  [u, v, w, plain] = await Promise.all([
    createUser(t, { name: 'U', role: 'esc_mid', permissionSets: ['esc_um'] }),
    createUser(t, { name: 'V', role: 'esc_low', permissionSets: ['esc_power'] }),
    createUser(t, { name: 'W', permissionSets: ['esc_meta'] }),
    createUser(t, { name: 'Plain', role: 'esc_low', permissionSets: ['esc_basic'] }),
  ]);
  adminId = (await t.api('GET', '/api/v1/auth/me')).body.id;
});
afterAll(() => t?.close());

const newUser = (extra: Record<string, unknown>) => ({
  email: `new-${Math.random().toString(36).slice(2)}@example.test`,
  password: PASSWORD,
  name: 'New',
  ...extra,
});

describe('users API', () => {
  it('nobody changes their own role, permission sets, groups, status or admin flag — not even an admin', async () => {
    const before = await setup();
    for (const [who, id] of [
      [u.api, u.id],
      [t.api, adminId],
    ] as const) {
      for (const [key, value] of [
        ['permissionSets', ['esc_um', 'esc_power']],
        ['role', 'esc_top'],
        ['groups', ['esc_grp']],
        ['active', true],
        ['isAdmin', false],
      ] as const) {
        expectProblem(await who('PATCH', `${USERS}/${id}`, { [key]: value }), 403, [{ field: key, code: 'ownGrants' }]);
      }
    }
    expect(await setup()).toBe(before);
    // Their own name they may change.
    expect((await u.api('PATCH', `${USERS}/${u.id}`, { name: 'U' })).status).toBe(200);
  });

  it('a user manager grants only permission sets within their own grants', async () => {
    const before = await setup();
    const beyond = await u.api('POST', USERS, newUser({ permissionSets: ['esc_power'] }));
    expectProblem(beyond, 403);
    expect(beyond.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          field: 'permissionSets/esc_power/objects/esc_obj/modifyAll',
          code: 'grantBeyondOwn',
        }),
        expect.objectContaining({ field: 'permissionSets/esc_power/system', code: 'grantBeyondOwn' }),
      ]),
    );
    // The core api_user set grants apiAccess, which U holds (U signs in with a bearer token).
    expectProblem(await u.api('POST', USERS, newUser({ permissionSets: ['esc_meta'] })), 403, [
      { field: 'permissionSets/esc_meta/system', code: 'grantBeyondOwn' },
    ]);
    expectProblem(await u.api('PATCH', `${USERS}/${plain.id}`, { permissionSets: ['esc_basic', 'esc_power'] }), 403);
    expect(await setup()).toBe(before);

    const ok = await u.api('POST', USERS, newUser({ permissionSets: ['esc_basic'], role: 'esc_low' }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body).toMatchObject({ permissionSets: ['esc_basic'], role: 'esc_low', isAdmin: false });
  });

  it('a set whose unlisted fields would open a field the granter cannot read is beyond them', async () => {
    // esc_basic hides secret; a set with object read and no field list would show it.
    expectProblem(
      await u.api('POST', `${META}/permission-sets`, {
        apiName: 'esc_sneaky',
        label: 'Sneaky',
        objects: { [OBJ]: { read: true } },
      }),
      403,
      [{ field: `/fields/${OBJ}.secret`, code: 'grantBeyondOwn' }],
    );
  });

  it('only admins make admins, and only admins change admins', async () => {
    const before = await setup();
    expectProblem(await u.api('POST', USERS, newUser({ isAdmin: true })), 403, [
      { field: 'isAdmin', code: 'adminOnly' },
    ]);
    expectProblem(await u.api('PATCH', `${USERS}/${plain.id}`, { isAdmin: true }), 403, [
      { field: 'isAdmin', code: 'adminOnly' },
    ]);
    expectProblem(await u.api('PATCH', `${USERS}/${adminId}`, { password: 'taken over by U' }), 403, [
      { field: 'id', code: 'adminTarget' },
    ]);
    expectProblem(await u.api('PATCH', `${USERS}/${adminId}`, { email: 'u-owns-this@example.test' }), 403, [
      { field: 'id', code: 'adminTarget' },
    ]);
    expectProblem(await u.api('PATCH', `${USERS}/${adminId}`, { active: false }), 403, [
      { field: 'id', code: 'adminTarget' },
    ]);
    expect(await setup()).toBe(before);
    expect((await login(t, ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  it("roles: only below the granter's own", async () => {
    const before = await setup();
    for (const role of ['esc_top', 'esc_mid']) {
      expectProblem(await u.api('POST', USERS, newUser({ role })), 403, [{ field: 'role', code: 'grantBeyondOwn' }]);
      expectProblem(await u.api('PATCH', `${USERS}/${plain.id}`, { role }), 403, [
        { field: 'role', code: 'grantBeyondOwn' },
      ]);
    }
    expect(await setup()).toBe(before);
  });

  it('groups: only those the granter belongs to (group shares and rules open records)', async () => {
    const before = await setup();
    expectProblem(await u.api('POST', USERS, newUser({ groups: ['esc_grp'] })), 403, [
      { field: 'groups', code: 'grantBeyondOwn' },
    ]);
    expectProblem(await u.api('PATCH', `${USERS}/${plain.id}`, { groups: ['esc_grp'] }), 403, [
      { field: 'groups', code: 'grantBeyondOwn' },
    ]);
    expect(await setup()).toBe(before);
  });

  it('a user manager cannot take over a user who holds more than they do', async () => {
    // U sets V's password or e-mail, then signs in as V: modifyAll and exportData for free.
    const before = await setup();
    for (const body of [
      { password: 'taken over by U' },
      { email: 'v-is-mine@example.test' },
      { name: 'V', active: false },
    ]) {
      expectProblem(await u.api('PATCH', `${USERS}/${v.id}`, body), 403, [{ field: 'id', code: 'grantBeyondOwn' }]);
    }
    expect(await setup()).toBe(before);
    expect((await login(t, v.email, 'taken over by U')).status).toBe(401);
    expect((await v.api('GET', '/api/v1/auth/me')).status).toBe(200);
    // A user within U's grants U manages.
    expect((await u.api('PATCH', `${USERS}/${plain.id}`, { name: 'Plain person' })).status).toBe(200);
  });

  it('refuses unknown keys (system columns, prototype keys) with 400 and writes nothing', async () => {
    const before = await setup();
    for (const body of [
      { is_admin: true },
      { password_hash: 'x' },
      { id: adminId },
      { failed_logins: 0 },
      { locked_until: null },
      { created_at: '2000-01-01' },
      JSON.parse('{"__proto__": {"isAdmin": true}}'),
      { constructor: { prototype: { isAdmin: true } } },
    ]) {
      const key = Object.keys(body)[0]!;
      for (const [who, id] of [
        [t.api, plain.id],
        [u.api, plain.id],
        [plain.api, plain.id],
      ] as const) {
        expectProblem(await who('PATCH', `${USERS}/${id}`, body), 400, [{ field: key, code: 'unknownField' }]);
      }
      expectProblem(await t.api('POST', USERS, newUser(body)), 400, [{ field: key, code: 'unknownField' }]);
    }
    expect(await setup()).toBe(before);
    const me = await plain.api('GET', '/api/v1/auth/me');
    expect(me.body.isAdmin).toBe(false);
  });

  it('without manageUsers: no creating or changing others; user lists show no grants', async () => {
    const before = await setup();
    expectProblem(await plain.api('POST', USERS, newUser({})), 403, [
      { field: 'manageUsers', code: 'systemPermission' },
    ]);
    expectProblem(await plain.api('PATCH', `${USERS}/${v.id}`, { name: 'x' }), 403, [
      { field: 'manageUsers', code: 'systemPermission' },
    ]);
    expectProblem(await plain.api('GET', '/api/v1/setup-audit'), 403, [
      { field: 'manageUsers', code: 'systemPermission' },
    ]);
    expect(await setup()).toBe(before);
    const list = await plain.api('GET', `${USERS}?q=${encodeURIComponent(v.email)}`);
    expect(list.body.data).toEqual([{ id: v.id, email: v.email, name: expect.any(String), active: true }]);
    const other = await plain.api('GET', `${USERS}/${v.id}`);
    expect(Object.keys(other.body).sort()).toEqual(['active', 'email', 'id', 'name']);
    // A password change of one's own needs the current password.
    expectProblem(await plain.api('PATCH', `${USERS}/${plain.id}`, { password: 'a brand new password' }), 422, [
      { field: 'currentPassword', code: 'mismatch' },
    ]);
    expect(await setup()).toBe(before);
  });
});

describe('permission-set and role metadata', () => {
  it('a user manager saves only permission sets within their own grants, nothing written otherwise', async () => {
    const before = await setup();
    const sets = [
      { apiName: 'esc_mine', label: 'Mine', objects: { [OBJ]: { modifyAll: true } } },
      { apiName: 'esc_mine', label: 'Mine', system: ['manageMetadata'] },
      {
        apiName: 'esc_mine',
        label: 'Mine',
        objects: { [OBJ]: { read: true } },
        fields: { [`${OBJ}.secret`]: { read: true, edit: false } },
      },
      { apiName: 'esc_mine', label: 'Mine', objects: { account: { read: true } } },
    ];
    for (const set of sets) {
      const res = await u.api('POST', `${META}/permission-sets`, set);
      expectProblem(res, 403);
      expect(res.body.errors.every((e: { code: string }) => e.code === 'grantBeyondOwn')).toBe(true);
    }
    // Nor by editing a set they hold: U adding modifyAll to esc_um.
    const own = await u.api('PUT', `${META}/permission-sets/esc_um`, {
      apiName: 'esc_um',
      label: 'UM',
      objects: { [OBJ]: { modifyAll: true } },
      system: ['manageUsers'],
    });
    expectProblem(own, 403);
    expect(own.body.errors).toContainEqual(
      expect.objectContaining({ field: `/objects/${OBJ}/modifyAll`, code: 'grantBeyondOwn' }),
    );
    expect(await setup()).toBe(before);
    const ok = await u.api('POST', `${META}/permission-sets`, {
      apiName: 'esc_mine',
      label: 'Mine',
      objects: { [OBJ]: { read: true } },
      fields: { [`${OBJ}.secret`]: { read: false, edit: false } },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect((await t.api('DELETE', `${META}/permission-sets/esc_mine`)).status).toBe(204);
  });

  it('security kinds need manageUsers, other metadata manageMetadata, whatever the case of the path', async () => {
    const before = await setup();
    const powerful = {
      apiName: 'esc_w',
      label: 'W',
      objects: { [OBJ]: { modifyAll: true } },
      system: ['manageUsers', 'exportData'],
    };
    for (const path of [
      'permission-sets',
      'Permission-Sets',
      'PERMISSION-SETS',
      'permission-sets/',
      'permission-sets/.',
      '%70ermission-sets',
    ]) {
      const res = await w.api('POST', `${META}/${path}`, powerful);
      expect([403, 404], `${path}: ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    for (const path of ['roles', 'Roles', 'groups', 'GROUPS']) {
      const res = await w.api('POST', `${META}/${path}`, { apiName: 'esc_w_role', label: 'W' });
      expect([403, 404], `${path}: ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    for (const path of ['objects', 'Objects', 'layouts', 'LIST-VIEWS']) {
      const res = await u.api('POST', `${META}/${path}`, {
        apiName: 'esc_u_obj',
        label: 'U',
        pluralLabel: 'U',
        nameField: 'name',
        fields: [{ apiName: 'name', type: 'text', label: 'N' }],
      });
      expect([403, 404], `${path}: ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    for (const [who, path] of [
      [u, 'publish'],
      [u, 'PUBLISH'],
      [plain, 'publish'],
      [u, 'releases/1/rollback'],
      [u, 'Releases/1/Rollback'],
      [u, 'archive/1/restore'],
    ] as const) {
      const res = await who.api('POST', `${META}/${path}`, {});
      expect([403, 404], `${path}: ${JSON.stringify(res.body)}`).toContain(res.status);
    }
    expect(await setup()).toBe(before);
  });

  it('a user manager changes only roles below their own; nothing moves above them', async () => {
    const before = await setup();
    const cases: [string, string, Record<string, unknown>][] = [
      ['PUT', 'roles/esc_mid', { apiName: 'esc_mid', label: 'Mid' }], // own role to the top
      ['PUT', 'roles/esc_top', { apiName: 'esc_top', label: 'Top', parent: 'esc_low' }], // the top under U's subordinate
      ['POST', 'roles', { apiName: 'esc_new', label: 'New', parent: 'esc_top' }], // beside U
      ['PUT', 'roles/esc_low', { apiName: 'esc_low', label: 'Low', parent: 'esc_top' }], // a subordinate out of U's reach
      ['DELETE', 'roles/esc_top', {}],
    ];
    for (const [method, path, body] of cases) {
      expectProblem(await u.api(method, `${META}/${path}`, method === 'DELETE' ? undefined : body), 403, [
        { field: 'parent', code: 'roleHierarchy' },
      ]);
    }
    expect(await setup()).toBe(before);
    const below = await u.api('POST', `${META}/roles`, { apiName: 'esc_new', label: 'New', parent: 'esc_low' });
    expect(below.status, JSON.stringify(below.body)).toBe(201);
    expect((await t.api('DELETE', `${META}/roles/esc_new`)).status).toBe(204);
  });

  it("a metadata manager cannot open an object's records by changing its sharing; other changes go through", async () => {
    const name = 'esc_shared';
    const def = {
      apiName: name,
      label: 'S',
      pluralLabel: 'S',
      nameField: 'name',
      fields: [{ apiName: 'name', type: 'text', label: 'N' }],
    };
    const before = await snapshot(t, '_meta_draft');
    for (const sharing of [
      { default: 'readWrite' },
      { default: 'private', rules: [{ apiName: 'all', criteria: true, group: 'esc_g', access: 'edit' }] },
    ]) {
      expectProblem(await w.api('POST', `${META}/objects`, { ...def, sharing }), 403, [
        { field: 'sharing', code: 'systemPermission' },
      ]);
    }
    expect(await snapshot(t, '_meta_draft')).toBe(before);
    // Without sharing (private by default) the metadata manager may create and change it…
    expect((await w.api('POST', `${META}/objects`, def)).status).toBe(201);
    expect((await w.api('PUT', `${META}/objects/${name}`, { ...def, label: 'Renamed' })).status).toBe(200);
    expectProblem(await w.api('PUT', `${META}/objects/${name}`, { ...def, sharing: { default: 'read' } }), 403, [
      { field: 'sharing', code: 'systemPermission' },
    ]);
    // …and once a user manager set sharing, keeping it unchanged is fine, dropping it is not.
    expect((await t.api('PUT', `${META}/objects/${name}`, { ...def, sharing: { default: 'read' } })).status).toBe(200);
    expect(
      (await w.api('PUT', `${META}/objects/${name}`, { ...def, label: 'Again', sharing: { default: 'read' } })).status,
    ).toBe(200);
    expectProblem(await w.api('PUT', `${META}/objects/${name}`, def), 403, [
      { field: 'sharing', code: 'systemPermission' },
    ]);
    expect((await t.api('GET', `${META}/objects/${name}`)).body.sharing).toEqual({ default: 'read' });
  });

  it('a metadata manager cannot roll back to a release that gave them more (undoing a revocation)', async () => {
    await publish(t, {
      permissionSets: [
        { apiName: 'esc_wset', label: 'W set', objects: { [OBJ]: { modifyAll: true } }, system: ['manageMetadata'] },
      ],
    });
    const generous = (await t.api('GET', `${META}/releases`)).body.data[0].n as number;
    const w2 = await createUser(t, { name: 'W2', permissionSets: ['esc_wset'] });
    await publish(t, { permissionSets: [{ apiName: 'esc_wset', label: 'W set', system: ['manageMetadata'] }] });
    expect((await w2.api('GET', '/api/v1/auth/me')).body.permissions.objects[OBJ]).toBeUndefined();
    const before = await setup();
    for (const query of ['', '?dryRun=true']) {
      expectProblem(
        await w2.api('POST', `${META}/releases/${generous}/rollback${query}`, { confirmLossy: true }),
        403,
        [{ field: 'n', code: 'securityRollback' }],
      );
    }
    expect(await setup()).toBe(before);
    expect((await w2.api('GET', '/api/v1/auth/me')).body.permissions.objects[OBJ]).toBeUndefined();
    // A rollback that leaves roles, groups and permission sets as they are stays theirs to make.
    const current = (await t.api('GET', `${META}/releases`)).body.data[0].n as number;
    const same = await w2.api('POST', `${META}/releases/${current}/rollback`, { confirmLossy: true });
    expect(same.status, JSON.stringify(same.body)).toBe(201);
  });
});
