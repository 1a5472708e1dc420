import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * List pages and creates from a token the engine has seen carry their session check inside the
 * statement that does the work (one statement instead of two). These tests make sure that this
 * shortcut never lets a changed session through: every revocation still counts on the very next
 * request, and nothing is written for a session that no longer holds.
 */

let t: TestEngine;
let rep: TestUser;
const statements: string[] = [];
beforeAll(async () => {
  t = await startTestEngine();
  t.engine.db.knex.on('query', (q: { sql: string }) => statements.push(q.sql));
  rep = await createUser(t, { name: 'Rep', permissionSets: ['sales_user'] });
});
afterAll(() => t?.close());

const accountsNamed = async (name: string) =>
  (await t.sql<{ n: number }>(`select count(*)::int as n from ${t.schema}.account where name = ?`, [name]))[0]!.n;
const counted = async <T>(run: () => Promise<T>) => {
  statements.length = 0;
  const result = await run();
  return { result, statements: statements.length };
};

describe('a list page or create with a recently seen token', () => {
  it('is one statement: the session check rides in the list query and in the INSERT', async () => {
    expect((await rep.api('POST', '/api/v1/records/account', { name: 'Warm-up' })).status).toBe(201);
    const list = await counted(() => rep.api('GET', '/api/v1/records/account'));
    expect(list.result.status).toBe(200);
    expect(list.result.body.data.map((r: { name: string }) => r.name)).toContain('Warm-up');
    expect(list.statements).toBe(1);
    const create = await counted(() => rep.api('POST', '/api/v1/records/account', { name: 'Second' }));
    expect(create.result.status).toBe(201);
    expect(create.statements).toBe(1);
    // An empty page cannot tell "no rows" from "session changed": it is checked in full.
    const empty = await counted(() =>
      rep.api('GET', `/api/v1/records/account?filter=${encodeURIComponent('{"name":"nobody by this name"}')}`),
    );
    expect(empty.result.body.data).toEqual([]);
    expect(empty.statements).toBe(3);
  });

  it('answers with the current grants after a permission set is taken away', async () => {
    expect((await rep.api('GET', '/api/v1/records/account')).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/users/${rep.id}`, { permissionSets: ['api_user'] })).status).toBe(200);
    // Without any access the object is none of theirs: 404, as for one that does not exist.
    const listed = await rep.api('GET', '/api/v1/records/account');
    expect(listed.status).toBe(404);
    expect(listed.body.detail).toBe('object "account" does not exist');
    const created = await rep.api('POST', '/api/v1/records/account', { name: 'After revoke' });
    expect(created.status).toBe(404);
    expect(await accountsNamed('After revoke')).toBe(0);
    // …and with the new ones once they are given back.
    expect(
      (await t.api('PATCH', `/api/v1/users/${rep.id}`, { permissionSets: ['sales_user', 'api_user'] })).status,
    ).toBe(200);
    expect((await rep.api('GET', '/api/v1/records/account')).status).toBe(200);
  });

  it("sees a new role's subordinates on the next page", async () => {
    const manager = await createUser(t, { name: 'Manager', permissionSets: ['sales_user'] });
    const deal = await rep.api('POST', '/api/v1/records/opportunity', {
      name: 'Rep deal',
      close_date: '2030-01-01',
      stage: 'prospecting',
    });
    expect(deal.status).toBe(201);
    const names = async () =>
      (await manager.api('GET', '/api/v1/records/opportunity')).body.data?.map((r: { name: string }) => r.name);
    await manager.api('POST', '/api/v1/records/opportunity', {
      name: 'Manager deal',
      close_date: '2030-01-01',
      stage: 'prospecting',
    });
    expect(await names()).toEqual(['Manager deal']);
    expect((await t.api('PATCH', `/api/v1/users/${rep.id}`, { role: 'sales_rep' })).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/users/${manager.id}`, { role: 'sales_manager' })).status).toBe(200);
    expect((await names())?.sort()).toEqual(['Manager deal', 'Rep deal']);
  });

  it('loses what a group gave and what the admin flag gave on the next page', async () => {
    // Records shared with a group: the member sees them while a member, not a request later.
    const owner = await createUser(t, { name: 'Group sharer', permissionSets: ['sales_user'] });
    const member = await createUser(t, { name: 'Group member', permissionSets: ['sales_user'] });
    const shared = await owner.api('POST', '/api/v1/records/opportunity', {
      name: 'Group deal',
      close_date: '2030-01-01',
      stage: 'prospecting',
    });
    expect(shared.status).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/groups', { apiName: 'deal_desk', label: 'Deal desk' })).status).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    expect((await t.api('PATCH', `/api/v1/users/${member.id}`, { groups: ['deal_desk'] })).status).toBe(200);
    expect(
      (
        await owner.api('POST', `/api/v1/records/opportunity/${shared.body.id}/shares`, {
          group: 'deal_desk',
          access: 'read',
        })
      ).status,
    ).toBe(201);
    const seen = async () =>
      (await member.api('GET', '/api/v1/records/opportunity')).body.data?.map((r: { name: string }) => r.name);
    expect(await seen()).toContain('Group deal');
    expect(await seen()).toContain('Group deal'); // now from the fused statement
    expect((await t.api('PATCH', `/api/v1/users/${member.id}`, { groups: [] })).status).toBe(200);
    expect(await seen()).not.toContain('Group deal');

    // An admin flag taken away in the database: the next list runs with no grants.
    const admin = await createUser(t, { name: 'Short admin', permissionSets: ['api_user'] });
    await t.sql(`update ${t.schema}._users set is_admin = true where id = ?`, [admin.id]);
    expect((await admin.api('GET', '/api/v1/records/opportunity')).status).toBe(200);
    expect((await admin.api('GET', '/api/v1/records/opportunity')).status).toBe(200);
    await t.sql(`update ${t.schema}._users set is_admin = false where id = ?`, [admin.id]);
    expect((await admin.api('GET', '/api/v1/records/opportunity')).status).toBe(404);
  });

  it('refuses a deactivated user, a logged-out token and a deleted session on the next request, writing nothing', async () => {
    const user = await createUser(t, { name: 'Leaver', permissionSets: ['sales_user'] });
    expect((await user.api('GET', '/api/v1/records/account')).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/users/${user.id}`, { active: false })).status).toBe(200);
    expect((await user.api('GET', '/api/v1/records/account')).status).toBe(401);
    expect((await user.api('POST', '/api/v1/records/account', { name: 'By a leaver' })).status).toBe(401);
    expect(await accountsNamed('By a leaver')).toBe(0);

    const other = await createUser(t, { name: 'Quitter', permissionSets: ['sales_user'] });
    expect((await other.api('POST', '/api/v1/records/account', { name: 'Before logout' })).status).toBe(201);
    expect((await other.api('POST', '/api/v1/auth/logout')).status).toBe(204);
    expect((await other.api('GET', '/api/v1/records/account')).status).toBe(401);
    expect((await other.api('POST', '/api/v1/records/account', { name: 'After logout' })).status).toBe(401);
    expect(await accountsNamed('After logout')).toBe(0);

    // A session removed behind the engine's back (another process, an operator) counts as well.
    const third = await createUser(t, { name: 'Third', permissionSets: ['sales_user'] });
    expect((await third.api('GET', '/api/v1/records/account')).status).toBe(200);
    await t.sql(`delete from ${t.schema}._sessions where user_id = ?`, [third.id]);
    expect((await third.api('GET', '/api/v1/records/account')).status).toBe(401);
    expect((await third.api('POST', '/api/v1/records/account', { name: 'Ghost' })).status).toBe(401);
    expect(await accountsNamed('Ghost')).toBe(0);
  });

  it('never takes the shortcut on other routes: a bulk or a get still checks the session first', async () => {
    const user = await createUser(t, { name: 'Bulk', permissionSets: ['sales_user'] });
    expect((await user.api('GET', '/api/v1/records/account')).status).toBe(200);
    await t.sql(`update ${t.schema}._users set permission_sets = '{api_user}' where id = ?`, [user.id]);
    const bulk = await user.api('POST', '/api/v1/records/account/bulk', { records: [{ name: 'Bulk sneak' }] });
    expect(bulk.status).toBe(404);
    expect(await accountsNamed('Bulk sneak')).toBe(0);
  });
});
