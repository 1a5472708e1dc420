import { Router } from 'express';
import type { Notifications } from '../automation/notifications.js';
import { accessOf } from './context.js';

/**
 * GET /api/v1/notifications?unread=&limit=&before= (the caller's own, with the unread count);
 * POST …/{id}/read; POST …/read (all of them).
 */
export function notificationsRouter(notifications: Notifications): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await notifications.list(accessOf(req).userId, req.query));
  });
  router.post('/read', async (req, res) => {
    res.json(await notifications.markAllRead(accessOf(req).userId));
  });
  router.post('/:id/read', async (req, res) => {
    await notifications.markRead(accessOf(req).userId, req.params.id);
    res.status(204).end();
  });
  return router;
}
