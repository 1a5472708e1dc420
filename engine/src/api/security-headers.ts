import type { RequestHandler } from 'express';

/**
 * Headers every answer carries. API answers are data, never a page: they may load nothing and be
 * framed by nobody. The docs page gets only the framing rule (its own script and styles come from
 * this server). No CORS unless origins are configured (TESSERA_CORS_ORIGINS), and then only those.
 */
export function securityHeaders(corsOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(corsOrigins);
  return (req, res, next) => {
    res.set({
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': req.path.startsWith('/api/docs') ? "frame-ancestors 'none'" : "default-src 'none'; frame-ancestors 'none'",
    });
    const origin = req.headers.origin;
    if (origin && allowed.has(origin)) {
      res.set({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' });
      if (req.method === 'OPTIONS') {
        res.set({
          'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, If-Match, Idempotency-Key, Accept-Language',
          'Access-Control-Expose-Headers': 'ETag, Location, Idempotent-Replayed',
          'Access-Control-Max-Age': '600',
        });
        return void res.status(204).end();
      }
      res.set('Access-Control-Expose-Headers', 'ETag, Location, Idempotent-Replayed');
    }
    next();
  };
}
