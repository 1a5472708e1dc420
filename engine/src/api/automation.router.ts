import { Router } from 'express';
import type { AutomationService } from '../automation/automation.service.js';
import { accessOf, callerOf } from './context.js';

/**
 * GET /api/v1/automation/runs?workflow=&status=&record=&limit=&before=; GET …/runs/{id} (with
 * every action's attempts); POST …/runs/{id}/retry; POST …/runs/{id}/steps/{step}/replay (a
 * webhook sent again). For admins (manageMetadata).
 */
export function automationRouter(automation: AutomationService): Router {
  const router = Router();
  router.get('/runs', async (req, res) => {
    res.json({ runs: await automation.list(accessOf(req), req.query) });
  });
  router.get('/runs/:id', async (req, res) => {
    res.json(await automation.get(accessOf(req), req.params.id));
  });
  router.post('/runs/:id/retry', async (req, res) => {
    res.json(await automation.retry(accessOf(req), req.params.id));
  });
  router.post('/runs/:id/steps/:step/replay', async (req, res) => {
    res.json(await automation.replay(accessOf(req), req.params.id, req.params.step));
  });
  router.post('/workflows/:apiName/run', async (req, res) => {
    res.status(202).json(await automation.runManual(callerOf(req), req.params.apiName, req.body));
  });
  return router;
}
