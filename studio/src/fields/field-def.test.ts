import { describe, expect, it } from 'vitest';
import type { DraftField } from '../api/studio.api';
import { buildField } from './field-def';
import type { SettingsForm } from './settings-schema';

const form = (properties: Record<string, object>): SettingsForm => ({
  schema: { type: 'object', properties },
  uiSchema: {},
  json: [],
});

describe('the field the drawer saves', () => {
  it('keeps the id and common properties, so a relabel is the same field', () => {
    const before: DraftField = {
      id: 'fld_1',
      apiName: 'seats',
      type: 'integer',
      label: 'Seats',
      required: true,
      min: 1,
    };
    const saved = buildField(
      before,
      { apiName: 'seats', type: 'integer', label: { en: 'Seat count', 'zh-CN': '座位数' }, required: true },
      form({ min: { type: 'integer' }, max: { type: 'integer' } }),
      { min: 1 },
    );
    expect(saved).toEqual({
      id: 'fld_1',
      apiName: 'seats',
      type: 'integer',
      label: { en: 'Seat count', 'zh-CN': '座位数' },
      required: true,
      min: 1,
    });
  });

  it("drops the former type's settings and default, and defaults the form filled in", () => {
    const before: DraftField = { id: 'fld_2', apiName: 'code', type: 'integer', label: 'Code', min: 0, default: 3 };
    const saved = buildField(
      before,
      { apiName: 'code', type: 'text', label: 'Code' },
      form({ maxLength: { type: 'integer', default: 255 } }),
      { maxLength: 255 },
    );
    expect(saved).toEqual({ id: 'fld_2', apiName: 'code', type: 'text', label: 'Code' });
  });

  it('sets the choices and their default', () => {
    const saved = buildField(
      undefined,
      { apiName: 'fuel', type: 'picklist', label: 'Fuel' },
      form({ restricted: { type: 'boolean', default: true } }),
      { restricted: true },
      { values: [{ value: 'petrol' }, { value: 'electric' }], default: 'electric' },
    );
    expect(saved).toEqual({
      apiName: 'fuel',
      type: 'picklist',
      label: 'Fuel',
      values: [{ value: 'petrol' }, { value: 'electric' }],
      default: 'electric',
    });
  });
});
