import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../metadata/types.js';
import { factsOf, FIELD_TYPE_DEFS, FIELD_TYPES } from './index.js';

const field = (settings: Partial<FieldDef>) => ({ id: 'f', apiName: 'f', label: 'F', ...settings }) as FieldDef;

describe('value facts', () => {
  it('are a stored type’s own', () => {
    expect(factsOf(field({ type: 'multipicklist' })).csv).toBe('choices');
    expect(factsOf(field({ type: 'address' })).csv).toBe('json');
    expect(factsOf(field({ type: 'currency' }))).toBe(FIELD_TYPE_DEFS.currency.value);
  });

  it('are those of the return type for a computed field, its default return type when it names none', () => {
    expect(factsOf(field({ type: 'formula', returnType: 'currency' }))).toBe(FIELD_TYPE_DEFS.currency.value);
    expect(factsOf(field({ type: 'formula', returnType: 'date' }))).toBe(FIELD_TYPE_DEFS.date.value);
    expect(factsOf(field({ type: 'formula' }))).toBe(FIELD_TYPE_DEFS.text.value);
    expect(factsOf(field({ type: 'rollup' }))).toBe(FIELD_TYPE_DEFS.number.value);
    expect(factsOf(field({ type: 'rollup', returnType: 'datetime' }))).toBe(FIELD_TYPE_DEFS.datetime.value);
  });

  it('exist for every type, stored or computed, and no computed type gives another computed type', () => {
    for (const type of FIELD_TYPES) {
      const def = FIELD_TYPE_DEFS[type];
      expect(!!def.value !== !!def.valueType, type).toBe(true);
    }
    for (const returnType of ['text', 'number', 'currency', 'percent', 'boolean', 'date', 'datetime'] as const)
      expect(factsOf(field({ type: 'formula', returnType })).operators.length).toBeGreaterThan(0);
  });
});
