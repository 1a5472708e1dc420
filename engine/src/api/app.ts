import express, { type Express } from 'express';
import type { Knex } from 'knex';
import { notFound } from '../errors.js';
import type { MetadataService } from '../metadata/metadata.service.js';
import { CsvExporter } from '../records/csv-export.js';
import type { ImportJobs } from '../records/import-jobs.js';
import type { CurrencyService } from '../records/currencies.js';
import type { RecordsService } from '../records/records.service.js';
import type { AuthService } from '../security/auth.service.js';
import { authRouter, requireAuth } from './auth.router.js';
import { currenciesRouter } from './currencies.router.js';
import { csvRouter, importJobsRouter } from './import.router.js';
import { metaRouter } from './meta.router.js';
import { openApiRouter } from './openapi.router.js';
import { problemHandler } from './problem.js';
import { recordsRouter } from './records.router.js';
import { searchRouter } from './search.router.js';
import { securityHeaders } from './security-headers.js';
import { SetupAudit } from '../security/setup-audit.js';
import { SharesService } from '../security/shares.service.js';
import { UsersService } from '../security/users.service.js';
import { metaGuard } from './meta-guard.js';
import { sharingRouter } from './sharing.router.js';
import { setupAuditRouter, usersRouter } from './users.router.js';
import { uiRouter } from './ui.router.js';

export interface AppServices {
  knex: Knex;
  auth: AuthService;
  metadata: MetadataService;
  records: RecordsService;
  imports: ImportJobs;
  currencies: CurrencyService;
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: readonly string[];
  isReady: () => boolean;
}

export function buildApp(services: AppServices): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(securityHeaders(services.corsOrigins ?? []));
  const json = (limit: string) => express.json({ limit, type: ['application/json', 'application/*+json'] });
  // Bulk requests carry up to 10,000 records; everything else stays small.
  app.use('/api/v1/records/:object/bulk', json('25mb'));
  app.use(json('2mb'));

  app.get('/health', (_req, res) => {
    if (!services.isReady()) return void res.status(503).json({ status: 'starting' });
    res.json({ status: 'ok', release: services.metadata.compiled.release });
  });

  const compiled = () => services.metadata.compiled;
  const { knex } = services;
  const { schema } = services.metadata;
  const audit = new SetupAudit(knex, schema);
  app.use('/api/v1/auth', authRouter(services.auth, compiled, audit));
  // Public: the OpenAPI document and its Swagger UI describe metadata shapes, never records.
  app.use(openApiRouter(services.metadata));
  app.use('/api', requireAuth(services.auth, compiled));
  app.use('/api/v1/meta', metaGuard(compiled, audit), metaRouter(services.metadata, services.knex));
  app.use('/api/v1/users', usersRouter(new UsersService(knex, schema, compiled, audit)));
  app.use('/api/v1/setup-audit', setupAuditRouter(audit));
  // CSV export/import first: `/:object/export` would otherwise be read as a record id.
  app.use('/api/v1/records', csvRouter(new CsvExporter(services.knex, services.metadata.schema, compiled), services.imports));
  app.use('/api/v1/imports', importJobsRouter(services.imports));
  app.use('/api/v1/records', recordsRouter(services.records));
  app.use('/api/v1/records', sharingRouter({ knex, metadata: services.metadata, records: services.records, auth: services.auth, shares: new SharesService(knex, schema, compiled, services.records) }));
  app.use('/api/v1/search', searchRouter(services.knex, services.metadata));
  app.use('/api/v1/currencies', currenciesRouter(services.currencies));
  app.use('/api', (req) => {
    throw notFound(`no API route ${req.method} ${req.originalUrl.split('?')[0]}`);
  });
  // The runtime UI (and the JSON root for non-browser clients), after every API route so API
  // requests never touch the file system.
  app.use(uiRouter());
  app.use((req) => {
    throw notFound(`nothing at ${req.method} ${req.path}`);
  });
  app.use(problemHandler);
  return app;
}
