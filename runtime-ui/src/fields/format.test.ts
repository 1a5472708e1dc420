import { describe, expect, it } from 'vitest';
import { plainText } from './format';

describe('plain text of a value no field type shows', () => {
  it('is what String() gives for scalars, arrays, null and undefined', () => {
    for (const value of ['Acme', '', 42, 1.5, true, false, null, undefined, ['a', 'b'], []])
      expect(plainText(value)).toBe(String(value));
  });

  it('is the JSON of an object, never "[object Object]"', () => {
    expect(plainText({ id: 'x', name: 'Acme' })).toBe('{"id":"x","name":"Acme"}');
    expect(plainText({})).toBe('{}');
  });
});
