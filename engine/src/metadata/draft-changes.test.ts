import { describe, expect, it } from 'vitest';
import { changedProperties, draftChanges } from './draft-changes.js';
import type { MetadataSnapshot, ObjectDef } from './types.js';

const field = (id: string, apiName: string, extra: object = {}) => ({
  id,
  apiName,
  type: 'text' as const,
  label: 'Label',
  ...extra,
});
const object = (over: Partial<ObjectDef> = {}): ObjectDef => ({
  id: 'obj_1',
  apiName: 'vehicle',
  label: 'Vehicle',
  pluralLabel: 'Vehicles',
  nameField: 'name',
  fields: [field('f_1', 'name'), field('f_2', 'plate'), field('f_3', 'colour')],
  ...over,
});
const snapshot = (objects: ObjectDef[], layouts: unknown[] = []): MetadataSnapshot =>
  ({ objects, layouts, listViews: [] }) as unknown as MetadataSnapshot;

describe('the draft against the release', () => {
  it('names the properties of changed and renamed items, not of added or removed ones', () => {
    const release = snapshot(
      [object()],
      [{ id: 'l_1', apiName: 'vehicle_layout', object: 'vehicle', sections: [{ fields: ['name'] }] }],
    );
    const draft = snapshot(
      [
        object({
          label: 'Car',
          fields: [field('f_1', 'name'), field('f_2', 'registration', { required: true }), field('f_4', 'seats')],
        }),
      ],
      [{ id: 'l_1', apiName: 'vehicle_layout', object: 'vehicle', sections: [{ fields: ['name', 'seats'] }] }],
    );
    expect(draftChanges(release, draft)).toEqual([
      { kind: 'object', id: 'obj_1', apiName: 'vehicle', change: 'changed', properties: ['label'] },
      {
        kind: 'field',
        id: 'f_2',
        apiName: 'registration',
        object: 'vehicle',
        change: 'renamed',
        from: 'plate',
        properties: ['apiName', 'required'],
      },
      { kind: 'field', id: 'f_4', apiName: 'seats', object: 'vehicle', change: 'added' },
      { kind: 'field', id: 'f_3', apiName: 'colour', object: 'vehicle', change: 'removed' },
      { kind: 'layout', id: 'l_1', apiName: 'vehicle_layout', change: 'changed', properties: ['sections'] },
    ]);
  });

  it('finds the fields of a renamed object by its id', () => {
    const draft = snapshot([
      object({ apiName: 'car', fields: [...object().fields.slice(0, 2), field('f_3', 'paint')] }),
    ]);
    expect(draftChanges(snapshot([object()]), draft)).toEqual([
      { kind: 'object', id: 'obj_1', apiName: 'car', change: 'renamed', from: 'vehicle', properties: ['apiName'] },
      {
        kind: 'field',
        id: 'f_3',
        apiName: 'paint',
        object: 'car',
        change: 'renamed',
        from: 'colour',
        properties: ['apiName'],
      },
    ]);
  });

  it('is empty for equal snapshots, and all added without a release', () => {
    expect(draftChanges(snapshot([object()]), snapshot([object()]))).toEqual([]);
    expect(draftChanges(undefined, snapshot([object()])).every((c) => c.change === 'added')).toBe(true);
  });

  it('compares properties present on one side only', () => {
    expect(changedProperties({ id: 'a', x: 1 }, { id: 'a', y: 1 })).toEqual(['x', 'y']);
    expect(changedProperties({ id: 'a', x: [1] }, { id: 'a', x: [1] })).toEqual([]);
  });
});
