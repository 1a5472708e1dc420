import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({ corsOrigins: ['https://crm.example.test'] });
});
afterAll(() => t?.close());

describe('security headers and CORS', () => {
  it('sends nosniff, no framing and a CSP that loads nothing on API answers', async () => {
    for (const path of ['/health', '/api/v1/records/account', '/api/v1/nothing']) {
      const res = await fetch(t.url + path);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('content-security-policy'), path).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(res.headers.get('x-powered-by'), path).toBeNull();
    }
    const docs = await fetch(`${t.url}/api/docs`);
    expect(docs.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
  });

  it('answers CORS only for configured origins', async () => {
    const allowed = await t.api('GET', '/api/v1/records/account', undefined, { origin: 'https://crm.example.test' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://crm.example.test');
    const other = await t.api('GET', '/api/v1/records/account', undefined, { origin: 'https://evil.example.test' });
    expect(other.status).toBe(200);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${t.url}/api/v1/records/account`, { method: 'OPTIONS', headers: { origin: 'https://crm.example.test', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const refused = await fetch(`${t.url}/api/v1/records/account`, { method: 'OPTIONS', headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'POST' } });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an oversized body with 413 problem+json', async () => {
    const res = await t.api('POST', '/api/v1/records/account', JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) }), { 'content-type': 'application/json' });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});
