import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * A shared list view is checked when it is saved by the parsers the list API runs on its sort and
 * filter: a view that saves is a view every user can open, not a 400 for each of them later.
 */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const VIEWS = '/api/v1/meta/list-views';
const view = (apiName: string, over: Record<string, unknown>) => ({
  apiName,
  object: 'opportunity',
  label: 'Test view',
  columns: ['name', 'amount'],
  ...over,
});
const pairs = (res: ApiResponse) =>
  (res.body.errors as { field: string; code: string }[]).map((e) => [e.field, e.code]);
const draftViews = async () => (await t.api('GET', `${VIEWS}?object=opportunity`)).body.data as { apiName: string }[];

/** Saves a view that must be refused: 422 problem+json with exactly these errors, and no view in the draft. */
async function refused(body: Record<string, unknown>, errors: [string, string][]): Promise<void> {
  const before = await draftViews();
  const res = await t.api('POST', VIEWS, body);
  expect(res.status, JSON.stringify(res.body)).toBe(422);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(pairs(res)).toEqual(errors);
  expect((await t.api('GET', `${VIEWS}/${body.apiName as string}`)).status).toBe(404);
  expect(await draftViews()).toEqual(before);
}

describe('failing: list views whose sort the list API would refuse', () => {
  it('refuses an unknown field', () =>
    refused(view('bad_sort_unknown', { sort: '-amout' }), [['/sort', 'unknownField']]));

  it('refuses a field type that cannot be sorted (textarea)', () =>
    refused(view('bad_sort_textarea', { sort: 'description' }), [['/sort', 'notSortable']]));

  it('refuses a lookup path to a field the target does not have, and a path through a field that is not a lookup', () =>
    refused(view('bad_sort_path', { sort: 'account.nope,stage.name' }), [
      ['/sort', 'unknownField'],
      ['/sort', 'unknownField'],
    ]));

  it('names every bad key, not only the first', async () => {
    const res = await t.api('POST', VIEWS, view('bad_sort_many', { sort: 'name,-amout,description,close_date' }));
    expect(res.status).toBe(422);
    expect(res.body.errors.map((e: { message: string }) => e.message)).toEqual([
      expect.stringContaining('"amout"'),
      expect.stringContaining('textarea'),
    ]);
  });

  it('refuses a sort longer than the list API takes', () =>
    refused(view('bad_sort_long', { sort: Array.from({ length: 60 }, () => 'close_date').join(',') }), [
      ['/sort', 'type'],
    ]));
});

describe('failing: list views whose filter the list API would refuse', () => {
  it('refuses a malformed filter (an empty group, "and" that is not a list, an empty condition)', async () => {
    await refused(view('bad_filter_empty', { filter: {} }), [['/filter', 'empty']]);
    await refused(view('bad_filter_and', { filter: { and: { amount: 5 } } }), [['/filter/and', 'type']]);
    await refused(view('bad_filter_cond', { filter: { not: { amount: {} } } }), [['/filter/not/amount', 'empty']]);
  });

  it('refuses an unknown field, naming where it is in the filter', () =>
    refused(view('bad_filter_field', { filter: { and: [{ stage: 'prospecting' }, { amout: { gte: 1000 } }] } }), [
      ['/filter/and/1/amout', 'unknownField'],
    ]));

  it('refuses an unknown lookup path', () =>
    refused(view('bad_filter_path', { filter: { 'account.nope': 'x' } }), [['/filter/account.nope', 'unknownField']]));

  it('refuses an operator the field type does not have, and one that does not exist', async () => {
    await refused(view('bad_filter_op', { filter: { amount: { startsWith: '1' } } }), [
      ['/filter/amount/startsWith', 'operator'],
    ]);
    await refused(view('bad_filter_noop', { filter: { amount: { like: 1 } } }), [
      ['/filter/amount/like', 'unknownOperator'],
    ]);
  });

  it('refuses a value the field cannot hold (a date that is no date, a picklist value that does not exist)', async () => {
    await refused(
      view('bad_filter_date', { filter: { or: [{ stage: 'prospecting' }, { close_date: { lt: 'soon' } }] } }),
      [['/filter/or/1/close_date/lt', 'type']],
    );
    await refused(view('bad_filter_pick', { filter: { stage: { in: ['prospecting', 'nonsense'] } } }), [
      ['/filter/stage/in/1', 'type'],
    ]);
  });

  it('refuses the sort and the filter together, each error under its own pointer', () =>
    refused(view('bad_both', { sort: 'description', filter: { amout: 1 } }), [
      ['/sort', 'notSortable'],
      ['/filter/amout', 'unknownField'],
    ]));

  it('leaves a valid view as it was when a change to it is refused', async () => {
    expect((await t.api('POST', VIEWS, view('kept_view', { sort: '-amount' }))).status).toBe(201);
    const res = await t.api(
      'PUT',
      `${VIEWS}/kept_view`,
      view('kept_view', { sort: '-amount', filter: { probability: { contains: 'x' } } }),
    );
    expect(res.status).toBe(422);
    expect(pairs(res)).toEqual([['/filter/probability/contains', 'operator']]);
    const stored = (await t.api('GET', `${VIEWS}/kept_view`)).body;
    expect(stored.sort).toBe('-amount');
    expect(stored.filter).toBeUndefined();
    expect((await t.api('DELETE', `${VIEWS}/kept_view`)).status).toBeLessThan(300);
  });
});

describe('failing: boards the kanban page could not draw', () => {
  it('refuses a board grouped by a field that does not exist or is no single-choice picklist', async () => {
    await refused(view('bad_board_unknown', { kanban: { groupBy: 'nope' } }), [['/kanban/groupBy', 'reference']]);
    await refused(view('bad_board_text', { kanban: { groupBy: 'next_step' } }), [['/kanban/groupBy', 'type']]);
  });

  it('refuses a total of a field that does not exist or cannot be summed, beside a bad grouping', () =>
    refused(view('bad_board_sum', { kanban: { groupBy: 'name', summary: 'stage' } }), [
      ['/kanban/groupBy', 'type'],
      ['/kanban/summary', 'type'],
    ]));

  it('refuses a board without its picklist (schema)', () =>
    refused(view('bad_board_shape', { kanban: { summary: 'amount' } }), [['/kanban', 'required']]));
});

describe('successful: a board saves, publishes and reaches the runtime UI', () => {
  it('keeps the picklist and the summed field', async () => {
    const body = view('board_by_type', { kanban: { groupBy: 'opportunity_type', summary: 'probability' } });
    const saved = await t.api('POST', VIEWS, body);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    expect(saved.body.kanban).toEqual({ groupBy: 'opportunity_type', summary: 'probability' });
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const runtime = (await t.api('GET', '/api/v1/meta/runtime')).body.listViews.find(
      (v: { apiName: string }) => v.apiName === 'board_by_type',
    );
    expect(runtime.kanban).toEqual({ groupBy: 'opportunity_type', summary: 'probability' });
  });
});

describe('successful: a view the list API takes saves, publishes and lists', () => {
  it('takes lookup paths in sort and filter, relative dates and system fields, and users can open it', async () => {
    const account = await t.api('POST', '/api/v1/records/account', { name: 'Valid View Inc', industry: 'technology' });
    expect(account.status).toBe(201);
    const deal = await t.api('POST', '/api/v1/records/opportunity', {
      name: 'This quarter',
      account: account.body.id,
      amount: 500,
      close_date: new Date().toISOString().slice(0, 10),
    });
    expect(deal.status).toBe(201);
    const body = view('valid_paths', {
      columns: ['name', 'account.name', 'amount'],
      sort: 'account.name,-amount,-created_at',
      filter: {
        and: [
          { close_date: { eq: 'this_quarter' } },
          { 'account.industry': { in: ['technology'] } },
          { created_at: { gte: 'last_n_days:30' } },
        ],
      },
    });
    const saved = await t.api('POST', VIEWS, body);
    expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    const published = await t.api('POST', '/api/v1/meta/publish');
    expect(published.status, JSON.stringify(published.body)).toBe(201);

    const runtime = (await t.api('GET', '/api/v1/meta/runtime')).body.listViews.find(
      (v: { apiName: string }) => v.apiName === 'valid_paths',
    );
    const q = new URLSearchParams({
      sort: runtime.sort,
      filter: JSON.stringify(runtime.filter),
      fields: runtime.columns.join(','),
    });
    const listed = await t.api('GET', `/api/v1/records/opportunity?${q}`);
    expect(listed.status, JSON.stringify(listed.body)).toBe(200);
    expect(listed.body.data.map((r: { id: string }) => r.id)).toEqual([deal.body.id]);
  });

  it('refuses to publish a draft whose view names a field deleted since, naming the view and nothing published', async () => {
    expect(
      (await t.api('POST', VIEWS, view('by_next_step', { filter: { next_step: { startsWith: 'call' } } }))).status,
    ).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    const releases = (await t.api('GET', '/api/v1/meta/releases')).body.data.length;
    const opp = (await t.api('GET', '/api/v1/meta/objects/opportunity')).body;
    opp.fields = opp.fields.filter((f: { apiName: string }) => f.apiName !== 'next_step');
    expect((await t.api('PUT', '/api/v1/meta/objects/opportunity', opp)).status).toBe(200);

    const res = await t.api('POST', '/api/v1/meta/publish');
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(pairs(res)).toEqual([['/listViews/by_next_step/filter/next_step', 'unknownField']]);
    expect((await t.api('GET', '/api/v1/meta/releases')).body.data.length).toBe(releases);
    expect(
      (await t.api('GET', '/api/v1/meta/runtime')).body.objects
        .find((o: { apiName: string }) => o.apiName === 'opportunity')
        .fields.some((f: { apiName: string }) => f.apiName === 'next_step'),
    ).toBe(true);
  });
});
