import { describe, expect, it } from 'vitest';
import { createFormValidator, isEmpty } from './form-validator';

const v = createFormValidator({
  required: 'is required',
  tooLong: (n) => `max ${n}`,
  notNumber: 'NaN',
  notInteger: 'not int',
  min: (n) => `min ${n}`,
  max: (n) => `max ${n}`,
  email: 'bad email',
  format: 'bad format',
});

const schema = {
  type: 'object' as const,
  required: ['name', 'amount'],
  properties: {
    name: { type: 'string' as const, maxLength: 5 },
    email: { type: 'string' as const, format: 'email' },
    seats: { type: 'integer' as const, minimum: 1 },
    amount: {
      type: 'object' as const,
      properties: { amount: { type: 'number' as const }, currency: { type: 'string' as const, pattern: '^[A-Z]{3}$' } },
    },
  },
};

describe('form validator (no eval, CSP-safe)', () => {
  it('reports required fields, including a currency with no amount, on their own paths', () => {
    const { errors, errorSchema } = v.validateFormData({ name: '', amount: { currency: undefined } }, schema);
    expect(errors.map((e) => [e.property, e.name])).toEqual([
      ['.name', 'required'],
      ['.amount', 'required'],
    ]);
    expect(errorSchema).toMatchObject({ name: { __errors: ['is required'] }, amount: { __errors: ['is required'] } });
  });

  it('checks lengths, formats, integers and bounds of filled fields only', () => {
    const { errors } = v.validateFormData(
      { name: 'too long', email: 'nope', seats: 0.5, amount: { amount: 3, currency: 'eur' } },
      schema,
    );
    expect(errors.map((e) => [e.property, e.message])).toEqual([
      ['.name', 'max 5'],
      ['.email', 'bad email'],
      ['.seats', 'not int'],
      ['.amount.currency', 'bad format'],
    ]);
    expect(v.isValid(schema, { name: 'ok', amount: { amount: 1 } }, schema)).toBe(true);
  });

  it('treats empty strings, empty lists and all-empty objects as missing', () => {
    expect([isEmpty(''), isEmpty([]), isEmpty({ a: null, b: '' }), isEmpty(0), isEmpty(false)]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
