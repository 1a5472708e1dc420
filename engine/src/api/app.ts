import type { IncomingMessage, RequestListener } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { UUID } from '../lib/ids.js';
import { loginFailed, notFound, sessionExpired } from '../errors.js';
import type { Logger } from '../lib/log.js';
import { DEFAULT_TENANT, TenantRegistry } from '../tenants/registry.js';
import type { Tenant } from '../tenants/tenant.js';
import { sessionToken } from './auth.router.js';
import { fastLane } from './fast-lane.js';
import { hotRoutes, type HotRoutes } from './hot-routes.js';
import { openApiRouter } from './openapi.router.js';
import { problemHandler } from './problem.js';
import { requestLog } from './request-log.js';
import { securityHeaders } from './security-headers.js';
import { tenantApi } from './tenant-api.js';
import { studioRouter, uiRouter } from './ui.router.js';

export interface AppHost {
  tenants: TenantRegistry;
  /** The default tenant: health, the public API docs and logins without a tenant name. */
  main: Tenant;
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: readonly string[];
  /** express "trust proxy" (config.ts); unset trusts no proxy. */
  trustProxy?: string;
  isReady: () => boolean;
  /** Request lines and unexpected errors (lib/log.ts). */
  logger: Logger;
}

/** The server's request listener: the hot routes' own lane (fast-lane.ts), then express. */
export function buildApp(host: AppHost): RequestListener {
  const app = express();
  // Each tenant's routers, built on its first request and kept while the tenant is open.
  const routers = new WeakMap<Tenant, { api?: Router; hot?: HotRoutes }>();
  const routersOf = (tenant: Tenant) => {
    let built = routers.get(tenant);
    if (!built) routers.set(tenant, (built = {}));
    return built;
  };
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  // First, so every answer carries X-Request-Id and gets its log line; errors find the logger here.
  app.locals.logger = host.logger;
  app.use(requestLog(host.logger));
  // Client address (login rate limits) and https (Secure cookies) from a proxy only when configured.
  if (host.trustProxy)
    app.set('trust proxy', /^\d+$/.test(host.trustProxy) ? Number(host.trustProxy) : host.trustProxy);
  app.use(securityHeaders(host.corsOrigins ?? []));
  const json = (limit: string) => express.json({ limit, type: ['application/json', 'application/*+json'] });
  // Every /api request but the docs belongs to one tenant: the one named at login, or the one
  // whose prefix its token carries. Its own services (and router) answer it.
  const openTenant = async (req: IncomingMessage, login: boolean): Promise<Tenant> => {
    const name = login ? namedAtLogin(req as Request) : tenantOfToken(req);
    const tenant = host.tenants.opened(name) ?? (await host.tenants.find(name));
    if (!tenant)
      throw login
        ? loginFailed('e-mail or password is wrong')
        : sessionExpired('the token is missing, expired or revoked');
    return tenant;
  };
  const tenantFor = async (req: Request, res: Response): Promise<Tenant> => {
    const tenant = await openTenant(req, isLogin(req));
    res.locals.tenant = tenant.name;
    return tenant;
  };
  const hotOf = (tenant: Tenant) => (routersOf(tenant).hot ??= hotRoutes(tenant));
  // The hottest requests first, on flat routes of their own (hot-routes.ts); most of them never
  // get here, answered by the fast lane below.
  const hot = (handler: keyof HotRoutes) => async (req: Request, res: Response) => {
    const tenant = await tenantFor(req, res);
    const { object, id = '' } = req.params as { object: string; id?: string };
    const answer = await hotOf(tenant)[handler]({
      req,
      object,
      id,
      query: req.query as ParsedUrlQuery,
      body: req.body,
    });
    res.status(answer.status);
    if (answer.location) res.location(answer.location);
    if (answer.etag) res.set('ETag', answer.etag);
    if (answer.body === undefined) res.end();
    else res.type('application/json').send(answer.body);
  };
  app.get('/api/v1/records/:object', hot('list'));
  app.post('/api/v1/records/:object', json('2mb'), hot('create'));
  // By id: a record's id is a UUID; other words after the object (aggregate, bulk, export …)
  // belong to the tenant's routers, and skip these routes before any body is read.
  const uuidOnly: RequestHandler = (req, _res, next) => next(UUID.test(String(req.params.id)) ? undefined : 'route');
  app.get('/api/v1/records/:object/:id', uuidOnly, hot('get'));
  app.patch('/api/v1/records/:object/:id', uuidOnly, json('2mb'), hot('update'));
  app.delete('/api/v1/records/:object/:id', uuidOnly, hot('remove'));
  // Bulk requests carry up to 10,000 records; everything else stays small.
  app.use('/api/v1/records/:object/bulk', json('25mb'));
  // A configuration import is a zip (meta.router.ts); unpacked, it is held to its own limits.
  app.use(
    '/api/v1/meta/import',
    express.raw({ type: ['application/zip', 'application/x-zip-compressed'], limit: '25mb' }),
  );
  app.use(json('2mb'));

  app.get('/health', (_req, res) => {
    if (!host.isReady()) return void res.status(503).json({ status: 'starting' });
    res.json({ status: 'ok', release: host.main.metadata.compiled.release });
  });

  // Public: the OpenAPI document and its Swagger UI describe metadata shapes, never records.
  app.use(openApiRouter(host.main.metadata));
  // Other systems push data into inbound workflows: the secret in the URL is the credential.
  app.post('/api/v1/inbound/:tenant/:secret', async (req, res) => {
    const tenant = await host.tenants.find(req.params.tenant);
    if (!tenant) throw notFound('there is no inbound workflow at this address');
    const answer = await tenant.automation.inbound(req.params.secret, req.body, req.get('tessera-chain-depth'));
    res.status(answer.created ? 201 : 200).json(answer);
  });
  // Its own router for every other /api request of a tenant.
  app.use('/api', async (req, res, next) => {
    const tenant = await tenantFor(req, res);
    const built = routersOf(tenant);
    built.api ??= tenantApi(tenant, tenant.name === DEFAULT_TENANT ? host.tenants : undefined);
    built.api(req, res, next);
  });
  // The studio, then the runtime UI (and the JSON root for non-browser clients), after every API
  // route so API requests never touch the file system.
  app.use('/studio', studioRouter());
  app.use(uiRouter());
  app.use((req) => {
    throw notFound(`nothing at ${req.method} ${req.path}`);
  });
  app.use(problemHandler);
  return fastLane(
    {
      logger: host.logger,
      corsOrigins: new Set(host.corsOrigins),
      json: json('2mb'),
      async routesFor(req) {
        const tenant = await openTenant(req, false);
        return { tenant: tenant.name, routes: hotOf(tenant) };
      },
    },
    app,
  );
}

const isLogin = (req: Request) => req.method === 'POST' && req.path === '/v1/auth/login';

function namedAtLogin(req: Request): string {
  const named = (req.body as { tenant?: unknown } | undefined)?.tenant;
  return typeof named === 'string' && named !== '' ? named : DEFAULT_TENANT;
}

function tenantOfToken(req: IncomingMessage): string {
  const session = sessionToken(req);
  return session ? TenantRegistry.nameInToken(session.token) : DEFAULT_TENANT;
}
