import { Router } from 'express';
import { notFound } from '../errors.js';
import type { TenantRegistry } from '../tenants/registry.js';
import type { Tenant } from '../tenants/tenant.js';
import { authRouter, requireAuth } from './auth.router.js';
import { approvalsRouter, recordApprovalRouter } from './approvals.router.js';
import { automationRouter } from './automation.router.js';
import { notificationsRouter } from './notifications.router.js';
import { currenciesRouter } from './currencies.router.js';
import { csvRouter, importJobsRouter } from './import.router.js';
import { metaGuard } from './meta-guard.js';
import { metaRouter } from './meta.router.js';
import { packsRouter } from './packs.router.js';
import { recordsRouter } from './records.router.js';
import { rulesRouter } from './rules.router.js';
import { searchRouter } from './search.router.js';
import { sharingRouter } from './sharing.router.js';
import { tenantsRouter } from './tenants.router.js';
import { readAuditRouter, setupAuditRouter, usersRouter } from './users.router.js';
import { viewsRouter } from './views.router.js';

/**
 * Everything under /api for one tenant, built from that tenant's services only. The host app
 * (app.ts) picks the tenant of each request and hands the request to this router.
 */
export function tenantApi(tenant: Tenant, registry?: TenantRegistry): Router {
  const api = Router();
  const { metadata, records, auth, imports, currencies, audit } = tenant;
  const compiled = () => metadata.compiled;
  api.use('/v1/auth', authRouter(auth, compiled, audit));
  api.use(requireAuth(auth, compiled));
  api.use(
    '/v1/meta',
    metaGuard(compiled, audit, async (name) => (await metadata.edits.get('object', name))?.sharing),
    rulesRouter(tenant.rules),
    metaRouter(metadata, tenant.users, tenant.indexes),
  );
  api.use('/v1/packs', packsRouter(tenant.packs, compiled, audit));
  api.use('/v1/users', usersRouter(tenant.users));
  api.use('/v1/setup-audit', setupAuditRouter(audit));
  api.use('/v1/read-audit', readAuditRouter(records));
  // Only the default tenant's admins manage tenants.
  if (registry) api.use('/v1/tenants', tenantsRouter(registry, audit));
  // CSV export/import first: `/:object/export` would otherwise be read as a record id.
  api.use('/v1/records', csvRouter(tenant.exporter, imports));
  api.use('/v1/imports', importJobsRouter(imports));
  api.use('/v1/records', recordsRouter(records));
  api.use('/v1/records', sharingRouter(tenant.shares, tenant.explain));
  api.use('/v1/records', recordApprovalRouter(tenant.approvals));
  api.use('/v1/approvals', approvalsRouter(tenant.approvals));
  api.use('/v1/search', searchRouter(tenant.search));
  api.use('/v1/views', viewsRouter(tenant.views));
  api.use('/v1/currencies', currenciesRouter(currencies, audit));
  api.use('/v1/automation', automationRouter(tenant.automation));
  api.use('/v1/notifications', notificationsRouter(tenant.notifications));
  api.use((req) => {
    throw notFound(`no API route ${req.method} ${req.originalUrl.split('?')[0]}`);
  });
  return api;
}
