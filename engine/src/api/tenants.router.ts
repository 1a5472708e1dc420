import { Router } from 'express';
import { forbidden } from '../security/access.js';
import type { SetupAudit } from '../security/setup-audit.js';
import type { TenantRegistry } from '../tenants/registry.js';
import { accessOf } from './context.js';

/**
 * /api/v1/tenants on the default tenant: its admins list and create tenants. A new tenant gets
 * its own schema, first admin (the generated password is answered once) and the core pack.
 */
export function tenantsRouter(registry: TenantRegistry, audit: SetupAudit): Router {
  const router = Router();
  router.use((req, _res, next) => {
    if (!accessOf(req).isAdmin)
      throw forbidden(
        'only an admin of the default tenant manages tenants',
        'tenant',
        'platformAdmin',
        'ask a platform admin',
      );
    next();
  });
  router.get('/', async (_req, res) => {
    res.json({ data: await registry.list() });
  });
  router.post('/', async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const created = await registry.create({
      name: body.name,
      adminEmail: body.adminEmail,
      adminPassword: body.adminPassword,
    });
    await audit.note(accessOf(req).userId, 'tenant.create', created.tenant.name, {
      adminEmail: created.adminEmail,
    });
    res.status(201).json({
      name: created.tenant.name,
      schema: created.tenant.schema,
      adminEmail: created.adminEmail,
      ...(created.adminPassword ? { adminPassword: created.adminPassword } : {}),
    });
  });
  return router;
}
