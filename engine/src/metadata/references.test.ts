import { describe, expect, it } from 'vitest';
import { followOwnFields } from './references.js';
import type { ObjectDef } from './types.js';

const object = (a: string, b: string): ObjectDef => ({
  id: 'obj_1',
  apiName: 'deal',
  label: { en: 'Deal' },
  pluralLabel: { en: 'Deals' },
  nameField: a,
  fields: [
    { id: 'f_a', apiName: a, type: 'text', label: { en: 'A' } },
    { id: 'f_b', apiName: b, type: 'number', label: { en: 'B' } },
  ],
  validationRules: [
    {
      id: 'r_1',
      apiName: 'rule',
      condition: { '>': [{ var: 'b' }, { var: '$old.b' }] },
      errorField: 'b',
      message: { en: 'x' },
    },
  ],
});

describe('followOwnFields', () => {
  it("renames a field in the object's own name field and rules", () => {
    const after = followOwnFields(object('a', 'b'), object('title', 'amount'));
    expect(after.nameField).toBe('title');
    expect(after.validationRules![0]).toMatchObject({
      condition: { '>': [{ var: 'amount' }, { var: '$old.amount' }] },
      errorField: 'amount',
    });
  });

  it('leaves a name two fields swapped as written: which field it meant cannot be told', () => {
    const swapped = object('b', 'a');
    expect(followOwnFields(object('a', 'b'), swapped)).toBe(swapped);
  });

  it('changes nothing for a new object or one with no rename', () => {
    const same = object('a', 'b');
    expect(followOwnFields(undefined, same)).toBe(same);
    expect(followOwnFields(object('a', 'b'), same)).toBe(same);
  });
});
