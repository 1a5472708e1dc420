import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, publish } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/** GET /api/v1/meta/runtime, as each user may see it; the draft behind it only for managers. */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const names = (items: { apiName: string }[]) => items.map((i) => i.apiName).sort();

describe('the runtime view', () => {
  it('shows a user only the objects, fields, views and dashboard widgets their grants reach', async () => {
    await publish(t, {
      permissionSets: [
        {
          apiName: 'rv_support',
          label: 'Support',
          objects: { support_case: { read: true, edit: true }, account: { read: true } },
          fields: { 'account.annual_revenue': { read: false } },
        },
      ],
    });
    const agent = await createUser(t, { name: 'Agent', permissionSets: ['rv_support'] });
    const view = (await agent.api('GET', '/api/v1/meta/runtime')).body;
    expect(names(view.objects)).toEqual(['account', 'support_case']);
    const account = view.objects.find((o: { apiName: string }) => o.apiName === 'account');
    expect(account.fields.map((f: { apiName: string }) => f.apiName)).not.toContain('annual_revenue');
    expect(account.fields.map((f: { apiName: string }) => f.apiName)).toContain('name');
    expect([...new Set(view.layouts.map((l: { object: string }) => l.object))].sort()).toEqual([
      'account',
      'support_case',
    ]);
    expect(view.listViews.every((v: { object: string }) => ['account', 'support_case'].includes(v.object))).toBe(true);
    // The sales dashboard is all opportunities and activities: nothing of it is theirs to see.
    expect(view.dashboards).toEqual([]);

    const admin = (await t.api('GET', '/api/v1/meta/runtime')).body;
    expect(names(admin.objects)).toEqual(expect.arrayContaining(['account', 'opportunity', 'support_case', 'lead']));
    expect(admin.dashboards.length).toBeGreaterThan(0);
  });

  it('keeps the draft, releases and archive to those who manage metadata or users', async () => {
    const rep = await createUser(t, { name: 'Rep', permissionSets: ['sales_user'] });
    for (const path of ['objects', 'objects/account', 'permission-sets', 'roles', 'layouts', 'releases', 'archive']) {
      const res = await rep.api('GET', `/api/v1/meta/${path}`);
      expect(res.status, path).toBe(403);
      expect(res.body.errors[0]).toMatchObject({ code: 'systemPermission' });
    }
    expect((await rep.api('GET', '/api/v1/meta/runtime')).status).toBe(200);
  });
});
