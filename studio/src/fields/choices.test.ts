import { describe, expect, it } from 'vitest';
import type { Choice } from '../api/studio.api';
import { choiceProblems, keptDefault, newRow, suggestedValue, toChoices, toRows } from './choices';

describe('picklist choices in the editor', () => {
  it('round-trip, keeping order, colour and inactive values, dropping default fields', () => {
    const values: Choice[] = [
      { value: 'new', label: { en: 'New', 'zh-CN': '新建' }, color: '#1677ff' },
      { value: 'old', label: { en: 'Old' }, active: false },
    ];
    const rows = toRows(values);
    expect(rows.map((r) => r.stored)).toEqual([true, true]);
    expect(toChoices(rows)).toEqual(values);
    expect(toChoices([rows[1]!, rows[0]!]).map((c) => c.value)).toEqual(['old', 'new']);
  });

  it('suggests a new value from its English label, never changes a stored one', () => {
    expect(suggestedValue(newRow(), 'Closed Won')).toBe('closed_won');
    expect(suggestedValue(toRows([{ value: 'won' }])[0]!, 'Closed Won')).toBe('won');
  });

  it('names empty and repeated values', () => {
    const rows = [...toRows([{ value: 'a' }, { value: 'a' }]), newRow()];
    expect(choiceProblems(rows).map((p) => p.problem)).toEqual(['duplicate', 'empty']);
  });

  it('keeps a default only while its value is active', () => {
    const rows = toRows([{ value: 'a' }, { value: 'b', active: false }]);
    expect(keptDefault(rows, 'a', false)).toBe('a');
    expect(keptDefault(rows, 'b', false)).toBeUndefined();
    expect(keptDefault(rows, ['a', 'b'], true)).toEqual(['a']);
    expect(keptDefault(rows, ['b'], true)).toBeUndefined();
  });
});
