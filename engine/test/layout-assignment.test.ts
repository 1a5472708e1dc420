import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Layout assignment per role: a layout with `roles` is the record page those roles' users see
 * for its object; everyone else gets the object's default (a layout without roles). The runtime
 * metadata carries one layout per object, the caller's.
 */

let t: TestEngine;
let rep: TestUser;
let manager: TestUser;
beforeAll(async () => {
  t = await startTestEngine();
  [rep, manager] = await Promise.all([
    createUser(t, { name: 'Layout rep', role: 'sales_rep', permissionSets: ['sales_user'] }),
    createUser(t, { name: 'Layout manager', role: 'sales_manager', permissionSets: ['sales_user'] }),
  ]);
});
afterAll(() => t?.close());

const layoutsOf = async (api: TestEngine['api']) => {
  const res = await api('GET', '/api/v1/meta/runtime');
  expect(res.status).toBe(200);
  return (res.body.layouts as { apiName: string; object: string }[]).filter((l) => l.object === 'opportunity');
};

describe('layout assignment per role', () => {
  it("gives each role its layout and everyone else the object's default", async () => {
    const managers = {
      apiName: 'opportunity_managers',
      object: 'opportunity',
      label: { en: 'Opportunity (managers)', 'zh-CN': '商机（经理）' },
      roles: ['sales_manager'],
      highlights: ['amount', 'stage'],
      sections: [{ label: 'Forecast', columns: 1, fields: ['name', 'amount', 'probability', 'close_date'] }],
    };
    const saved = await t.api('POST', '/api/v1/meta/layouts', managers);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);

    expect((await layoutsOf(manager.api)).map((l) => l.apiName)).toEqual(['opportunity_managers']);
    expect((await layoutsOf(rep.api)).map((l) => l.apiName)).toEqual(['opportunity_layout']);
    // The admin of a fresh install has no role: the default.
    expect((await layoutsOf(t.api)).map((l) => l.apiName)).toEqual(['opportunity_layout']);
  });

  it('refuses a layout naming a role that does not exist, saying where', async () => {
    const res = await t.api('POST', '/api/v1/meta/layouts', {
      apiName: 'opportunity_ghosts',
      object: 'opportunity',
      label: 'Ghosts',
      roles: ['sales_manager', 'ghost_role'],
      sections: [{ label: 'Main', columns: 1, fields: ['name'] }],
    });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: '/roles/1', code: 'reference' })]);
    expect((await t.api('GET', '/api/v1/meta/layouts/opportunity_ghosts')).status).toBe(404);
  });
});
