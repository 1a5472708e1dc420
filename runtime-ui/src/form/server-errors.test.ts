import { describe, expect, it } from 'vitest';
import { serverErrors } from './server-errors';

describe('server validation errors on their fields', () => {
  it('puts each message under its field, nested parts included, and keeps the rest for a banner', () => {
    const { errorSchema, general } = serverErrors(
      [
        { field: 'amount', code: 'validationRule', message: 'Amount cannot be negative.' },
        { field: '/close_date', code: 'required', message: 'is required' },
        { field: 'billing_address/city', code: 'maxLength', message: 'too long' },
        { field: '/', code: 'type', message: 'body must be an object' },
        { field: 'owner_id', code: 'readOnly', message: 'owner_id is set by the system' },
      ],
      new Set(['amount', 'close_date', 'billing_address']),
    );
    expect(errorSchema).toEqual({
      amount: { __errors: ['Amount cannot be negative.'] },
      close_date: { __errors: ['is required'] },
      billing_address: { city: { __errors: ['too long'] } },
    });
    expect(general).toEqual(['body must be an object', 'owner_id is set by the system']);
  });
});
