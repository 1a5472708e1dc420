import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, snapshot, withToken } from './support/security.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/** Issue 13 point 8: ETags on draft items, If-Match on their PUT and DELETE, the changes, discard. */

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

const draftRows = () => snapshot(t, '_meta_draft');
const read = async (path: string) => {
  const res = await t.api('GET', path);
  expect(res.status).toBe(200);
  return { body: res.body, etag: res.headers.get('etag')! };
};

describe('ETags of draft items', () => {
  it('answers a strong ETag that changes with the item, and the PUT answers the new one', async () => {
    const first = await read('/api/v1/meta/objects/account');
    expect(first.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await read('/api/v1/meta/objects/account')).etag).toBe(first.etag);
    const saved = await t.api(
      'PUT',
      '/api/v1/meta/objects/account',
      { ...first.body, description: 'Companies' },
      {
        'if-match': first.etag,
      },
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const after = await read('/api/v1/meta/objects/account');
    expect(after.etag).not.toBe(first.etag);
    expect(saved.headers.get('etag')).toBe(after.etag);
  });

  it('refuses a stale PUT with 412 naming If-Match, and changes nothing', async () => {
    const mine = await read('/api/v1/meta/objects/contact');
    const theirs = await t.api(
      'PUT',
      '/api/v1/meta/objects/contact',
      { ...mine.body, description: 'theirs' },
      {
        'if-match': mine.etag,
      },
    );
    expect(theirs.status).toBe(200);
    const before = await draftRows();
    const stale = await t.api(
      'PUT',
      '/api/v1/meta/objects/contact',
      { ...mine.body, description: 'mine' },
      {
        'if-match': mine.etag,
      },
    );
    expectProblem(stale, 412, [{ field: 'If-Match', code: 'stale' }]);
    expect(await draftRows()).toBe(before);
    expect((await read('/api/v1/meta/objects/contact')).body.description).toBe('theirs');
  });

  it('refuses a stale DELETE of an object and of another kind, and changes nothing', async () => {
    const view = (await t.api('GET', '/api/v1/meta/list-views?object=contact')).body.data[0];
    const path = `/api/v1/meta/list-views/${view.apiName}`;
    const old = await read(path);
    expect((await t.api('PUT', path, { ...old.body, label: 'Renamed view' }, { 'if-match': old.etag })).status).toBe(
      200,
    );
    const before = await draftRows();
    expectProblem(await t.api('DELETE', path, undefined, { 'if-match': old.etag }), 412, [
      { field: 'If-Match', code: 'stale' },
    ]);
    const staleObject = `"${'0'.repeat(32)}"`;
    expectProblem(await t.api('DELETE', '/api/v1/meta/objects/product', undefined, { 'if-match': staleObject }), 412, [
      { field: 'If-Match', code: 'stale' },
    ]);
    expect(await draftRows()).toBe(before);
    expect((await t.api('DELETE', path, undefined, { 'if-match': (await read(path)).etag })).status).toBe(204);
  });

  it('refuses a malformed If-Match with 400, and works without one as before', async () => {
    const account = await read('/api/v1/meta/objects/account');
    expectProblem(await t.api('PUT', '/api/v1/meta/objects/account', account.body, { 'if-match': 'nope' }), 400, [
      { field: 'If-Match', code: 'format' },
    ]);
    expect((await t.api('PUT', '/api/v1/meta/objects/account', account.body)).status).toBe(200);
    expect((await t.api('PUT', '/api/v1/meta/objects/account', account.body, { 'if-match': '*' })).status).toBe(200);
  });

  it('changes the tags of the layouts and workflows a field rename rewrites', async () => {
    const layoutName = (await t.api('GET', '/api/v1/meta/layouts?object=account')).body.data[0].apiName;
    const layout = await read(`/api/v1/meta/layouts/${layoutName}`);
    const made = await t.api('POST', '/api/v1/meta/workflows', {
      apiName: 'industry_watch',
      label: 'Industry watch',
      object: 'account',
      trigger: { on: 'update', fields: ['industry'] },
      actions: [{ type: 'updateRecord', values: { description: { var: 'industry' } } }],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const workflow = await read('/api/v1/meta/workflows/industry_watch');
    expect(made.headers.get('etag')).toBe(workflow.etag);
    const account = await read('/api/v1/meta/objects/account');
    expect(JSON.stringify(layout.body)).toContain('"industry"');
    const renamed = {
      ...account.body,
      fields: account.body.fields.map((f: { apiName: string }) =>
        f.apiName === 'industry' ? { ...f, apiName: 'sector' } : f,
      ),
    };
    expect((await t.api('PUT', '/api/v1/meta/objects/account', renamed, { 'if-match': account.etag })).status).toBe(
      200,
    );
    const after = await read(`/api/v1/meta/layouts/${layoutName}`);
    expect(JSON.stringify(after.body)).toContain('"sector"');
    expect(after.etag).not.toBe(layout.etag);
    const stale = await t.api('PUT', `/api/v1/meta/layouts/${layoutName}`, layout.body, { 'if-match': layout.etag });
    expectProblem(stale, 412, [{ field: 'If-Match', code: 'stale' }]);
    const followed = await read('/api/v1/meta/workflows/industry_watch');
    expect(followed.body.trigger.fields).toEqual(['sector']);
    expect(followed.etag).not.toBe(workflow.etag);
    expectProblem(
      await t.api('DELETE', '/api/v1/meta/workflows/industry_watch', undefined, { 'if-match': workflow.etag }),
      412,
      [{ field: 'If-Match', code: 'stale' }],
    );
  });
});

describe('the draft against the current release', () => {
  it('lists what changed, with the properties of each changed item', async () => {
    const { body, status } = await t.api('GET', '/api/v1/meta/draft/changes');
    expect(status).toBe(200);
    expect(body.release).toEqual(expect.any(Number));
    const byName = (kind: string, apiName: string) =>
      body.changes.find((c: { kind: string; apiName: string }) => c.kind === kind && c.apiName === apiName);
    expect(byName('object', 'account')).toMatchObject({ change: 'changed', properties: ['description'] });
    expect(byName('field', 'sector')).toMatchObject({
      change: 'renamed',
      from: 'industry',
      object: 'account',
      properties: ['apiName'],
    });
    expect(
      body.changes.some((c: { kind: string; change: string }) => c.kind === 'listView' && c.change === 'removed'),
    ).toBe(true);
  });

  it('discards the draft: afterwards it is the current release again, and nothing is left to publish', async () => {
    const discarded = await t.api('POST', '/api/v1/meta/draft/discard');
    expect(discarded.status, JSON.stringify(discarded.body)).toBe(200);
    expect((await t.api('GET', '/api/v1/meta/draft/changes')).body.changes).toEqual([]);
    const release = (await t.api('GET', `/api/v1/meta/releases/${discarded.body.release}`)).body.snapshot;
    for (const [path, key] of [
      ['objects', 'objects'],
      ['layouts', 'layouts'],
      ['list-views', 'listViews'],
      ['permission-sets', 'permissionSets'],
    ] as const) {
      const draft = (await t.api('GET', `/api/v1/meta/${path}`)).body.data;
      const byName = (a: { apiName: string }, b: { apiName: string }) => a.apiName.localeCompare(b.apiName);
      expect(draft.sort(byName)).toEqual([...release[key]].sort(byName));
    }
    const dry = await t.api('POST', '/api/v1/meta/publish?dryRun=true');
    expect(dry.body).toMatchObject({ diff: [], plan: [] });
    expect(
      (await read('/api/v1/meta/objects/account')).body.fields.some(
        (f: { apiName: string }) => f.apiName === 'industry',
      ),
    ).toBe(true);
  });

  it('refuses discard without manageMetadata, changing nothing', async () => {
    const user = await createUser(t);
    const account = await read('/api/v1/meta/objects/account');
    await t.api('PUT', '/api/v1/meta/objects/account', { ...account.body, description: 'kept' });
    const before = await draftRows();
    expectProblem(await withToken(t, user.token)('POST', '/api/v1/meta/draft/discard'), 403);
    expect(await draftRows()).toBe(before);
  });

  it('lists releases with who published them and a summary of their diff', async () => {
    const account = await read('/api/v1/meta/objects/account');
    const fields = [...account.body.fields, { apiName: 'tier', type: 'text', label: 'Tier' }];
    expect((await t.api('PUT', '/api/v1/meta/objects/account', { ...account.body, fields })).status).toBe(200);
    const published = await t.api('POST', '/api/v1/meta/publish');
    expect(published.status, JSON.stringify(published.body)).toBe(201);
    const [latest] = (await t.api('GET', '/api/v1/meta/releases')).body.data;
    expect(latest).toMatchObject({
      n: published.body.release,
      kind: 'publish',
      createdByName: expect.any(String),
      summary: { added: 1, changed: 1 },
    });
  });
});
