import { describe, expect, it } from 'vitest';
import type { DraftObject, FieldTypeEntry } from '../api/studio.api';
import { previewObject } from './preview-object';

const object: DraftObject = {
  apiName: 'deal',
  label: 'Deal',
  pluralLabel: 'Deals',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    { apiName: 'amount', type: 'currency', label: 'Amount' },
    { apiName: 'code', type: 'autonumber', label: 'Code' },
  ],
};
const types = [
  { type: 'text', widget: 'text', readOnly: false },
  { type: 'currency', widget: 'currency', readOnly: false },
  { type: 'autonumber', widget: 'readonly', readOnly: true },
] as FieldTypeEntry[];

describe('preview object', () => {
  it('draws draft fields with the widget and read-only flag of their type', () => {
    const meta = previewObject(object, types);
    expect(meta.fields.map((f) => [f.apiName, f.widget, f.readOnly])).toEqual([
      ['name', 'text', false],
      ['amount', 'currency', false],
      ['code', 'readonly', true],
    ]);
  });

  it("applies a role's access: unreadable fields gone, uneditable ones read-only", () => {
    const meta = previewObject(object, types, {
      fields: {
        name: { read: true, edit: true },
        amount: { read: true, edit: false },
        code: { read: false, edit: false },
      },
    });
    expect(meta.fields.map((f) => [f.apiName, f.readOnly])).toEqual([
      ['name', false],
      ['amount', true],
    ]);
  });
});
