import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN } from './support/admin.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';
import { waitFor } from './support/security.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine();
});
afterAll(() => t?.close());

async function getSpec(headers: Record<string, string> = {}) {
  const res = await fetch(`${t.url}/api/v1/openapi.json`, { headers });
  return { res, doc: res.status === 200 ? await res.json() : undefined };
}

describe('GET /api/v1/openapi.json', () => {
  it('answers a valid OpenAPI 3.1 document without a token', async () => {
    const { res, doc } = await getSpec();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const result = await new Validator().validate(doc);
    expect(result.valid, JSON.stringify(result.errors, null, 2)).toBe(true);
    expect(doc.paths['/api/v1/records/opportunity']).toBeDefined();
    const health = await (await fetch(`${t.url}/health`)).json();
    expect(doc.info.version).toBe(String(health.release));
  });

  it('answers 304 to a client that has the current document', async () => {
    const { res } = await getSpec();
    const etag = res.headers.get('etag')!;
    expect(etag).toBeTruthy();
    // fetch() adds `cache-control: no-cache` to a conditional request unless it has one, and no-cache means "send it
    // anyway"
    const again = await fetch(`${t.url}/api/v1/openapi.json`, {
      headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' },
    });
    expect(again.status).toBe(304);
  });

  it('shows a newly published object without a restart', async () => {
    const before = await getSpec();
    expect(before.doc.paths['/api/v1/records/gadget']).toBeUndefined();

    const created = await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'gadget',
      label: 'Gadget',
      pluralLabel: 'Gadgets',
      nameField: 'name',
      fields: [{ apiName: 'name', type: 'text', label: 'Name' }],
    });
    expect(created.status).toBe(201);
    // the draft alone changes nothing
    expect((await getSpec()).doc.paths['/api/v1/records/gadget']).toBeUndefined();

    const published = await t.api('POST', '/api/v1/meta/publish', {});
    expect(published.status).toBe(201);

    const after = await getSpec({ 'if-none-match': before.res.headers.get('etag')!, 'cache-control': 'max-age=0' });
    expect(after.res.status).toBe(200);
    expect(after.doc.info.version).toBe(String(published.body.release));
    expect(Object.keys(after.doc.paths['/api/v1/records/gadget']).sort()).toEqual(['get', 'post']);
    expect(after.doc.paths['/api/v1/records/gadget/{id}'].patch).toBeDefined();
    expect(after.doc.components.schemas.GadgetRecord.properties.name.type).toEqual(['string', 'null']);
    const result = await new Validator().validate(after.doc);
    expect(result.valid, JSON.stringify(result.errors, null, 2)).toBe(true);
  });

  it('leaves the rest of /api behind the token', async () => {
    expect((await fetch(`${t.url}/api/v1/meta/objects`)).status).toBe(401);
    expect((await fetch(`${t.url}/api/v1/openapi.yaml`)).status).toBe(401);
  });
});

describe('the document against what the server answers', () => {
  /** Checks a response's status and body against the schema the document gives for that answer. */
  async function answers() {
    const { doc } = await getSpec();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    ajv.addSchema({ $id: 'https://tessera.test/openapi.json', components: { schemas: doc.components.schemas } });
    return (res: ApiResponse, status: number, method: string, path: string) => {
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(status);
      const op = doc.paths[path][method];
      const documented = op.responses[String(res.status)];
      expect(documented, `${method} ${path} answered ${res.status}: ${JSON.stringify(res.body)}`).toBeDefined();
      const component = documented.$ref ? doc.components.responses[documented.$ref.split('/').pop()] : documented;
      const [type, media] = Object.entries(component.content ?? {})[0] ?? [];
      if (!type) return expect(res.body ?? '').toBe('');
      expect(res.headers.get('content-type'), `${method} ${path}`).toContain(type);
      if (type === 'text/csv' || type === 'application/zip') return;
      // a component by $ref, or an inline schema (a `{ data: [...] }` page) whose $refs point into the document
      const schema = (media as { schema: { $ref?: string } }).schema;
      const validate = schema.$ref
        ? ajv.getSchema(`https://tessera.test/openapi.json${schema.$ref}`)!
        : ajv.compile(
            JSON.parse(
              JSON.stringify(schema).replaceAll('"#/components/', '"https://tessera.test/openapi.json#/components/'),
            ),
          );
      expect(validate(res.body), `${method} ${path} ${res.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
  }

  it('answers bulk, list, aggregate, recycle bin, CSV, search and currencies as documented', async () => {
    const expectDocumented = await answers();
    const records = '/api/v1/records/opportunity';
    const account = await t.api('POST', '/api/v1/records/account', { name: 'Documented Inc' });
    expectDocumented(account, 201, 'post', '/api/v1/records/account');

    const deal = {
      name: 'Documented deal',
      close_date: '2026-03-01',
      account: account.body.id,
      amount: { amount: 10, currency: 'EUR' },
    };
    const bulk = await t.api('POST', `${records}/bulk`, { records: [deal, deal] }, { 'idempotency-key': 'openapi-1' });
    expectDocumented(bulk, 200, 'post', `${records}/bulk`);
    const replayed = await t.api(
      'POST',
      `${records}/bulk`,
      { records: [deal, deal] },
      { 'idempotency-key': 'openapi-1' },
    );
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const refused = await t.api('POST', `${records}/bulk`, { records: [deal, { close_date: 'soon' }] });
    expectDocumented(refused, 422, 'post', `${records}/bulk`);
    expect(refused.body.errors[0].index).toBe(1);

    const list = await t.api('GET', `${records}?fields=name,amount,account.name&count=exact`);
    expectDocumented(list, 200, 'get', records);
    expect(list.body.data[0].account).toEqual({ id: account.body.id, name: 'Documented Inc' });
    expectDocumented(
      await t.api('GET', `${records}/aggregate?groupBy=stage,close_date:month&metrics=count,sum:amount,max:close_date`),
      200,
      'get',
      `${records}/aggregate`,
    );
    // no EUR rate yet
    expectDocumented(
      await t.api('GET', `${records}/aggregate?metrics=sum:amount&currency=corporate`),
      422,
      'get',
      `${records}/aggregate`,
    );

    const [first, second] = bulk.body.results.map((r: { id: string }) => r.id);
    expect((await t.api('DELETE', `${records}/${first}`)).status).toBe(204);
    expectDocumented(await t.api('GET', `${records}?deleted=only&count=estimated`), 200, 'get', records);
    expectDocumented(await t.api('POST', `${records}/${first}/restore`), 200, 'post', `${records}/{id}/restore`);
    expect((await t.api('DELETE', `${records}/${second}`)).status).toBe(204);
    expectDocumented(await t.api('POST', `${records}/${second}/purge`), 204, 'post', `${records}/{id}/purge`);
    expectDocumented(await t.api('POST', `${records}/${second}/purge`), 404, 'post', `${records}/{id}/purge`);

    expectDocumented(
      await t.api('GET', `${records}/export?fields=id,name,account.name`),
      200,
      'get',
      `${records}/export`,
    );
    const started = await t.api('POST', `${records}/import`, 'name,close_date\r\nImported,2026-04-01\r\n', {
      'content-type': 'text/csv',
    });
    expectDocumented(started, 202, 'post', `${records}/import`);
    expect(started.headers.get('location')).toBe(`/api/v1/imports/${started.body.id}`);
    expectDocumented(
      await t.api('POST', `${records}/import`, 'name\r\n', { 'content-type': 'text/plain' }),
      415,
      'post',
      `${records}/import`,
    );
    expectDocumented(await t.api('GET', `/api/v1/imports/${started.body.id}`), 200, 'get', '/api/v1/imports/{id}');
    expectDocumented(
      await t.api('GET', `/api/v1/imports/${started.body.id}/errors.csv`),
      200,
      'get',
      '/api/v1/imports/{id}/errors.csv',
    );

    expectDocumented(
      await t.api('GET', '/api/v1/search?q=documented&objects=account,opportunity'),
      200,
      'get',
      '/api/v1/search',
    );
    expectDocumented(
      await t.api('POST', '/api/v1/currencies/rates', { currency: 'EUR', startDate: '2026-01-01', rate: 0.9 }),
      201,
      'post',
      '/api/v1/currencies/rates',
    );
    expectDocumented(await t.api('GET', '/api/v1/currencies'), 200, 'get', '/api/v1/currencies');
    // rates exist, stated against USD
    expectDocumented(
      await t.api('PUT', '/api/v1/currencies/corporate', { currency: 'EUR' }),
      409,
      'put',
      '/api/v1/currencies/corporate',
    );
  });
  it('answers sessions, API tokens, users, setup audit, tenants, history, shares and access as documented', async () => {
    const expectDocumented = await answers();
    const as = (token: string) => (method: string, path: string, body?: unknown) =>
      t.api(method, path, body, { authorization: `Bearer ${token}` });
    const login = async (email: string, password = 'a-long-password') => {
      const res = await t.api('POST', '/api/v1/auth/login', { email, password });
      expectDocumented(res, 200, 'post', '/api/v1/auth/login');
      return res;
    };

    const admin = await login(ADMIN.email, ADMIN.password);
    expect(admin.headers.get('set-cookie')).toMatch(
      /^tessera_session=[^;]+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Strict$/,
    );
    expectDocumented(await t.api('GET', '/api/v1/auth/me'), 200, 'get', '/api/v1/auth/me');
    // the cookie alone is not enough: the CSRF header must come with it
    const cookie = admin.headers.get('set-cookie')!.split(';')[0]!;
    const bare = await fetch(`${t.url}/api/v1/auth/me`, { headers: { cookie } });
    expectDocumented(
      { status: bare.status, body: await bare.json(), headers: bare.headers },
      403,
      'get',
      '/api/v1/auth/me',
    );

    const created = await t.api('POST', '/api/v1/auth/tokens', { name: 'Documented sync', days: 7 });
    expectDocumented(created, 201, 'post', '/api/v1/auth/tokens');
    expectDocumented(
      await t.api('POST', '/api/v1/auth/tokens', { name: ' ', days: 400 }),
      422,
      'post',
      '/api/v1/auth/tokens',
    );
    expectDocumented(
      await t.api('POST', '/api/v1/auth/tokens', { name: 'x', scope: 'all' }),
      400,
      'post',
      '/api/v1/auth/tokens',
    );
    expectDocumented(await t.api('GET', '/api/v1/auth/tokens'), 200, 'get', '/api/v1/auth/tokens');
    expectDocumented(
      await t.api('DELETE', `/api/v1/auth/tokens/${created.body.id}`),
      204,
      'delete',
      '/api/v1/auth/tokens/{id}',
    );
    expectDocumented(
      await t.api('DELETE', `/api/v1/auth/tokens/${created.body.id}`),
      404,
      'delete',
      '/api/v1/auth/tokens/{id}',
    );

    const rep = {
      email: 'documented.rep@example.test',
      password: 'a-long-password',
      name: 'Documented Rep',
      role: 'sales_rep',
      permissionSets: ['sales_user', 'api_user'],
    };
    const user = await t.api('POST', '/api/v1/users', rep);
    expectDocumented(user, 201, 'post', '/api/v1/users');
    expectDocumented(await t.api('POST', '/api/v1/users', rep), 409, 'post', '/api/v1/users');
    expectDocumented(
      await t.api('POST', '/api/v1/users', { ...rep, email: 'other@example.test', role: 'emperor' }),
      422,
      'post',
      '/api/v1/users',
    );
    expectDocumented(
      await t.api('POST', '/api/v1/users', { ...rep, password_hash: 'x' }),
      400,
      'post',
      '/api/v1/users',
    );
    expectDocumented(await t.api('GET', '/api/v1/users?q=documented&limit=5'), 200, 'get', '/api/v1/users');
    expectDocumented(await t.api('GET', '/api/v1/users?limit=501'), 400, 'get', '/api/v1/users');
    expectDocumented(
      await t.api('PATCH', `/api/v1/users/${user.body.id}`, { name: 'Documented Rep Jr' }),
      200,
      'patch',
      '/api/v1/users/{id}',
    );
    expectDocumented(
      await t.api('GET', '/api/v1/users/00000000-0000-7000-8000-000000000000'),
      404,
      'get',
      '/api/v1/users/{id}',
    );

    const repApi = as((await login(rep.email)).body.token);
    expectDocumented(await repApi('GET', `/api/v1/users/${admin.body.user.id}`), 200, 'get', '/api/v1/users/{id}');
    expectDocumented(
      await repApi('POST', '/api/v1/users', { ...rep, email: 'x@example.test' }),
      403,
      'post',
      '/api/v1/users',
    );
    expectDocumented(
      await repApi('PATCH', `/api/v1/users/${user.body.id}`, { role: null }),
      403,
      'patch',
      '/api/v1/users/{id}',
    );
    expectDocumented(
      await repApi('POST', '/api/v1/meta/groups', { apiName: 'documented', label: 'Documented' }),
      403,
      'post',
      '/api/v1/meta/groups',
    );
    // The draft is for metadata and user managers; the runtime view (trimmed to the caller's grants) for all.
    expectDocumented(await repApi('GET', '/api/v1/meta/roles'), 403, 'get', '/api/v1/meta/roles');
    const runtime = await repApi('GET', '/api/v1/meta/runtime');
    expectDocumented(runtime, 200, 'get', '/api/v1/meta/runtime');
    const repToken = (await login(rep.email)).body.token;
    expectDocumented(
      await t.api('GET', '/api/v1/meta/runtime', undefined, {
        authorization: `Bearer ${repToken}`,
        'if-none-match': runtime.headers.get('etag')!,
        'cache-control': 'max-age=0',
      }),
      304,
      'get',
      '/api/v1/meta/runtime',
    );
    // The admin's view is another (untrimmed) one, with its own tag.
    expect(
      (await t.api('GET', '/api/v1/meta/runtime', undefined, { 'if-none-match': runtime.headers.get('etag')! })).status,
    ).toBe(200);

    const records = '/api/v1/records/opportunity';
    const deal = await repApi('POST', records, { name: 'Documented share', close_date: '2026-05-01' });
    const item = `${records}/${deal.body.id}`;
    expectDocumented(await repApi('PATCH', item, { amount: 5 }), 200, 'patch', `${records}/{id}`);
    expectDocumented(await repApi('GET', `${item}/history`), 200, 'get', `${records}/{id}/history`);
    expectDocumented(
      await repApi('POST', records, { name: 'x', close_date: '2026-05-01', owner_id: admin.body.user.id }),
      403,
      'post',
      records,
    );
    const share = await repApi('POST', `${item}/shares`, { group: 'support_team', access: 'edit' });
    expectDocumented(share, 201, 'post', `${records}/{id}/shares`);
    expectDocumented(
      await repApi('POST', `${item}/shares`, { group: 'support_team', userId: admin.body.user.id, access: 'read' }),
      422,
      'post',
      `${records}/{id}/shares`,
    );
    expectDocumented(
      await repApi('POST', `${item}/shares`, { group: 'support_team', access: 'read', note: 'x' }),
      400,
      'post',
      `${records}/{id}/shares`,
    );
    expectDocumented(await repApi('GET', `${item}/shares`), 200, 'get', `${records}/{id}/shares`);
    expectDocumented(await t.api('GET', `${item}/access?user=${user.body.id}`), 200, 'get', `${records}/{id}/access`);
    expectDocumented(
      await repApi('GET', `${item}/access?user=${admin.body.user.id}`),
      403,
      'get',
      `${records}/{id}/access`,
    );
    expectDocumented(
      await t.api('GET', `${item}/access?user=00000000-0000-7000-8000-000000000000`),
      404,
      'get',
      `${records}/{id}/access`,
    );
    expectDocumented(
      await repApi('DELETE', `${item}/shares/${share.body.id}`),
      204,
      'delete',
      `${records}/{id}/shares/{shareId}`,
    );
    expectDocumented(
      await repApi('DELETE', `${item}/shares/${share.body.id}`),
      404,
      'delete',
      `${records}/{id}/shares/{shareId}`,
    );
    // another rep's private record: not found, not forbidden
    const peer = await t.api('POST', '/api/v1/users', { ...rep, email: 'documented.peer@example.test' });
    const peerApi = as((await login(peer.body.email)).body.token);
    expectDocumented(await peerApi('GET', item), 404, 'get', `${records}/{id}`);
    expectDocumented(await peerApi('GET', `${item}/history`), 404, 'get', `${records}/{id}/history`);

    expectDocumented(await t.api('GET', '/api/v1/setup-audit?limit=3'), 200, 'get', '/api/v1/setup-audit');
    expectDocumented(await t.api('GET', '/api/v1/setup-audit?limit=0'), 400, 'get', '/api/v1/setup-audit');
    expectDocumented(await repApi('GET', '/api/v1/setup-audit'), 403, 'get', '/api/v1/setup-audit');

    expectDocumented(await t.api('GET', '/api/v1/tenants'), 200, 'get', '/api/v1/tenants');
    expectDocumented(
      await t.api('POST', '/api/v1/tenants', { name: 'Bad Name', adminEmail: 'boss@example.test' }),
      422,
      'post',
      '/api/v1/tenants',
    );
    expectDocumented(await repApi('GET', '/api/v1/tenants'), 403, 'get', '/api/v1/tenants');
    const tenant = await t.api('POST', '/api/v1/tenants', { name: 'documented', adminEmail: 'boss@documented.test' });
    expectDocumented(tenant, 201, 'post', '/api/v1/tenants');
    expectDocumented(
      await t.api('POST', '/api/v1/tenants', { name: 'documented', adminEmail: 'boss@documented.test' }),
      409,
      'post',
      '/api/v1/tenants',
    );
    const boss = await t.api('POST', '/api/v1/auth/login', {
      tenant: 'documented',
      email: 'boss@documented.test',
      password: tenant.body.adminPassword,
    });
    expectDocumented(boss, 200, 'post', '/api/v1/auth/login');
    expect(boss.body.token).toMatch(/^documented\./);
    expectDocumented(await as(boss.body.token)('GET', '/api/v1/tenants'), 404, 'get', '/api/v1/tenants');

    // five failures lock the account: the right password is then refused too, with Retry-After
    for (let i = 0; i < 5; i++)
      expectDocumented(
        await t.api('POST', '/api/v1/auth/login', { email: peer.body.email, password: 'wrong' }),
        401,
        'post',
        '/api/v1/auth/login',
      );
    const locked = await t.api('POST', '/api/v1/auth/login', { email: peer.body.email, password: 'a-long-password' });
    expectDocumented(locked, 429, 'post', '/api/v1/auth/login');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers workflow runs, a retry and a replay as documented', async () => {
    const expectDocumented = await answers();
    expect(
      (
        await t.api('POST', '/api/v1/meta/workflows', {
          apiName: 'documented',
          label: 'Documented',
          object: 'account',
          trigger: { on: 'create' },
          actions: [{ type: 'updateRecord', values: { employees: { cat: ['many'] } } }],
        })
      ).status,
    ).toBe(201);
    expect((await t.api('POST', '/api/v1/meta/publish', {})).status).toBe(201);
    // "many" is no number of employees: the run fails, so it can be retried.
    await t.api('POST', '/api/v1/records/account', { name: 'Run documented' });
    const run = await waitFor(async () => {
      const res = await t.api('GET', '/api/v1/automation/runs?workflow=documented');
      return res.body.runs?.[0]?.status === 'failed' ? res : undefined;
    }, 'a failed run');
    expectDocumented(run, 200, 'get', '/api/v1/automation/runs');
    const id = run.body.runs[0].id;
    expectDocumented(
      await t.api('GET', `/api/v1/automation/runs?status=finished`),
      400,
      'get',
      '/api/v1/automation/runs',
    );
    expectDocumented(await t.api('GET', `/api/v1/automation/runs/${id}`), 200, 'get', '/api/v1/automation/runs/{id}');
    expectDocumented(
      await t.api('POST', `/api/v1/automation/runs/${id}/steps/0/replay`),
      409,
      'post',
      '/api/v1/automation/runs/{id}/steps/{step}/replay',
    );
    expectDocumented(
      await t.api('POST', `/api/v1/automation/runs/${id}/retry`),
      200,
      'post',
      '/api/v1/automation/runs/{id}/retry',
    );
    expectDocumented(
      await t.api('POST', `/api/v1/automation/runs/${id}/retry`),
      409,
      'post',
      '/api/v1/automation/runs/{id}/retry',
    );
    expectDocumented(
      await t.api('GET', '/api/v1/automation/runs/01a24ad4-b8b3-740d-83af-cf6eca89f709'),
      404,
      'get',
      '/api/v1/automation/runs/{id}',
    );
  });
  it('answers the field types, record counts and used-by as documented', async () => {
    const expectDocumented = await answers();
    expectDocumented(await t.api('GET', '/api/v1/meta/field-types'), 200, 'get', '/api/v1/meta/field-types');
    expectDocumented(await t.api('GET', '/api/v1/meta/record-counts'), 200, 'get', '/api/v1/meta/record-counts');
    const usedBy = '/api/v1/meta/used-by';
    expectDocumented(await t.api('GET', `${usedBy}?object=opportunity&field=amount`), 200, 'get', usedBy);
    expectDocumented(await t.api('GET', `${usedBy}?object=Opportunity`), 400, 'get', usedBy);
    expectDocumented(await t.api('GET', `${usedBy}?object=opportunity&field=nope`), 404, 'get', usedBy);
  });

  it('answers draft items with ETags, a stale If-Match, the changes and discard as documented', async () => {
    const expectDocumented = await answers();
    const item = '/api/v1/meta/list-views/{apiName}';
    const name = (await t.api('GET', '/api/v1/meta/list-views?object=account')).body.data[0].apiName;
    const path = `/api/v1/meta/list-views/${name}`;
    const read = await t.api('GET', path);
    expectDocumented(read, 200, 'get', item);
    const etag = read.headers.get('etag')!;
    const saved = await t.api('PUT', path, { ...read.body, label: 'Documented' }, { 'if-match': etag });
    expectDocumented(saved, 200, 'put', item);
    expect(saved.headers.get('etag')).not.toBe(etag);
    expectDocumented(await t.api('PUT', path, read.body, { 'if-match': etag }), 412, 'put', item);
    expectDocumented(await t.api('PUT', path, read.body, { 'if-match': 'bare' }), 400, 'put', item);
    expectDocumented(await t.api('DELETE', path, undefined, { 'if-match': etag }), 412, 'delete', item);
    const changes = '/api/v1/meta/draft/changes';
    expectDocumented(await t.api('GET', changes), 200, 'get', changes);
    const discard = '/api/v1/meta/draft/discard';
    expectDocumented(await t.api('POST', discard), 200, 'post', discard);
    expect((await t.api('GET', changes)).body.changes).toEqual([]);
    expectDocumented(await t.api('GET', '/api/v1/meta/releases'), 200, 'get', '/api/v1/meta/releases');
  });

  it("answers an object's plan before saving as documented", async () => {
    const expectDocumented = await answers();
    const plan = '/api/v1/meta/objects/{apiName}/plan';
    const account = (await t.api('GET', '/api/v1/meta/objects/account')).body;
    const relabelled = { ...account, label: 'Documented' };
    expectDocumented(await t.api('POST', '/api/v1/meta/objects/account/plan', relabelled), 200, 'post', plan);
    const bad = { ...account, nameField: 'no_such_field' };
    expectDocumented(await t.api('POST', '/api/v1/meta/objects/account/plan', bad), 422, 'post', plan);
    expectDocumented(await t.api('POST', '/api/v1/meta/objects/nothing/plan', account), 404, 'post', plan);
    const stale = { 'if-match': '"0"' };
    expectDocumented(await t.api('POST', '/api/v1/meta/objects/account/plan', account, stale), 412, 'post', plan);
  });

  it('answers a configuration export and import as documented', async () => {
    const expectDocumented = await answers();
    const send = async (method: string, path: string, body?: Uint8Array, type = 'application/zip') => {
      const res = await fetch(t.url + path, {
        method,
        headers: { authorization: `Bearer ${t.token}`, ...(body ? { 'content-type': type } : {}) },
        ...(body ? { body: Buffer.from(body) } : {}),
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      const json = res.headers.get('content-type')?.includes('json');
      return {
        res: {
          status: res.status,
          headers: res.headers,
          body: json ? JSON.parse(new TextDecoder().decode(bytes)) : undefined,
        },
        bytes,
      };
    };
    const exported = await send('GET', '/api/v1/meta/export');
    expectDocumented(exported.res, 200, 'get', '/api/v1/meta/export');
    expectDocumented((await send('GET', '/api/v1/meta/export?release=999')).res, 404, 'get', '/api/v1/meta/export');
    const path = '/api/v1/meta/import';
    expectDocumented((await send('POST', path, exported.bytes)).res, 200, 'post', path);
    expectDocumented((await send('POST', `${path}?publish=true`, exported.bytes)).res, 201, 'post', path);
    expectDocumented((await send('POST', path, new TextEncoder().encode('not a zip'))).res, 400, 'post', path);
    expectDocumented((await send('POST', path, exported.bytes, 'text/plain')).res, 415, 'post', path);
    const bad = zipSync({ 'tessera-config.json': strToU8('{"format": 1}'), 'roles/x.json': strToU8('[') });
    expectDocumented((await send('POST', path, bad)).res, 422, 'post', path);
  });
});

describe('GET /api/docs', () => {
  it('answers a Swagger UI page that loads only local files and no inline script', async () => {
    const res = await fetch(`${t.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    const sources = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThanOrEqual(3);
    for (const source of sources) expect(source, source).toMatch(/^\/api\/docs\//);
    expect(html).not.toMatch(/https?:\/\//);
    // every <script> has a src and an empty body, so a CSP without 'unsafe-inline' holds
    for (const [, attrs, body] of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
      expect(attrs).toMatch(/\bsrc="/);
      expect(body!.trim()).toBe('');
    }

    for (const source of sources) {
      const asset = await fetch(t.url + source);
      expect(asset.status, source).toBe(200);
      expect((await asset.arrayBuffer()).byteLength, source).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${t.url}/api/docs/init.js`)).text();
    expect(init).toContain('"/api/v1/openapi.json"');
    expect(init).not.toMatch(/https?:\/\//);
  });

  it('serves the Swagger UI bundle and stylesheet from the local package', async () => {
    const js = await fetch(`${t.url}/api/docs/assets/swagger-ui-bundle.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect(await js.text()).toContain('SwaggerUIBundle');
    const css = await fetch(`${t.url}/api/docs/assets/swagger-ui.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
  });

  it('serves only the assets the page uses', async () => {
    for (const path of [
      '/api/docs/assets/package.json',
      '/api/docs/assets/index.html',
      '/api/docs/assets/swagger-initializer.js',
      '/api/docs/assets/../package.json',
      '/api/docs/assets/',
    ]) {
      const res = await fetch(t.url + path);
      expect([401, 404], path).toContain(res.status);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    }
  });
});
