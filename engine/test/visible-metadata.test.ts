import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, publish, type TestUser } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * GET /api/v1/meta/runtime names no field the caller may not read (views/visible-metadata.ts).
 * A rep who may not read `secret_margin` (a deal's) nor `secret_region` (an account's, reached
 * through the deal's lookup) opens a shared list view that shows, filters and sorts by them: the
 * view opens without those parts, listed in `dropped` as private views list theirs, and the list
 * request built from it succeeds. Layouts, dashboards and rollups leave the fields out too.
 */

const ACCT = 'sv_acct';
const DEAL = 'sv_deal';
const HIDDEN = ['secret_margin', 'secret_region', 'secret_signed'];

let t: TestEngine;
let rep: TestUser;
let full: TestUser;

const runtimeOf = async (user: TestUser) => {
  const res = await user.api('GET', '/api/v1/meta/runtime');
  expect(res.status).toBe(200);
  return res.body;
};
const byName = (items: Record<string, any>[], name: string): Record<string, any> =>
  items.find((i) => i.apiName === name)!;

beforeAll(async () => {
  t = await startTestEngine();
  const acct = {
    apiName: ACCT,
    label: 'Account',
    pluralLabel: 'Accounts',
    nameField: 'name',
    sharing: { default: 'read' },
    fields: [
      { apiName: 'name', type: 'text', label: 'Name', required: true },
      { apiName: 'secret_region', type: 'text', label: 'Region' },
    ],
  };
  const deal = {
    apiName: DEAL,
    label: 'Deal',
    pluralLabel: 'Deals',
    nameField: 'name',
    sharing: { default: 'read' },
    fields: [
      { apiName: 'name', type: 'text', label: 'Name', required: true },
      { apiName: 'amount', type: 'number', label: 'Amount' },
      { apiName: 'stage', type: 'picklist', label: 'Stage', values: [{ value: 'open' }, { value: 'won' }] },
      { apiName: 'closes', type: 'date', label: 'Closes' },
      { apiName: 'secret_margin', type: 'number', label: 'Margin' },
      { apiName: 'secret_signed', type: 'date', label: 'Signed' },
      { apiName: 'acct', type: 'lookup', label: 'Account', target: ACCT },
    ],
  };
  await publish(t, { objects: [acct, deal] });
  // The rollup names the deal and two of its fields, one of them hidden from the rep.
  const rollup = {
    apiName: 'margin_total',
    type: 'rollup',
    label: 'Margin total',
    child: DEAL,
    relationField: 'acct',
    aggregate: 'sum',
    field: 'secret_margin',
  };
  await publish(t, {
    objects: [{ ...acct, fields: [...acct.fields, rollup] }],
    permissionSets: [
      {
        apiName: 'sv_rep',
        label: 'Rep',
        objects: { [ACCT]: { read: true }, [DEAL]: { read: true, create: true, edit: true } },
        fields: {
          [`${DEAL}.secret_margin`]: { read: false, edit: false },
          [`${DEAL}.secret_signed`]: { read: false, edit: false },
          [`${ACCT}.secret_region`]: { read: false, edit: false },
        },
      },
      { apiName: 'sv_full', label: 'Full', objects: { [ACCT]: { read: true }, [DEAL]: { read: true } } },
    ],
  });
  const items: [string, Record<string, unknown>][] = [
    [
      'list-views',
      {
        apiName: 'sv_deal_margins',
        object: DEAL,
        label: 'Margins',
        columns: ['name', 'secret_margin', 'acct.secret_region', 'amount'],
        filter: { or: [{ secret_margin: { gt: 1 } }, { 'acct.secret_region': 'north' }] },
        sort: '-secret_margin,name',
        defaultFor: ['sales_rep', 'ceo'],
      },
    ],
    [
      'list-views',
      {
        apiName: 'sv_deal_plain',
        object: DEAL,
        label: 'Plain',
        columns: ['name', 'amount'],
        filter: { amount: { gt: 0 } },
      },
    ],
    [
      'list-views',
      {
        apiName: 'sv_deal_board',
        object: DEAL,
        label: 'Board',
        columns: ['name'],
        kanban: { groupBy: 'stage', summary: 'secret_margin' },
      },
    ],
    [
      'layouts',
      {
        apiName: 'sv_deal_layout',
        object: DEAL,
        label: 'Deal',
        highlights: ['amount', 'secret_margin'],
        sections: [{ fields: ['name', 'secret_margin', 'amount'] }, { label: 'Money', fields: ['secret_margin'] }],
      },
    ],
    [
      'layouts',
      {
        apiName: 'sv_acct_layout',
        object: ACCT,
        label: 'Account',
        sections: [{ fields: ['name', 'secret_region', 'margin_total'] }],
        relatedLists: [{ object: DEAL, field: 'acct', columns: ['name', 'secret_margin'] }],
      },
    ],
    [
      'dashboards',
      {
        apiName: 'sv_board',
        label: 'Board',
        widgets: [
          { type: 'metric', label: 'Deals', object: DEAL, metric: 'count' },
          { type: 'metric', label: 'Margin', object: DEAL, metric: 'sum:secret_margin' },
          { type: 'bar', label: 'By month', object: DEAL, metric: 'count', groupBy: 'secret_signed:month' },
          { type: 'metric', label: 'In period', object: DEAL, metric: 'sum:amount', dateField: 'secret_signed' },
          { type: 'metric', label: 'Good', object: DEAL, metric: 'count', filter: { secret_margin: { gt: 5 } } },
        ],
      },
    ],
  ];
  for (const [path, item] of items) {
    const res = await t.api('POST', `/api/v1/meta/${path}`, item);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
  [rep, full] = await Promise.all([
    createUser(t, { name: 'Rep', role: 'sales_rep', permissionSets: ['sv_rep'] }),
    createUser(t, { name: 'Full', role: 'ceo', permissionSets: ['sv_full'] }),
  ]);
  const account = await t.api('POST', `/api/v1/records/${ACCT}`, { name: 'Acme', secret_region: 'north' });
  const created = await t.api('POST', `/api/v1/records/${DEAL}`, {
    name: 'Big deal',
    amount: 100,
    secret_margin: 40,
    acct: account.body.id,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
});
afterAll(() => t?.close());

describe('the runtime metadata a rep receives', () => {
  it('names no field they may not read, anywhere in it', async () => {
    const text = JSON.stringify(await runtimeOf(rep));
    for (const name of HIDDEN) expect(text).not.toContain(name);
    // The same metadata read by someone who may read them names them: the trimming is per caller.
    const fullText = JSON.stringify(await runtimeOf(full));
    for (const name of HIDDEN) expect(fullText).toContain(name);
  });

  it('opens a shared view without the parts naming them, listed in dropped, and its list request succeeds', async () => {
    const view = byName((await runtimeOf(rep)).listViews, 'sv_deal_margins');
    expect(view).toMatchObject({ columns: ['name', 'amount'], sort: 'name', defaultFor: ['sales_rep'] });
    expect(view).not.toHaveProperty('filter');
    expect(view.dropped.map((d: { field: string; code: string }) => [d.field, d.code])).toEqual([
      ['/columns/1', 'unknownField'],
      ['/columns/2', 'unknownField'],
      ['/filter', 'unknownField'],
      ['/sort', 'unknownField'],
    ]);
    const params = new URLSearchParams({ fields: view.columns.join(','), sort: view.sort });
    const list = await rep.api('GET', `/api/v1/records/${DEAL}?${params}`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ name: 'Big deal', amount: 100 })]);
    expect(list.body.data[0]).not.toHaveProperty('secret_margin');

    // A view naming nothing hidden is untouched, and has nothing dropped.
    const plain = byName((await runtimeOf(rep)).listViews, 'sv_deal_plain');
    expect(plain).toMatchObject({ columns: ['name', 'amount'], filter: { amount: { gt: 0 } } });
    expect(plain).not.toHaveProperty('dropped');
  });

  it('shows a board by its picklist without a total the rep may not read; whoever may read it gets both', async () => {
    expect(byName((await runtimeOf(rep)).listViews, 'sv_deal_board').kanban).toEqual({ groupBy: 'stage' });
    expect(byName((await runtimeOf(full)).listViews, 'sv_deal_board').kanban).toEqual({
      groupBy: 'stage',
      summary: 'secret_margin',
    });
  });

  it('gives whoever may read every field the view as the admin made it', async () => {
    const view = byName((await runtimeOf(full)).listViews, 'sv_deal_margins');
    expect(view).toMatchObject({
      columns: ['name', 'secret_margin', 'acct.secret_region', 'amount'],
      sort: '-secret_margin,name',
      filter: { or: [{ secret_margin: { gt: 1 } }, { 'acct.secret_region': 'north' }] },
      defaultFor: ['ceo'],
    });
    expect(view).not.toHaveProperty('dropped');
    const params = new URLSearchParams({
      fields: view.columns.join(','),
      sort: view.sort,
      filter: JSON.stringify(view.filter),
    });
    expect((await full.api('GET', `/api/v1/records/${DEAL}?${params}`)).status).toBe(200);
  });

  it('leaves the fields out of layouts, related lists, dashboards and rollups', async () => {
    const runtime = await runtimeOf(rep);
    expect(byName(runtime.layouts, 'sv_deal_layout')).toMatchObject({
      highlights: ['amount'],
      sections: [{ fields: ['name', 'amount'] }],
    });
    expect(byName(runtime.layouts, 'sv_deal_layout').sections).toHaveLength(1);
    expect(byName(runtime.layouts, 'sv_acct_layout')).toMatchObject({
      sections: [{ fields: ['name', 'margin_total'] }],
      relatedLists: [{ object: DEAL, field: 'acct', columns: ['name'] }],
    });
    expect(byName(runtime.dashboards, 'sv_board').widgets.map((w: { label: string }) => w.label)).toEqual(['Deals']);
    const total = byName(byName(runtime.objects, ACCT).fields, 'margin_total');
    expect(total).toMatchObject({ child: DEAL, relationField: 'acct' });
    expect(total).not.toHaveProperty('field');
  });
});
