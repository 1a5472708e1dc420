import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

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
    // fetch() adds `cache-control: no-cache` to a conditional request unless it has one, and no-cache means "send it anyway"
    const again = await fetch(`${t.url}/api/v1/openapi.json`, { headers: { 'if-none-match': etag, 'cache-control': 'max-age=0' } });
    expect(again.status).toBe(304);
  });

  it('shows a newly published object without a restart', async () => {
    const before = await getSpec();
    expect(before.doc.paths['/api/v1/records/gadget']).toBeUndefined();

    const created = await t.api('POST', '/api/v1/meta/objects', {
      apiName: 'gadget', label: 'Gadget', pluralLabel: 'Gadgets', nameField: 'name',
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
      if (type === 'text/csv') return;
      const ref = (media as { schema: { $ref?: string } }).schema.$ref!;
      const validate = ajv.getSchema(`https://tessera.test/openapi.json${ref}`)!;
      expect(validate(res.body), `${method} ${path} ${res.status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
  }

  it('answers bulk, list, aggregate, recycle bin, CSV, search and currencies as documented', async () => {
    const expectDocumented = await answers();
    const records = '/api/v1/records/opportunity';
    const account = await t.api('POST', '/api/v1/records/account', { name: 'Documented Inc' });
    expectDocumented(account, 201, 'post', '/api/v1/records/account');

    const deal = { name: 'Documented deal', close_date: '2026-03-01', account: account.body.id, amount: { amount: 10, currency: 'EUR' } };
    const bulk = await t.api('POST', `${records}/bulk`, { records: [deal, deal] }, { 'idempotency-key': 'openapi-1' });
    expectDocumented(bulk, 200, 'post', `${records}/bulk`);
    const replayed = await t.api('POST', `${records}/bulk`, { records: [deal, deal] }, { 'idempotency-key': 'openapi-1' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    const refused = await t.api('POST', `${records}/bulk`, { records: [deal, { close_date: 'soon' }] });
    expectDocumented(refused, 422, 'post', `${records}/bulk`);
    expect(refused.body.errors[0].index).toBe(1);

    const list = await t.api('GET', `${records}?fields=name,amount,account.name&count=exact`);
    expectDocumented(list, 200, 'get', records);
    expect(list.body.data[0].account).toEqual({ id: account.body.id, name: 'Documented Inc' });
    expectDocumented(await t.api('GET', `${records}/aggregate?groupBy=stage,close_date:month&metrics=count,sum:amount,max:close_date`), 200, 'get', `${records}/aggregate`);
    // no EUR rate yet
    expectDocumented(await t.api('GET', `${records}/aggregate?metrics=sum:amount&currency=corporate`), 422, 'get', `${records}/aggregate`);

    const [first, second] = bulk.body.results.map((r: { id: string }) => r.id);
    expect((await t.api('DELETE', `${records}/${first}`)).status).toBe(204);
    expectDocumented(await t.api('GET', `${records}?deleted=only&count=estimated`), 200, 'get', records);
    expectDocumented(await t.api('POST', `${records}/${first}/restore`), 200, 'post', `${records}/{id}/restore`);
    expect((await t.api('DELETE', `${records}/${second}`)).status).toBe(204);
    expectDocumented(await t.api('POST', `${records}/${second}/purge`), 204, 'post', `${records}/{id}/purge`);
    expectDocumented(await t.api('POST', `${records}/${second}/purge`), 404, 'post', `${records}/{id}/purge`);

    expectDocumented(await t.api('GET', `${records}/export?fields=id,name,account.name`), 200, 'get', `${records}/export`);
    const started = await t.api('POST', `${records}/import`, 'name,close_date\r\nImported,2026-04-01\r\n', { 'content-type': 'text/csv' });
    expectDocumented(started, 202, 'post', `${records}/import`);
    expect(started.headers.get('location')).toBe(`/api/v1/imports/${started.body.id}`);
    expectDocumented(await t.api('POST', `${records}/import`, 'name\r\n', { 'content-type': 'text/plain' }), 415, 'post', `${records}/import`);
    expectDocumented(await t.api('GET', `/api/v1/imports/${started.body.id}`), 200, 'get', '/api/v1/imports/{id}');
    expectDocumented(await t.api('GET', `/api/v1/imports/${started.body.id}/errors.csv`), 200, 'get', '/api/v1/imports/{id}/errors.csv');

    expectDocumented(await t.api('GET', '/api/v1/search?q=documented&objects=account,opportunity'), 200, 'get', '/api/v1/search');
    expectDocumented(await t.api('POST', '/api/v1/currencies/rates', { currency: 'EUR', startDate: '2026-01-01', rate: 0.9 }), 201, 'post', '/api/v1/currencies/rates');
    expectDocumented(await t.api('GET', '/api/v1/currencies'), 200, 'get', '/api/v1/currencies');
    // rates exist, stated against USD
    expectDocumented(await t.api('PUT', '/api/v1/currencies/corporate', { currency: 'EUR' }), 409, 'put', '/api/v1/currencies/corporate');
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
    for (const path of ['/api/docs/assets/package.json', '/api/docs/assets/index.html', '/api/docs/assets/swagger-initializer.js', '/api/docs/assets/../package.json', '/api/docs/assets/']) {
      const res = await fetch(t.url + path);
      expect([401, 404], path).toContain(res.status);
      expect(res.headers.get('content-type'), path).toContain('application/problem+json');
    }
  });
});
