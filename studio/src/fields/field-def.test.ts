import { describe, expect, it } from 'vitest';
import type { DraftField, DraftObject } from '../api/studio.api';
import { buildField, reachesSchema, withField } from './field-def';
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

  it('puts a renamed field in place by id, and a renamed name field stays the name field', () => {
    const vehicle: DraftObject = {
      apiName: 'vehicle',
      label: 'Vehicle',
      pluralLabel: 'Vehicles',
      nameField: 'name',
      fields: [
        { id: 'fld_n', apiName: 'name', type: 'text', label: 'Name' },
        { id: 'fld_p', apiName: 'plate', type: 'text', label: 'Plate' },
      ],
    };
    const plate = withField(vehicle, vehicle.fields[1], {
      id: 'fld_p',
      apiName: 'registration',
      type: 'text',
      label: 'Reg',
    });
    expect(plate.fields.map((f) => [f.id, f.apiName])).toEqual([
      ['fld_n', 'name'],
      ['fld_p', 'registration'],
    ]);
    expect(plate.nameField).toBe('name');
    const name = withField(vehicle, vehicle.fields[0], { id: 'fld_n', apiName: 'title', type: 'text', label: 'Title' });
    expect(name.nameField).toBe('title');
    const added = withField(vehicle, undefined, { apiName: 'seats', type: 'integer', label: 'Seats' });
    expect(added.fields.map((f) => f.apiName)).toEqual(['name', 'plate', 'seats']);
  });

  it('asks the planner only about edits that reach the column, whatever the order of keys', () => {
    const plate: DraftField = { id: 'fld_p', apiName: 'plate', type: 'text', label: 'Plate', maxLength: 20 };
    expect(reachesSchema(plate, { ...plate, label: { en: 'Plate', 'zh-CN': '车牌' }, helpText: 'As issued' })).toBe(
      false,
    );
    expect(reachesSchema(plate, { maxLength: 20, label: 'Plate', type: 'text', apiName: 'plate', id: 'fld_p' })).toBe(
      false,
    );
    expect(reachesSchema(plate, { ...plate, apiName: 'registration' })).toBe(true);
    expect(reachesSchema(plate, { ...plate, type: 'integer' })).toBe(true);
    expect(reachesSchema(plate, { ...plate, maxLength: 10 })).toBe(true);
    expect(reachesSchema(plate, { ...plate, unique: true })).toBe(true);
  });
});
