import { describe, expect, it } from 'vitest';
import type { FieldMeta } from '../api/metadata.api';
import { groupName } from './group-name';

const words = { none: 'No value', unnamed: '(no name)' };
const account = { apiName: 'account', type: 'lookup', target: 'account', label: 'Account' } as FieldMeta;
const stage = {
  apiName: 'stage',
  type: 'picklist',
  label: 'Stage',
  values: [{ value: 'won', label: { en: 'Closed Won' } }],
} as unknown as FieldMeta;

describe('chart group names', () => {
  it('names a lookup group by the record it points to, never by its id', () => {
    const id = '01900000-0000-7000-8000-000000000001';
    expect(
      groupName({ account: id, 'account:label': 'Acme Robotics', count: 2 }, 'account', account, 'en', words),
    ).toBe('Acme Robotics');
    // a record the user may not see has no name in the answer
    expect(groupName({ account: id, 'account:label': null, count: 1 }, 'account', account, 'en', words)).toBe(
      '(no name)',
    );
    expect(groupName({ account: null, 'account:label': null }, 'account', account, 'en', words)).toBe('No value');
  });

  it('names picklist values by their label and date buckets as dates', () => {
    expect(groupName({ stage: 'won' }, 'stage', stage, 'en', words)).toBe('Closed Won');
    expect(groupName({ 'close_date:month': '2026-11-01' }, 'close_date:month', undefined, 'en', words)).toBe('2026-11');
    expect(groupName({ 'close_date:year': '2026-01-01' }, 'close_date:year', undefined, 'en', words)).toBe('2026');
  });
});
