import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import { triggerSummary } from './trigger-summary';

describe('a trigger in one line', () => {
  it('names record changes, with the fields an update watches', () => {
    expect(triggerSummary({ on: 'create' })).toEqual({ key: 'on.create', params: {} });
    expect(triggerSummary({ on: 'update', fields: ['stage', 'amount'], changedTo: { stage: 'won' } })).toEqual({
      key: 'on.updateOf',
      params: { fields: 'stage, amount' },
    });
    expect(triggerSummary({ on: 'create', beforeSave: true })).toEqual({ key: 'before.create', params: {} });
  });

  it('names the other kinds with their settings', () => {
    expect(triggerSummary({ manual: true })).toEqual({ key: 'manual', params: {} });
    expect(triggerSummary({ inbound: true, user: 'u' })).toEqual({ key: 'inbound', params: {} });
    expect(triggerSummary({ schedule: '0 9 * * 1-5' })).toEqual({
      key: 'schedule',
      params: { schedule: '0 9 * * 1-5' },
    });
    expect(triggerSummary({ schedule: '0 9 * * *', timezone: 'Asia/Shanghai' }).key).toBe('scheduleIn');
    expect(triggerSummary({ relativeTo: 'close_date', offset: '-P3D' })).toEqual({
      key: 'relative',
      params: { offset: '-P3D', field: 'close_date' },
    });
  });

  it('has a sentence for every key it can give', () => {
    const keys = ['create', 'update', 'createOrUpdate', 'delete'].flatMap((on) =>
      [false, true].flatMap((beforeSave) =>
        [undefined, ['x']].map((fields) => triggerSummary({ on, beforeSave, ...(fields ? { fields } : {}) }).key),
      ),
    );
    const at = (key: string) =>
      key.split('.').reduce<unknown>((node, k) => (node as Record<string, unknown>)[k], en.automation.summary);
    for (const key of [...keys, 'manual', 'inbound', 'schedule', 'scheduleIn', 'relative'])
      expect(typeof at(key), key).toBe('string');
  });
});
