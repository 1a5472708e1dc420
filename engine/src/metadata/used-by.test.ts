import { describe, expect, it } from 'vitest';
import type { MetadataSnapshot, ObjectDef } from './types.js';
import { logicVars, usedBy } from './used-by.js';

const account: ObjectDef = {
  id: 'o-acc',
  apiName: 'account',
  label: 'Account',
  pluralLabel: 'Accounts',
  nameField: 'name',
  fields: [
    { id: 'f1', apiName: 'name', type: 'text', label: 'Name' },
    { id: 'f2', apiName: 'industry', type: 'picklist', label: 'Industry', values: [{ value: 'tech' }] },
    { id: 'f3', apiName: 'revenue', type: 'currency', label: 'Revenue' },
    {
      id: 'f4',
      apiName: 'deal_total',
      type: 'rollup',
      label: 'Deals',
      child: 'deal',
      relationField: 'account',
      aggregate: 'sum',
      field: 'amount',
      filter: { stage: { eq: 'won' } },
    },
  ],
  validationRules: [
    {
      id: 'r1',
      apiName: 'revenue_positive',
      condition: { '<': [{ var: 'revenue' }, 0] },
      message: 'No',
      errorField: 'revenue',
    },
  ],
  sharing: {
    default: 'private',
    rules: [
      { apiName: 'tech_shared', criteria: { '==': [{ var: 'industry' }, 'tech'] }, role: 'sales', access: 'read' },
    ],
  },
};

const deal: ObjectDef = {
  id: 'o-deal',
  apiName: 'deal',
  label: 'Deal',
  pluralLabel: 'Deals',
  nameField: 'name',
  fields: [
    { id: 'd1', apiName: 'name', type: 'text', label: 'Name' },
    { id: 'd2', apiName: 'amount', type: 'currency', label: 'Amount' },
    { id: 'd3', apiName: 'stage', type: 'picklist', label: 'Stage', values: [{ value: 'won' }] },
    { id: 'd4', apiName: 'account', type: 'lookup', label: 'Account', target: 'account' },
    {
      id: 'd5',
      apiName: 'weighted',
      type: 'formula',
      label: 'Weighted',
      returnType: 'number',
      expression: { '*': [{ var: 'amount' }, 2] },
    },
    {
      id: 'd6',
      apiName: 'account_industry',
      type: 'formula',
      label: 'Industry',
      expression: { var: 'account.industry' },
    },
  ],
};

const snapshot: MetadataSnapshot = {
  objects: [account, deal],
  layouts: [
    {
      id: 'l1',
      apiName: 'account_layout',
      object: 'account',
      label: 'A',
      highlights: ['industry'],
      sections: [{ id: 's', fields: ['name', 'revenue'] }],
      relatedLists: [{ id: 'rl', object: 'deal', field: 'account', columns: ['name', 'amount'] }],
    },
    {
      id: 'l2',
      apiName: 'deal_layout',
      object: 'deal',
      label: 'D',
      sections: [{ id: 's', fields: ['name', 'account', 'account.industry'] }],
    },
  ],
  listViews: [
    {
      id: 'v1',
      apiName: 'big_deals',
      object: 'deal',
      label: 'Big',
      columns: ['name'],
      sort: '-amount',
      filter: { and: [{ stage: { eq: 'won' } }] },
    },
    {
      id: 'v2',
      apiName: 'deal_board',
      object: 'deal',
      label: 'Board',
      columns: ['name'],
      kanban: { groupBy: 'stage', summary: 'amount' },
    },
  ],
  dashboards: [
    {
      id: 'db',
      apiName: 'sales',
      label: 'Sales',
      widgets: [{ id: 'w', type: 'bar', label: 'By stage', object: 'deal', metric: 'sum:amount', groupBy: 'stage' }],
    },
  ],
  workflows: [
    {
      id: 'wf',
      apiName: 'won',
      label: 'Won',
      object: 'deal',
      trigger: { on: 'update', changedTo: { stage: 'won' } },
      actions: [{ type: 'updateRelated', parent: 'account', values: { revenue: { var: 'amount' } } }],
    },
  ],
  approvalProcesses: [
    {
      id: 'ap',
      apiName: 'discount',
      label: 'Discount',
      object: 'deal',
      entryCondition: { '>': [{ var: 'amount' }, 10] },
      steps: [{ name: 'one', approver: { owner: true } }],
    },
  ],
  permissionSets: [
    {
      id: 'ps',
      apiName: 'sales',
      label: 'Sales',
      objects: { account: { read: true } },
      fields: { 'account.revenue': { read: true } },
    },
  ],
};

const names = (usages: ReturnType<typeof usedBy>) => usages.map((u) => `${u.kind}:${u.apiName}:${u.places.join('+')}`);

describe('usedBy', () => {
  it('finds every kind of item that names a field, and where', () => {
    expect(names(usedBy(snapshot, { object: 'deal', field: 'amount' }))).toEqual([
      'rollup:deal_total:field',
      'formula:weighted:expression',
      'layout:account_layout:relatedList',
      'listView:big_deals:sort',
      'listView:deal_board:kanban',
      'dashboard:sales:metric',
      'workflow:won:action',
      'approvalProcess:discount:condition',
    ]);
    expect(names(usedBy(snapshot, { object: 'account', field: 'revenue' }))).toEqual([
      'validationRule:revenue_positive:condition+errorField',
      'layout:account_layout:section',
      'workflow:won:action',
      'permissionSet:sales:fieldAccess',
    ]);
  });

  it('follows lookup paths to the field they read on the other object', () => {
    expect(names(usedBy(snapshot, { object: 'account', field: 'industry' }))).toEqual([
      'sharingRule:tech_shared:criteria',
      'formula:account_industry:expression',
      'layout:account_layout:highlights',
      'layout:deal_layout:section',
    ]);
  });

  it('names the name field, a rollup filter and the trigger', () => {
    expect(names(usedBy(snapshot, { object: 'account', field: 'name' }))).toEqual([
      'object:account:nameField',
      'layout:account_layout:section',
    ]);
    expect(names(usedBy(snapshot, { object: 'deal', field: 'stage' }))).toEqual([
      'rollup:deal_total:filter',
      'listView:big_deals:filter',
      'listView:deal_board:kanban',
      'dashboard:sales:groupBy',
      'workflow:won:trigger',
    ]);
  });

  it('finds what names an object: its own items, lookups, rollups, other layouts and grants', () => {
    expect(names(usedBy(snapshot, { object: 'account' }))).toEqual([
      'lookup:account:target',
      'formula:account_industry:expression',
      'layout:account_layout:object',
      'layout:deal_layout:section',
      'workflow:won:action',
      'permissionSet:sales:objectAccess+fieldAccess',
    ]);
    expect(names(usedBy(snapshot, { object: 'deal' }))).toContain('rollup:deal_total:child');
    expect(names(usedBy(snapshot, { object: 'deal' }))).toContain('layout:account_layout:relatedList');
  });

  it('is empty for a field nothing names', () => {
    expect(usedBy(snapshot, { object: 'deal', field: 'account_industry' })).toEqual([]);
  });
});

describe('logicVars', () => {
  it('reads var names with defaults and $old', () => {
    expect([...logicVars({ and: [{ var: ['a', 1] }, { '!=': [{ var: '$old.b' }, { var: 'c.d' }] }] })]).toEqual([
      'a',
      'b',
      'c.d',
    ]);
  });
});
