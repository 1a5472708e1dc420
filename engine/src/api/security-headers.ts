import type { RequestHandler } from 'express';

/**
 * Headers every answer carries. API answers are data, never a page: they may load nothing and be
 * framed by nobody. The docs page gets only the framing rule (its own script and styles come from
 * this server). No CORS unless origins are configured (TESSERA_CORS_ORIGINS), and then only those.
 */

const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * The runtime UI's pages and assets: scripts, fonts, images and API calls from this server only,
 * no plugins, no framing, forms post only here. Styles allow 'unsafe-inline' because Ant Design
 * writes its CSS-in-JS into <style> elements at run time; scripts stay strict (no inline, no
 * eval), which is what stops injected markup from running. Images may be data:/blob: URLs
 * (antd's icons and ECharts' "save as image").
 */
export const UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers of every API answer, as name/value pairs in a row (writeHead's flat form). */
export const API_HEADERS: readonly string[] = [
  'X-Content-Type-Options',
  'nosniff',
  'X-Frame-Options',
  'DENY',
  'Referrer-Policy',
  'no-referrer',
  'Content-Security-Policy',
  API_CSP,
];

/** What an allowed origin's answers carry besides (not a preflight's), as flat pairs. */
const EXPOSED = 'ETag, Location, Idempotent-Replayed';
export const corsHeaders = (origin: string): string[] => [
  'Access-Control-Allow-Origin',
  origin,
  'Vary',
  'Origin',
  'Access-Control-Expose-Headers',
  EXPOSED,
];

function cspFor(path: string): string {
  if (path.startsWith('/api/docs')) return "frame-ancestors 'none'";
  if (path === '/api' || path.startsWith('/api/') || path === '/health') return API_CSP;
  return UI_CSP;
}
export function securityHeaders(corsOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(corsOrigins);
  return (req, res, next) => {
    // setHeader, not res.set: these are plain strings, and this runs on every request.
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Content-Security-Policy', cspFor(req.path));
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match, Idempotency-Key, Accept-Language',
          'Access-Control-Expose-Headers': EXPOSED,
          'Access-Control-Max-Age': '600',
        });
        return void res.status(204).end();
      }
      res.set('Access-Control-Expose-Headers', EXPOSED);
    }
    next();
  };
}
