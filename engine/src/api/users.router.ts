import { Router } from 'express';
import { badRequest } from '../errors.js';
import type { SetupAudit } from '../security/setup-audit.js';
import type { RecordsService } from '../records/records.service.js';
import type { UsersService } from '../security/users.service.js';
import { accessOf } from './context.js';

/** /api/v1/users: people and their grants. /api/v1/setup-audit: who changed setup, read-only. */
export function usersRouter(users: UsersService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json({ data: await users.list(accessOf(req), { q: req.query.q, limit: req.query.limit }) });
  });
  router.post('/', async (req, res) => {
    const user = await users.create(req.body, accessOf(req));
    res
      .status(201)
      .location(`${req.baseUrl}/${user.id as string}`)
      .json(user);
  });
  router.get('/:id', async (req, res) => {
    res.json(await users.get(req.params.id, accessOf(req)));
  });
  router.patch('/:id', async (req, res) => {
    res.json(await users.update(req.params.id, req.body, accessOf(req)));
  });
  return router;
}

export function setupAuditRouter(audit: SetupAudit): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    accessOf(req).requireSystem('manageUsers');
    const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
    const before = req.query.before === undefined ? undefined : Number(req.query.before);
    const bad =
      !Number.isInteger(limit) || limit < 1 || limit > 500 || (before !== undefined && !Number.isInteger(before));
    if (bad)
      throw badRequest('limit is 1 to 500 and before a sequence number', [
        { field: 'limit', code: 'range', message: 'limit 1 to 500; before a whole number' },
      ]);
    res.json({ data: await audit.list(limit, before) });
  });
  return router;
}

/** /api/v1/read-audit: who was shown the audited fields of which record (`auditReads`), read-only. */
export function readAuditRouter(records: RecordsService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const text = (name: string) => {
      const value = req.query[name];
      return typeof value === 'string' ? value : undefined;
    };
    const number = (name: string) => (req.query[name] === undefined ? undefined : Number(req.query[name]));
    const query = {
      object: text('object'),
      recordId: text('recordId'),
      userId: text('userId'),
      limit: number('limit'),
      before: number('before'),
    };
    const given = Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
    res.json({ data: await records.readAudit(given, accessOf(req)) });
  });
  return router;
}
