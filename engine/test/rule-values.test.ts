import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Rules read a value written as they read a saved one: a currency written as { amount, currency }
 * is its amount to a validation rule, as a number written is. The core opportunity's rule refuses
 * a negative amount however it is sent.
 */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const deal = (amount: unknown) => ({ name: 'Rule values', close_date: '2027-01-31', stage: 'prospecting', amount });

describe('a validation rule over a currency field', () => {
  it('refuses a negative amount sent as a number or as { amount, currency }', async () => {
    for (const amount of [-5, { amount: -5, currency: 'EUR' }]) {
      const refused = await t.api('POST', '/api/v1/records/opportunity', deal(amount));
      expectProblem(refused, 422, [{ field: 'amount', code: 'validationRule' }]);
    }
  });

  it('saves a positive amount sent either way, and refuses a negative one on update', async () => {
    const made = await t.api('POST', '/api/v1/records/opportunity', deal({ amount: 1200, currency: 'EUR' }));
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    expect((await t.api('POST', '/api/v1/records/opportunity', deal(7))).status).toBe(201);
    const update = await t.api('PATCH', `/api/v1/records/opportunity/${made.body.id}`, {
      amount: { amount: -1, currency: 'EUR' },
    });
    expectProblem(update, 422, [{ field: 'amount', code: 'validationRule' }]);
  });
});
