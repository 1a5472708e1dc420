import { describe, expect, it } from 'vitest';
import { compiledDraftObjects } from './compiled-draft.js';
import type { FieldDef, MetadataSnapshot, ObjectDef } from './types.js';
import { validateSnapshot } from './validate.js';
import { draftChecks } from '../query/draft-checks.js';

const field = (object: string, apiName: string, type: FieldDef['type'], more: Partial<FieldDef> = {}): FieldDef => ({
  id: `t.${object}.${apiName}`,
  apiName,
  type,
  label: apiName,
  ...more,
});
const object = (apiName: string, fields: FieldDef[]): ObjectDef => ({
  id: `t.${apiName}`,
  apiName,
  label: apiName,
  pluralLabel: apiName,
  nameField: 'name',
  fields: [field(apiName, 'name', 'text'), ...fields],
});

const company = object('company', [field('company', 'parent', 'lookup', { target: 'company' })]);
const deal = object('deal', [
  field('deal', 'amount', 'currency'),
  field('deal', 'company', 'lookup', { target: 'company' }),
  field('deal', 'ghost', 'lookup', { target: 'ghost' }),
]);
// A formula over a field it does not have: its own checks refuse it, and it cannot be compiled.
const broken = object('broken', [
  field('broken', 'total', 'formula', { expression: { '*': [{ var: 'nope' }, 2] }, returnType: 'number' }),
]);

const snapshot = (over: Partial<MetadataSnapshot>): MetadataSnapshot => ({
  objects: [company, deal, broken],
  layouts: [],
  listViews: [],
  ...over,
});

describe('draft objects compiled for validation', () => {
  it('compiles an object even when a lookup target is missing, and leaves out one that does not compile', () => {
    const objects = new Map([company, deal, broken].map((o) => [o.apiName, o]));
    const compiled = compiledDraftObjects(objects, ['deal', 'company', 'broken', 'ghost']);
    expect([...compiled.keys()]).toEqual(['deal', 'company']);
    expect([...compiled.get('deal')!.fields.keys()]).toEqual(['name', 'amount', 'company', 'ghost']);
    // Once per pass: the same objects map answers the same compiled object.
    expect(compiledDraftObjects(objects, ['deal']).get('deal')).toBe(compiled.get('deal'));
  });

  it('lets a publish report a broken draft instead of failing on it, views and dashboards included', () => {
    const errors = validateSnapshot(
      snapshot({
        listViews: [
          {
            id: 'v1',
            apiName: 'good',
            object: 'deal',
            label: 'Good',
            columns: ['name'],
            sort: 'company.name,-amount',
            filter: { 'company.parent': { isNull: true } },
          },
          {
            id: 'v2',
            apiName: 'through_ghost',
            object: 'deal',
            label: 'Ghost',
            columns: ['name'],
            filter: { 'ghost.name': 'x' },
          },
          { id: 'v3', apiName: 'on_broken', object: 'broken', label: 'Broken', columns: ['name'], sort: 'name' },
        ],
        dashboards: [
          {
            id: 'd1',
            apiName: 'deals',
            label: 'Deals',
            widgets: [
              {
                id: 'w1',
                type: 'metric',
                label: 'Deals',
                object: 'deal',
                metric: 'count',
                filter: { amount: { gte: 1 } },
              },
            ],
          },
        ],
      }),
      draftChecks,
    );
    const pairs = errors.map((e) => [e.field, e.code]);
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['/objects/deal/fields/3/target', 'reference'],
        ['/listViews/through_ghost/filter/ghost.name', 'unknownField'],
        ['/listViews/on_broken/object', 'invalid'],
      ]),
    );
    expect(pairs.some(([f]) => f!.startsWith('/objects/broken/fields/1/expression'))).toBe(true);
    expect(pairs.filter(([f]) => f!.startsWith('/listViews/good') || f!.startsWith('/dashboards/'))).toEqual([]);
  });
});
