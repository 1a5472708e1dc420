import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem, snapshot } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * Issue 13 point 7: the studio re-parents roles by dragging, so the engine must refuse a move
 * that would make the hierarchy loop (security-items.ts roleErrors), and change nothing when it does.
 */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const read = async (name: string) => {
  const res = await t.api('GET', `/api/v1/meta/roles/${name}`);
  expect(res.status).toBe(200);
  return { body: res.body, etag: res.headers.get('etag')! };
};

describe('role hierarchy in the draft', () => {
  it('refuses a parent below the role itself, directly or further down, and keeps the draft', async () => {
    const ceo = await read('ceo');
    const before = await snapshot(t, '_meta_draft');
    // sales_rep is below sales_manager, which is below ceo.
    for (const parent of ['sales_rep', 'sales_manager', 'ceo'])
      expectProblem(
        await t.api('PUT', '/api/v1/meta/roles/ceo', { ...ceo.body, parent }, { 'if-match': ceo.etag }),
        422,
        [{ field: '/parent', code: 'cycle' }],
      );
    expect(await snapshot(t, '_meta_draft')).toEqual(before);
  });

  it('accepts a move to another branch and answers the new parent', async () => {
    const rep = await read('sales_rep');
    const moved = await t.api(
      'PUT',
      '/api/v1/meta/roles/sales_rep',
      { ...rep.body, parent: 'support_manager' },
      { 'if-match': rep.etag },
    );
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect((await read('sales_rep')).body.parent).toBe('support_manager');
    // Now sales_rep is below support_manager: support_manager cannot go below it.
    const manager = await read('support_manager');
    expectProblem(
      await t.api(
        'PUT',
        '/api/v1/meta/roles/support_manager',
        { ...manager.body, parent: 'sales_rep' },
        { 'if-match': manager.etag },
      ),
      422,
      [{ field: '/parent', code: 'cycle' }],
    );
  });
});
