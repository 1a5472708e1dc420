import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import querystring from 'node:querystring';
import etag from 'etag';
import { UUID } from '../lib/ids.js';
import type { Logger } from '../lib/log.js';
import { API_NAME_PATTERN } from '../metadata/identifiers.js';
import type { HotRoutes } from './hot-routes.js';
import { problemOf, problemText } from './problem.js';
import { logAnswer, requestIdOf } from './request-log.js';
import { API_HEADERS, corsHeaders } from './security-headers.js';

/**
 * The hot routes (hot-routes.ts) answered on Node's own request and response objects, ahead of
 * express. Express dresses every request and response in its own prototypes, matches it against
 * each middleware and route in turn, and sends a string answer as a Buffer apart from its
 * headers (two chunks to the socket where one would do): on a get by id that was 0.09 ms of the
 * server's CPU per request, more than everything Tessera itself does for it (engine/bench). This
 * lane takes only the plain, canonical form of those requests — /api/v1/records/<object>[/<uuid>],
 * no conditional GET — and gives them exactly what express would: the same headers (request id,
 * security, CORS), body parser, errors as problem+json, weak ETag on an answer without its own,
 * and log line. Any other request goes to express untouched.
 */

export interface Lane {
  logger: Logger;
  corsOrigins: ReadonlySet<string>;
  /** The JSON body parser express uses for these routes (express.json's connect-style handler). */
  json: (req: IncomingMessage, res: ServerResponse, next: (err?: Error) => void) => void;
  /** The request's tenant (by its token) and that tenant's hot routes. */
  routesFor(req: IncomingMessage): Promise<{ tenant: string; routes: HotRoutes }>;
}

const PREFIX = '/api/v1/records/';
const LIST_ROUTE = '/api/v1/records/:object';
const ID_ROUTE = '/api/v1/records/:object/:id';
const JSON_TYPE = 'application/json; charset=utf-8';
const PROBLEM_TYPE = 'application/problem+json; charset=utf-8';

/** The handler of each method, on a record's path and on the object's. */
const BY_ID = new Map<string, keyof HotRoutes>([
  ['GET', 'get'],
  ['PATCH', 'update'],
  ['DELETE', 'remove'],
]);
const BY_OBJECT = new Map<string, keyof HotRoutes>([
  ['GET', 'list'],
  ['POST', 'create'],
]);

interface Route {
  handler: keyof HotRoutes;
  object: string;
  id: string;
  /** The query string, without its '?'. */
  search: string;
}

/** The hot route of a request in its plain form, or undefined: express's routes take it. */
export function laneRoute(req: Pick<IncomingMessage, 'url' | 'method' | 'headers'>): Route | undefined {
  const url = req.url!;
  if (!url.startsWith(PREFIX)) return undefined;
  const q = url.indexOf('?', PREFIX.length);
  const path = url.slice(PREFIX.length, q < 0 ? undefined : q);
  const slash = path.indexOf('/');
  const object = slash < 0 ? path : path.slice(0, slash);
  const id = slash < 0 ? '' : path.slice(slash + 1);
  if (!API_NAME_PATTERN.test(object) || (slash >= 0 && !UUID.test(id))) return undefined;
  const handler = (id ? BY_ID : BY_OBJECT).get(req.method ?? '');
  if (!handler) return undefined;
  // A conditional GET is answered 304 by express's freshness check.
  if (req.method === 'GET' && (req.headers['if-none-match'] || req.headers['if-modified-since'])) return undefined;
  return { handler, object, id, search: q < 0 ? '' : url.slice(q + 1) };
}

export function fastLane(lane: Lane, rest: RequestListener): RequestListener {
  const logged = lane.logger.isLevelEnabled('error');
  const readBody = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<void>((resolve, reject) => lane.json(req, res, (err) => (err ? reject(err) : resolve())));

  const answer = async (req: IncomingMessage, res: ServerResponse, route: Route) => {
    const reqId = requestIdOf(req);
    const origin = req.headers.origin;
    const cors = origin !== undefined && lane.corsOrigins.has(origin) ? corsHeaders(origin) : [];
    let tenant: string | undefined;
    if (logged) {
      const started = performance.now();
      const pattern = route.id ? ID_ROUTE : LIST_ROUTE;
      res.once('close', () => logAnswer(lane.logger, req, res, { reqId, route: pattern, tenant, started }));
    }
    try {
      if (route.handler === 'create' || route.handler === 'update') await readBody(req, res);
      const found = await lane.routesFor(req);
      tenant = found.tenant;
      const answered = await found.routes[route.handler]({
        req,
        object: route.object,
        id: route.id,
        query: querystring.parse(route.search),
        body: (req as { body?: unknown }).body,
      });
      const headers = ['X-Request-Id', reqId, ...API_HEADERS, ...cors];
      if (answered.location) headers.push('Location', answered.location);
      send(res, answered.status, headers, answered.body, JSON_TYPE, answered.etag);
    } catch (err) {
      const p = problemOf(err, (e, what) => lane.logger.error({ reqId, err: e }, what));
      const headers = ['X-Request-Id', reqId, ...API_HEADERS, ...cors];
      if (typeof p.extra.retryAfter === 'number') headers.push('Retry-After', String(p.extra.retryAfter));
      send(res, p.status, headers, problemText(p), PROBLEM_TYPE);
    }
  };

  return (req, res) => {
    const route = laneRoute(req);
    if (!route) return rest(req, res);
    answer(req, res, route).catch((err: unknown) => {
      // Only a failure to write the answer itself gets here.
      lane.logger.error({ err }, 'the answer could not be sent');
      res.destroy();
    });
  };
}

/**
 * As express's res.send does it — a weak ETag when the answer has none of its own — but headers
 * and body leave in one write. No body: a 204, with neither.
 */
function send(res: ServerResponse, status: number, headers: string[], body?: string, type = JSON_TYPE, tag?: string) {
  if (body === undefined) return void res.writeHead(status, headers).end();
  const length = String(Buffer.byteLength(body));
  headers.push('ETag', tag ?? etag(body, { weak: true }), 'Content-Type', type, 'Content-Length', length);
  res.writeHead(status, headers).end(body);
}
