import { Router } from 'express';
import type { Knex } from 'knex';
import type { MetadataService } from '../metadata/metadata.service.js';
import type { RecordsService } from '../records/records.service.js';
import type { AuthService } from '../security/auth.service.js';
import { explainAccess } from '../security/explain.js';
import type { SharesService } from '../security/shares.service.js';
import { callerOf } from './context.js';

/** Under /api/v1/records: a record's manual shares, and who may do what with it and why. */
export function sharingRouter(deps: {
  knex: Knex;
  metadata: MetadataService;
  records: RecordsService;
  auth: AuthService;
  shares: SharesService;
}): Router {
  const router = Router();
  const { shares } = deps;
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
    const explained = await explainAccess(
      {
        knex: deps.knex,
        schema: deps.metadata.schema,
        compiled: deps.metadata.compiled,
        records: deps.records,
        auth: deps.auth,
      },
      req.params.object,
      req.params.id,
      req.query.user,
      callerOf(req),
    );
    res.json(explained);
  });
  return router;
}
