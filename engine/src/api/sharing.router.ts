import { Router } from 'express';
import type { SharesService } from '../security/shares.service.js';
import type { Tenant } from '../tenants/tenant.js';
import { callerOf } from './context.js';

/** Under /api/v1/records: a record's manual shares, and who may do what with it and why. */
export function sharingRouter(shares: SharesService, explain: Tenant['explain']): Router {
  const router = Router();
  router.get('/:object/:id/shares', async (req, res) => {
    res.json({ data: await shares.list(req.params.object, req.params.id, callerOf(req)) });
  });
  router.post('/:object/:id/shares', async (req, res) => {
    res.status(201).json(await shares.add(req.params.object, req.params.id, req.body, callerOf(req)));
  });
  router.delete('/:object/:id/shares/:shareId', async (req, res) => {
    await shares.remove(req.params.object, req.params.id, req.params.shareId, callerOf(req));
    res.status(204).end();
  });
  router.get('/:object/:id/access', async (req, res) => {
    res.json(await explain(req.params.object, req.params.id, req.query.user, callerOf(req)));
  });
  return router;
}
