import crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { log, type Logger } from '../lib/log.js';
import type { SignedInRequest } from './context.js';

/**
 * One log line per request, when its response is done: the request id (also sent back as
 * X-Request-Id), method, route pattern, status, duration, tenant and user. Never the URL (ids,
 * and filters that quote field values), headers or bodies. This runs on every request, the
 * benchmarked ones included, so it allocates one closure and one small object of fixed shape,
 * and keeps nothing on the request object (context.ts says why).
 */

/** An incoming X-Request-Id is kept when it is a plain token; anything else gets our own id. */
const SANE_ID = /^[\w.:@/+=-]{1,128}$/;
const PREFIX = crypto.randomBytes(6).toString('base64url');
let counter = 0;

export function requestLog(logger: Logger): RequestHandler {
  const enabled = logger.isLevelEnabled('error');
  return (req, res, next) => {
    const id = requestIdOf(req);
    res.setHeader('X-Request-Id', id);
    if (enabled) {
      const started = performance.now();
      res.on('close', () =>
        logAnswer(logger, req, res, {
          reqId: id,
          route: routeOf(req),
          tenant: res.locals.tenant as string | undefined,
          started,
        }),
      );
    }
    next();
  };
}

/** The request's id: the client's X-Request-Id when it is a plain token, else one of ours. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && SANE_ID.test(incoming) ? incoming : `${PREFIX}-${(++counter).toString(36)}`;
}

/** What the log line says that the request and response objects do not. */
export interface Answered {
  reqId: string;
  route: string | null;
  tenant: string | undefined;
  /** performance.now() when the request arrived. */
  started: number;
}

/** The request's log line, once its response is done (closed). */
export function logAnswer(logger: Logger, req: IncomingMessage, res: ServerResponse, answered: Answered): void {
  const status = res.statusCode;
  const level = status >= 500 ? 'error' : 'info';
  if (!logger.isLevelEnabled(level)) return;
  logger[level](
    {
      reqId: answered.reqId,
      method: req.method,
      route: answered.route,
      status,
      ms: Math.round((performance.now() - answered.started) * 10) / 10,
      tenant: answered.tenant,
      // On a 401 the user on the request was presumed from an earlier request (auth.router.ts), then refused.
      user: status === 401 ? undefined : (req as SignedInRequest).signedIn?.user.id,
      aborted: res.writableFinished ? undefined : true,
    },
    'request',
  );
}

/**
 * The route pattern that answered, with the path it is mounted under: /api/v1/records/:object/:id.
 * Routers put their mount path back on req.baseUrl when an error leaves them, so the mount part is
 * taken from the front of the path instead, as many segments as the route does not account for.
 * Every mount path is fixed text, so that part holds no ids. Null when no route matched (files of
 * the UI, 404s, requests refused before their route).
 */
export function routeOf(req: Request): string | null {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern !== 'string') return null;
  const own = segmentsOf(pattern);
  const url = req.originalUrl;
  // An absolute-form request target (http://host/path) starts its path after the host.
  const from = url.startsWith('/') ? 0 : Math.max(0, url.indexOf('/', url.indexOf('//') + 2));
  const query = url.indexOf('?', from);
  const path = url.slice(from, query < 0 ? undefined : query);
  // Most requests (the hot routes among them) answer from a route of the app itself: the pattern
  // is the whole path, and counting the path's segments says so without splitting it.
  if (segmentCount(path) === own.length) return pattern;
  const segments = path.split('/').filter(Boolean);
  const mount = segments.slice(0, Math.max(0, segments.length - own.length));
  return `/${[...mount.map((s) => s.toLowerCase()), ...own].join('/')}`;
}

const patterns = new Map<string, string[]>();
function segmentsOf(pattern: string): string[] {
  let own = patterns.get(pattern);
  if (!own) patterns.set(pattern, (own = pattern.split('/').filter(Boolean)));
  return own;
}

function segmentCount(path: string): number {
  let n = 0;
  for (let i = 0; i < path.length; i++) if (path[i] !== '/' && (i === 0 || path[i - 1] === '/')) n++;
  return n;
}

/** An unexpected error met while answering a request: logged with the request's id and stack. */
export function logUnexpected(res: Response, err: unknown, what = 'unexpected error'): void {
  const logger = (res.app.locals.logger as Logger | undefined) ?? log;
  logger.error({ reqId: res.getHeader('X-Request-Id'), err }, what);
}
