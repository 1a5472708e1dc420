import type { FieldTypeDef } from './field-type.js';
import { decimalType, readNumber } from './shared.js';

const amount = decimalType(18, 2, 'currency');
export const ISO_CURRENCY = '^[A-Z]{3}$';

/**
 * A money amount with its ISO currency code: numeric(18,2) by default (never floating point, so
 * cents add up) plus a char(3) column `<field>__currency`. Write a number (in the corporate
 * currency) or { amount, currency }; read the number, with the code beside it as
 * `<field>__currency` (null means the corporate currency). Aggregates can convert to the
 * corporate currency with the tenant's dated exchange rates.
 */
export const currency: FieldTypeDef = {
  ...amount,
  columns: (f) => [...amount.columns(f), { part: 'currency', sqlType: 'character(3)' }],
  valueSchema: (f) => {
    const number = amount.valueSchema(f);
    return {
      anyOf: [
        number,
        {
          type: 'object',
          additionalProperties: false,
          required: ['amount'],
          properties: { amount: number, currency: { type: 'string', pattern: ISO_CURRENCY } },
        },
      ],
    };
  },
  // An amount written without a code is in the corporate currency, and stored with its code.
  toColumns: (v, _f, corporate) =>
    typeof v === 'number'
      ? [v, corporate ?? null]
      : [(v as { amount: number }).amount, (v as { currency?: string }).currency ?? corporate ?? null],
  fromColumns: (values) => readNumber(values),
  ruleValue: (v) => (typeof v === 'object' && v !== null && 'amount' in v ? v.amount : v),
  readSchema: (f) => amount.valueSchema(f),
  companions: {
    currency: {
      read: (values) => (values[1] as string | null | undefined) ?? null,
      jsonSql: (cols) => ({ sql: '??', bindings: [cols[1]] }),
      schema: {
        type: ['string', 'null'],
        pattern: ISO_CURRENCY,
        readOnly: true,
        description: 'ISO 4217 code of the amount beside it.',
      },
    },
  },
};
