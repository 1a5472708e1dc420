import { describe, expect, it } from 'vitest';
import { withoutRule, withRule, type ValidationRule } from './validation-rules';

const a: ValidationRule = { id: 'r1', apiName: 'a', condition: true, message: 'A' };
const b: ValidationRule = { id: 'r2', apiName: 'b', condition: false, message: 'B' };

describe('validation rule list edits', () => {
  it('adds at the end and replaces by id, even when renamed', () => {
    expect(withRule([a], b)).toEqual([a, b]);
    const renamed = { ...a, apiName: 'a2', condition: { '==': [1, 1] } };
    expect(withRule([a, b], renamed, a)).toEqual([renamed, b]);
  });
  it('replaces and removes by name when the rule has no id yet', () => {
    const plain = { apiName: 'p', condition: 1, message: 'P' };
    expect(withRule([plain, b], { ...plain, message: 'Q' }, plain)[0]!.message).toBe('Q');
    expect(withoutRule([plain, b], plain)).toEqual([b]);
    expect(withoutRule([a, b], a)).toEqual([b]);
  });
});
