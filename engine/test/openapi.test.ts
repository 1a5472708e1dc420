import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

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
