import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from './support/security.js';
import { startTestEngine, statementCounter, type TestEngine } from './support/test-engine.js';

/**
 * List pages and creates from a token the engine has seen carry their session check inside the
 * statement that does the work (one statement instead of two). These tests make sure that this
 * shortcut never lets a changed session through: every revocation still counts on the very next
 * request, and nothing is written for a session that no longer holds.
 */

let t: TestEngine;
let rep: TestUser;
let counted: ReturnType<typeof statementCounter>;
beforeAll(async () => {
  t = await startTestEngine();
  counted = statementCounter(t);
  rep = await createUser(t, { name: 'Rep', permissionSets: ['sales_user'] });
});
afterAll(() => t?.close());

const accountsNamed = async (name: string) =>
  (await t.sql<{ n: number }>(`select count(*)::int as n from ${t.schema}.account where name = ?`, [name]))[0]!.n;

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
    // The statement answers whether the session held, so an empty page needs no second check.
    const empty = await counted(() =>
      rep.api('GET', `/api/v1/records/account?filter=${encodeURIComponent('{"name":"nobody by this name"}')}`),
    );
    expect(empty.result.body.data).toEqual([]);
    expect(empty.statements).toBe(1);
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

  it('never takes the shortcut on other routes: a bulk still checks the session first', async () => {
    const user = await createUser(t, { name: 'Bulk', permissionSets: ['sales_user'] });
    expect((await user.api('GET', '/api/v1/records/account')).status).toBe(200);
    await t.sql(`update ${t.schema}._users set permission_sets = '{api_user}' where id = ?`, [user.id]);
    const bulk = await user.api('POST', '/api/v1/records/account/bulk', { records: [{ name: 'Bulk sneak' }] });
    expect(bulk.status).toBe(404);
    expect(await accountsNamed('Bulk sneak')).toBe(0);
  });
});

describe('a get, update and delete by id with a recently seen token', () => {
  const leadsNamed = async (name: string) =>
    (
      await t.sql<{ n: number }>(
        `select count(*)::int as n from ${t.schema}.lead where last_name = ? and deleted_at is null`,
        [name],
      )
    )[0]!.n;
  const newLead = async (user: TestUser, name: string) => {
    const created = await user.api('POST', '/api/v1/records/lead', { last_name: name, company: 'Acme' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { id: string; version: number };
  };

  it('reads, updates (its checks in SQL: update-in-one.test.ts) and deletes in one statement each', async () => {
    const lead = await newLead(rep, 'Fused lead');
    const got = await counted(() => rep.api('GET', `/api/v1/records/lead/${lead.id}`));
    expect(got.result.status).toBe(200);
    expect(got.result.body).toMatchObject({ id: lead.id, last_name: 'Fused lead' });
    expect(got.result.headers.get('etag')).toBe(`"${lead.version}"`);
    expect(got.statements).toBe(1);
    const changed = await counted(() =>
      rep.api(
        'PATCH',
        `/api/v1/records/lead/${lead.id}`,
        { last_name: 'Fused lead 2' },
        { 'If-Match': `"${lead.version}"` },
      ),
    );
    expect(changed.result.status).toBe(200);
    expect(changed.result.body).toMatchObject({ last_name: 'Fused lead 2', version: lead.version + 1 });
    expect(changed.statements).toBe(1);
    const history = await rep.api('GET', `/api/v1/records/lead/${lead.id}/history`);
    expect(history.body.data[0]).toMatchObject({
      event: 'updated',
      field: 'last_name',
      oldValue: 'Fused lead',
      newValue: 'Fused lead 2',
    });
    const removed = await counted(() => rep.api('DELETE', `/api/v1/records/lead/${lead.id}`));
    expect(removed.result.status).toBe(204);
    expect(removed.statements).toBe(1);
    expect(await leadsNamed('Fused lead 2')).toBe(0);
  });

  it('answers 404 for a record that is not there without checking the session again', async () => {
    const missing = '/api/v1/records/lead/01900000-0000-7000-8000-000000000000';
    // The statement found the session holding, so the grants it used are the user's own.
    const got = await counted(() => rep.api('GET', missing));
    expect(got.result.status).toBe(404);
    expect(got.statements).toBe(1);
    const removed = await counted(() => rep.api('DELETE', missing));
    expect(removed.result.status).toBe(404);
    expect(removed.statements).toBe(1);
    // The one-statement update finds nothing, and the read that says why finds nothing either.
    const changed = await counted(() => rep.api('PATCH', missing, { last_name: 'Nobody' }));
    expect(changed.result.status).toBe(404);
    expect(changed.statements).toBe(2);
  });

  it('refuses a deactivated user on the next get, update or delete, changing nothing', async () => {
    const user = await createUser(t, { name: 'Lead leaver', permissionSets: ['sales_user'] });
    const lead = await newLead(user, 'Kept lead');
    expect((await user.api('GET', `/api/v1/records/lead/${lead.id}`)).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/users/${user.id}`, { active: false })).status).toBe(200);
    expect((await user.api('GET', `/api/v1/records/lead/${lead.id}`)).status).toBe(401);
    expect(
      (await user.api('PATCH', `/api/v1/records/lead/${lead.id}`, { last_name: 'Changed by a leaver' })).status,
    ).toBe(401);
    expect((await user.api('DELETE', `/api/v1/records/lead/${lead.id}`)).status).toBe(401);
    expect(await leadsNamed('Kept lead')).toBe(1);
  });

  it('answers with the current grants after every lead permission is taken away', async () => {
    const user = await createUser(t, { name: 'Lead editor', permissionSets: ['sales_user'] });
    const lead = await newLead(user, 'Guarded lead');
    expect((await user.api('GET', `/api/v1/records/lead/${lead.id}`)).status).toBe(200);
    expect((await t.api('PATCH', `/api/v1/users/${user.id}`, { permissionSets: ['api_user'] })).status).toBe(200);
    // Without any access to leads, the object is answered as one that does not exist.
    const patched = await user.api('PATCH', `/api/v1/records/lead/${lead.id}`, { last_name: 'Sneaky' });
    expect(patched.status).toBe(404);
    expect(patched.body.type).toBe('https://tessera.dev/problems/not-found');
    expect((await user.api('DELETE', `/api/v1/records/lead/${lead.id}`)).status).toBe(404);
    expect(await leadsNamed('Guarded lead')).toBe(1);
  });

  it('goes the locked way when the record changed between the read and the write', async () => {
    const lead = await newLead(rep, 'Raced lead');
    // Ten updates at once, each reading version 1: each lands once, one after the other.
    const results = await Promise.all(
      Array.from({ length: 10 }, (_v, i) =>
        rep.api('PATCH', `/api/v1/records/lead/${lead.id}`, { company: `Co ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(results.map((r) => r.body.version).sort((a: number, b: number) => a - b)).toEqual(
      Array.from({ length: 10 }, (_v, i) => lead.version + i + 1),
    );
    const history = await rep.api('GET', `/api/v1/records/lead/${lead.id}/history`);
    expect(history.body.data.filter((h: { event: string }) => h.event === 'updated')).toHaveLength(10);
  });
});
