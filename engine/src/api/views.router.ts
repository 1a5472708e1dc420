import { Router } from 'express';
import type { UserViewsService } from '../views/user-views.service.js';
import { accessOf } from './context.js';

/** /api/v1/views/{object}: the caller's own saved list views of an object (engine/src/views). */
export function viewsRouter(views: UserViewsService): Router {
  const router = Router();
  router.get('/:object', async (req, res) => {
    res.json({ data: await views.list(req.params.object, accessOf(req)) });
  });
  router.post('/:object', async (req, res) => {
    const view = await views.create(req.params.object, req.body, accessOf(req));
    res.status(201).location(`${req.baseUrl}/${req.params.object}/${view.id}`).json(view);
  });
  router.get('/:object/:id', async (req, res) => {
    res.json(await views.get(req.params.object, req.params.id, accessOf(req)));
  });
  router.patch('/:object/:id', async (req, res) => {
    res.json(await views.update(req.params.object, req.params.id, req.body, accessOf(req)));
  });
  router.delete('/:object/:id', async (req, res) => {
    await views.remove(req.params.object, req.params.id, accessOf(req));
    res.status(204).end();
  });
  return router;
}
