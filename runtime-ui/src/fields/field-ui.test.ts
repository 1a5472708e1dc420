import { describe, expect, it } from 'vitest';
import type { FieldMeta, FieldType } from '../api/metadata.api';
import '../i18n/dayjs-setup';
import { FIELD_UI, uiOf, valueText } from './field-ui';
import { formatDate } from './format';

const field = (type: FieldType, extra: Partial<FieldMeta> = {}) =>
  ({ id: 'f', apiName: 'f', type, label: 'F', operators: [], sortable: true, readOnly: false, ...extra }) as FieldMeta;
const formula = (returnType: FieldType) => field('formula', { returnType, readOnly: true, widget: 'readonly' });

describe('values shown by type', () => {
  it('shows a formula or rollup as its return type', () => {
    expect(valueText(formula('date'), '2026-03-05', 'en')).toBe(formatDate('2026-03-05'));
    expect(valueText(formula('percent'), 12.5, 'en')).toBe('12.5 %');
    expect(valueText(formula('boolean'), true, 'en')).toBe('✓');
    expect(valueText(formula('boolean'), false, 'en')).toBe('✗');
    expect(valueText(formula('number'), 1234.5, 'en')).toBe('1,234.5');
    expect(valueText(field('rollup', { returnType: 'date' }), '2026-01-31', 'en')).toBe(formatDate('2026-01-31'));
    expect(uiOf(formula('date')).filterInput).toBe('date');
    expect(uiOf(formula('text')).filterInput).toBe('text');
  });

  it('shows a currency formula as money in the corporate currency; a stored amount in its own', () => {
    expect(valueText(formula('currency'), 300, 'en', {}, 'EUR')).toBe('€300.00');
    const amount = field('currency');
    expect(valueText(amount, 300, 'en', { f: 300, f__currency: 'USD' }, 'EUR')).toBe('$300.00');
    // without the record its code is unknown: a number, never a guessed currency
    expect(valueText(amount, 300, 'en', undefined, 'EUR')).toBe('300.00');
  });

  it('never edits a computed field in place', () => {
    for (const type of ['autonumber', 'formula', 'rollup'] as const)
      expect(FIELD_UI[type].InlineEditor).toBeUndefined();
    expect(FIELD_UI.text.InlineEditor).toBeDefined();
  });
});
