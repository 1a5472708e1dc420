import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UI_CSP } from '../src/api/security-headers.js';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

// A stand-in for runtime-ui/dist, so these tests do not depend on a UI build.
const uiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ui-'));
fs.mkdirSync(path.join(uiDir, 'assets'));
fs.writeFileSync(
  path.join(uiDir, 'index.html'),
  '<!doctype html><title>Tessera</title><script type="module" src="/assets/index-abc123.js"></script>',
);
fs.writeFileSync(path.join(uiDir, 'assets', 'index-abc123.js'), 'console.log("ui")');
process.env.TESSERA_UI_DIR = uiDir;
// And one for studio/dist, whose build names its assets under /studio/.
const studioDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-studio-'));
fs.mkdirSync(path.join(studioDir, 'assets'));
fs.writeFileSync(
  path.join(studioDir, 'index.html'),
  '<!doctype html><title>Studio</title><script type="module" src="/studio/assets/index-def456.js"></script>',
);
fs.writeFileSync(path.join(studioDir, 'assets', 'index-def456.js'), 'console.log("studio")');
process.env.TESSERA_STUDIO_DIR = studioDir;

let t: TestEngine;
beforeAll(async () => {
  t = await startTestEngine({ corsOrigins: ['https://crm.example.test'] });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(uiDir, { recursive: true, force: true });
  fs.rmSync(studioDir, { recursive: true, force: true });
});

describe('session cookies', () => {
  it('answers a malformed session cookie with 401 problem+json, not an error on our side', async () => {
    for (const cookie of ['tessera_session=%E0%A4%A', 'tessera_session=%', 'tessera_session', '=;;=x']) {
      const res = await fetch(`${t.url}/api/v1/records/account`, {
        headers: { cookie, 'x-requested-with': 'XMLHttpRequest' },
      });
      expect(res.status, cookie).toBe(401);
      expect(res.headers.get('content-type'), cookie).toContain('application/problem+json');
    }
  });
});

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
    const preflight = await fetch(`${t.url}/api/v1/records/account`, {
      method: 'OPTIONS',
      headers: { origin: 'https://crm.example.test', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('Authorization');
    const refused = await fetch(`${t.url}/api/v1/records/account`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example.test', 'access-control-request-method': 'POST' },
    });
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses an oversized body with 413 problem+json', async () => {
    const res = await t.api('POST', '/api/v1/records/account', JSON.stringify({ name: 'x'.repeat(3 * 1024 * 1024) }), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('runtime UI', () => {
  const page = (p: string) => fetch(t.url + p, { headers: { accept: 'text/html,application/xhtml+xml' } });

  it('serves the page to browsers at / and at client-side routes, revalidated on every load', async () => {
    for (const p of ['/', '/o/account', '/o/opportunity/01a2096e-6c8d-75a5-b004-4f9a4b976567']) {
      const res = await page(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type'), p).toContain('text/html');
      expect(res.headers.get('cache-control'), p).toBe('no-cache');
      expect(await res.text(), p).toContain('/assets/index-abc123.js');
    }
  });

  it('gives UI pages a CSP that allows own scripts and inline styles only, and forbids framing', async () => {
    const res = await page('/o/account');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toBe(UI_CSP);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('caches hashed assets for a year; a missing asset is a 404, never the page', async () => {
    const asset = await fetch(`${t.url}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const missing = await page('/assets/index-gone999.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
  });

  it('sends assets gzipped to a browser that takes gzip, as they are to one that does not, and nothing outside them', async () => {
    const raw = (p: string, encoding?: string) =>
      new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const req = http.get(`${t.url}${p}`, { headers: encoding ? { 'accept-encoding': encoding } : {} }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        });
        req.on('error', reject);
      });
    const zipped = await raw('/studio/assets/index-def456.js', 'gzip, deflate, br');
    expect(zipped.status).toBe(200);
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers['content-type']).toContain('javascript');
    expect(zipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(zlib.gunzipSync(zipped.body).toString()).toBe('console.log("studio")');
    const plain = await raw('/studio/assets/index-def456.js');
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.toString()).toBe('console.log("studio")');
    // A file above the app's folder is never read, however the path is spelled.
    const secret = path.join(path.dirname(uiDir), `tessera-secret-${path.basename(uiDir)}.js`);
    fs.writeFileSync(secret, 'the secret');
    try {
      const name = path.basename(secret);
      for (const p of [`/assets/..%2f..%2f${name}`, `/assets/%2e%2e/%2e%2e/${name}`, '/assets/%E0%A4%A.js']) {
        const res = await raw(p, 'gzip');
        expect(res.status, p).toBe(404);
        expect(res.body.toString(), p).not.toContain('the secret');
      }
    } finally {
      fs.rmSync(secret, { force: true });
    }
  });

  it('keeps API answers as they were: JSON, the strict CSP, no page for unknown API paths', async () => {
    const api = await t.api('GET', '/api/v1/nothing', undefined, { accept: 'text/html' });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    expect(api.headers.get('content-security-policy')).toBe("default-src 'none'; frame-ancestors 'none'");
    const root = await fetch(`${t.url}/`);
    expect(await root.json()).toMatchObject({ api: '/api/v1', docs: '/api/docs' });
    const unknown = await fetch(`${t.url}/no/such/page`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('studio', () => {
  const page = (p: string) => fetch(t.url + p, { headers: { accept: 'text/html,application/xhtml+xml' } });

  it('serves its own page at /studio and its client-side routes, with the UI CSP', async () => {
    for (const p of ['/studio', '/studio/', '/studio/objects/account']) {
      const res = await page(p);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('cache-control'), p).toBe('no-cache');
      expect(res.headers.get('content-security-policy'), p).toBe(UI_CSP);
      expect(await res.text(), p).toContain('/studio/assets/index-def456.js');
    }
  });

  it('serves its hashed assets; a missing one, or a path asked for without HTML, is a 404', async () => {
    const asset = await fetch(`${t.url}/studio/assets/index-def456.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const p of ['/studio/assets/index-gone.js', '/studio/objects']) {
      const res = p.includes('assets') ? await page(p) : await fetch(t.url + p);
      expect(res.status, p).toBe(404);
      expect(res.headers.get('content-type'), p).toContain('application/problem+json');
    }
  });
});

describe('behind a reverse proxy (TESSERA_TRUST_PROXY)', () => {
  it('rate-limits failed logins per client address the trusted proxy names, not per proxy', async () => {
    const proxied = await startTestEngine({ trustProxy: 'loopback' });
    try {
      const attempt = (client: string) =>
        fetch(`${proxied.url}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': client },
          body: JSON.stringify({ email: `x-${Math.random()}@example.test`, password: 'wrong password' }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) statuses.push((await attempt('203.0.113.5')).status);
      expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
      expect(statuses[20]).toBe(429);
      // Another client behind the same proxy is not locked out.
      expect((await attempt('203.0.113.6')).status).toBe(401);
    } finally {
      await proxied.close();
    }
  });
});
