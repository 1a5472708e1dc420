import { Router } from 'express';
import type { RuleEditorService } from '../records/rule-test.js';
import { callerOf } from './context.js';

/**
 * The studio's rule editor, under /api/v1/meta/rules (behind meta-guard: manageMetadata). Check
 * answers what saving the rule would say; test evaluates it on a real record as the caller.
 * Neither changes anything.
 */
export function rulesRouter(rules: RuleEditorService): Router {
  const router = Router();
  router.get('/rules/operators', (_req, res) => {
    // The engine's allow-list is code: the same for every release and tenant.
    res.set('Cache-Control', 'private, max-age=300').json({ data: rules.operations() });
  });
  router.post('/rules/check', async (req, res) => {
    res.json(await rules.check(req.body));
  });
  router.post('/rules/test', async (req, res) => {
    res.json(await rules.test(req.body, callerOf(req)));
  });
  return router;
}
