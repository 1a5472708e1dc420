import type { FieldMeta, ObjectMeta } from '@tessera/runtime-ui/api/metadata.api';
import { describe, expect, it } from 'vitest';
import type { DraftObject } from '../api/studio.api';
import { columnChoices, draftOnlyNames, editorFields, previewSort } from './editor-fields';

const live = (apiName: string, type: FieldMeta['type'], extra: Partial<FieldMeta> = {}): FieldMeta => ({
  id: `fld_${apiName}`,
  apiName,
  type,
  label: apiName,
  operators: ['eq'],
  sortable: true,
  readOnly: false,
  widget: 'text',
  ...extra,
});

const published: ObjectMeta = {
  id: 'obj_vehicle',
  apiName: 'vehicle',
  label: 'Vehicle',
  pluralLabel: 'Vehicles',
  nameField: 'name',
  fields: [live('name', 'text'), live('stage', 'picklist', { values: [{ value: 'new' }] }), live('account', 'lookup')],
};
const other: ObjectMeta = { ...published, apiName: 'account', fields: [live('revenue', 'currency')] };

/** The draft: a relabelled name, a new picklist value, two fields not published yet. */
const draft: DraftObject = {
  apiName: 'vehicle',
  label: 'Vehicle',
  pluralLabel: 'Vehicles',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: { en: 'Plate', 'zh-CN': '车牌' } },
    { apiName: 'stage', type: 'picklist', label: 'Stage', values: [{ value: 'new' }, { value: 'sold' }] },
    { apiName: 'account', type: 'lookup', label: 'Account', target: 'account' },
    { id: 'fld_new', apiName: 'mileage', type: 'currency', label: 'Mileage' },
    { apiName: 'vin', type: 'text', label: 'VIN', encrypted: true },
    { apiName: 'notes', type: 'json', label: 'Notes' },
  ],
};

describe('the fields the view, board and dashboard editors offer', () => {
  const fields = editorFields(draft, published, [published, other]);

  it("offers the draft's fields in its order, marking those not published", () => {
    expect(fields.map((f) => [f.apiName, f.draftOnly])).toEqual([
      ['name', false],
      ['stage', false],
      ['account', false],
      ['mileage', true],
      ['vin', true],
      ['notes', true],
    ]);
  });

  it("keeps a published field's facts with the draft's label and values", () => {
    const stage = fields.find((f) => f.apiName === 'stage')!;
    expect(stage).toMatchObject({ id: 'fld_stage', operators: ['eq'], sortable: true });
    expect(stage.values?.map((v) => v.value)).toEqual(['new', 'sold']);
    expect(fields[0]!.label).toEqual({ en: 'Plate', 'zh-CN': '车牌' });
  });

  it('sorts a draft field when a published field of its type sorts, unless it is encrypted', () => {
    const sortable = fields.filter((f) => f.draftOnly && f.sortable).map((f) => f.apiName);
    expect(sortable).toEqual(['mileage']);
    expect(fields.find((f) => f.apiName === 'mileage')).toMatchObject({ id: 'fld_new', operators: [] });
  });

  it('falls back to the published fields while the draft is not read yet', () => {
    expect(editorFields(undefined, published, [published]).map((f) => f.apiName)).toEqual(['name', 'stage', 'account']);
    expect(editorFields(undefined, undefined, [])).toEqual([]);
  });

  it('offers own columns, then the published lookup columns', () => {
    const through = ['name', 'stage', 'account', 'account.name'];
    expect(columnChoices(fields, through, (f) => f.type !== 'json')).toEqual([
      'name',
      'stage',
      'account',
      'mileage',
      'vin',
      'account.name',
    ]);
  });

  it('names the choices a preview cannot show yet, and leaves them out of its sort', () => {
    expect(draftOnlyNames(['name', 'mileage', undefined, 'account.name', 'mileage', 'vin'], fields)).toEqual([
      'mileage',
      'vin',
    ]);
    expect(previewSort('-mileage,name', ['mileage'])).toBe('name');
    expect(previewSort('mileage', ['mileage'])).toBeUndefined();
    expect(previewSort(undefined, [])).toBeUndefined();
  });
});
