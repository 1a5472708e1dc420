import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../api/auth.api';
import type { RuntimeMetadata } from '../api/metadata.api';
import { MetadataIndex } from './metadata-index';

const field = (apiName: string) => ({
  id: apiName,
  apiName,
  type: 'text' as const,
  label: apiName,
  operators: [],
  sortable: true,
  readOnly: false,
  widget: 'text' as const,
});
const raw: RuntimeMetadata = {
  release: 3,
  objects: [
    {
      id: 'a',
      apiName: 'account',
      label: 'Account',
      pluralLabel: 'Accounts',
      nameField: 'name',
      fields: [field('name'), field('revenue'), field('secret')],
    },
    {
      id: 'c',
      apiName: 'support_case',
      label: 'Case',
      pluralLabel: 'Cases',
      nameField: 'name',
      fields: [field('name')],
    },
  ],
  layouts: [],
  listViews: [
    { id: 'v1', apiName: 'all_accounts', object: 'account', label: 'All', columns: ['name'] },
    {
      id: 'v2',
      apiName: 'my_accounts',
      object: 'account',
      label: 'Mine',
      columns: ['name'],
      defaultFor: ['sales_rep'],
    },
  ],
  dashboards: [],
  actions: [
    { apiName: 'escalate', label: { en: 'Escalate', 'zh-CN': '升级' }, object: 'support_case' },
    { apiName: 'enrich', label: 'Enrich', object: 'account' },
  ],
};
const user = (extra: Partial<SessionUser>): SessionUser => ({
  id: 'u',
  email: 'u@example.test',
  name: 'U',
  isAdmin: false,
  ...extra,
});

describe('metadata as one user sees it', () => {
  it('keeps only objects the user may read, hides unreadable fields and locks read-only ones', () => {
    const meta = new MetadataIndex(
      raw,
      user({
        permissions: {
          objects: { account: { read: true, create: false, edit: true, delete: false } },
          fields: {
            account: {
              name: { read: true, edit: true },
              revenue: { read: true, edit: false },
              secret: { read: false, edit: false },
            },
          },
        },
      }),
    );
    expect(meta.objects.map((o) => o.apiName)).toEqual(['account']);
    expect(meta.object('account')!.fields.map((f) => [f.apiName, f.readOnly])).toEqual([
      ['name', false],
      ['revenue', true],
    ]);
    expect([meta.can('account', 'edit'), meta.can('account', 'create'), meta.can('support_case', 'read')]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('shows everything when the engine sends no permissions (the engine still enforces its own)', () => {
    const meta = new MetadataIndex(raw, user({}));
    expect(meta.objects).toHaveLength(2);
    expect(meta.can('support_case', 'delete')).toBe(true);
  });

  it('opens the view marked default for the user role, else the first', () => {
    expect(new MetadataIndex(raw, user({ role: 'sales_rep' })).defaultListView('account')!.apiName).toBe('my_accounts');
    expect(new MetadataIndex(raw, user({ role: 'ceo' })).defaultListView('account')!.apiName).toBe('all_accounts');
  });

  it('knows the system permissions /auth/me lists (import and export buttons follow them)', () => {
    const meta = new MetadataIndex(raw, user({ permissions: { objects: {}, fields: {}, system: ['exportData'] } }));
    expect([meta.hasSystem('exportData'), meta.hasSystem('importData')]).toEqual([true, false]);
    expect(new MetadataIndex(raw, user({})).hasSystem('importData')).toBe(true);
  });

  it('offers an object’s manual workflows only on objects the user reads', () => {
    const meta = new MetadataIndex(
      raw,
      user({
        permissions: { objects: { account: { read: true, create: false, edit: false, delete: false } }, fields: {} },
      }),
    );
    expect(meta.manualWorkflows('account').map((a) => a.apiName)).toEqual(['enrich']);
    expect(meta.manualWorkflows('support_case')).toEqual([]);
    expect(new MetadataIndex(raw, user({})).manualWorkflows('support_case').map((a) => a.apiName)).toEqual([
      'escalate',
    ]);
  });
});
