import { Router } from 'express';
import type { Approvals } from '../automation/approvals.js';
import { callerOf } from './context.js';

/**
 * A record's approval (mounted under /api/v1/records): POST /{object}/{id}/approval submits it,
 * GET lists its approvals with every task, POST …/approval/recall takes a pending one back.
 */
export function recordApprovalRouter(approvals: Approvals): Router {
  const router = Router();
  router.post('/:object/:id/approval', async (req, res) => {
    res.status(201).json(await approvals.submit(callerOf(req), req.params.object, req.params.id, req.body));
  });
  router.get('/:object/:id/approval', async (req, res) => {
    res.json({ data: await approvals.history(callerOf(req), req.params.object, req.params.id) });
  });
  router.post('/:object/:id/approval/recall', async (req, res) => {
    res.json(await approvals.recall(callerOf(req), req.params.object, req.params.id, req.body));
  });
  return router;
}

/** An approver's queue (GET /api/v1/approvals/mine) and their decisions and delegations on tasks. */
export function approvalsRouter(approvals: Approvals): Router {
  const router = Router();
  router.get('/mine', async (req, res) => {
    res.json({ data: await approvals.mine(callerOf(req)) });
  });
  router.post('/:id/decision', async (req, res) => {
    res.json(await approvals.decide(callerOf(req), req.params.id, req.body));
  });
  router.post('/:id/delegate', async (req, res) => {
    res.json(await approvals.delegate(callerOf(req), req.params.id, req.body));
  });
  return router;
}
