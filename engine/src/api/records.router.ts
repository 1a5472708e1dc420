import { Router, type Request, type Response } from 'express';
import { Problem } from '../errors.js';
import type { RecordJson, RecordsService } from '../records/records.service.js';
import { callerOf } from './context.js';

/** A record answered as the JSON text Postgres built, with its version as the ETag. */
export function sendRecord(res: Response, record: RecordJson): void {
  res.set('ETag', `"${record.version}"`).type('application/json').send(record.json);
}

export function ifMatchVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match)
    throw new Problem('bad-request', 'If-Match must be the ETag of the record', [
      { field: 'If-Match', code: 'format', message: 'expected "<version>"' },
    ]);
  return Number(match[1]);
}

function idempotencyKey(req: Request): string | undefined {
  const key = req.get('Idempotency-Key');
  if (key !== undefined && !/^[\x21-\x7e]{1,200}$/.test(key)) {
    throw new Problem('bad-request', 'Idempotency-Key must be 1 to 200 visible ASCII characters', [
      { field: 'Idempotency-Key', code: 'format', message: 'for example a UUID' },
    ]);
  }
  return key;
}

export function recordsRouter(records: RecordsService): Router {
  const router = Router();
  // GET and POST /:object (a list page, a create) have flat routes of their own: hot-routes.ts.
  router.get('/:object/aggregate', async (req, res) => {
    const { groupBy, metrics, filter, currency, rateDate } = req.query;
    res.json({
      data: await records.aggregate(req.params.object, { groupBy, metrics, filter, currency, rateDate }, callerOf(req)),
    });
  });
  // Bulk routes come before /:object/:id, which would otherwise take "bulk" for an id.
  router.post('/:object/bulk', async (req, res) => {
    const { result, replayed } = await records.bulk(req.params.object, req.body, callerOf(req), idempotencyKey(req));
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.json(result);
  });
  router.patch('/:object/bulk', async (req, res) => {
    const { result, replayed } = await records.bulkUpdate(
      req.params.object,
      req.body,
      callerOf(req),
      idempotencyKey(req),
    );
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.json(result);
  });
  router.post('/:object/bulk-delete', async (req, res) => {
    const { result, replayed } = await records.bulkDelete(
      req.params.object,
      req.body,
      callerOf(req),
      idempotencyKey(req),
    );
    if (replayed) res.set('Idempotent-Replayed', 'true');
    res.json(result);
  });
  // By a UUID, GET, PATCH and DELETE /:object/:id take flat routes of their own (hot-routes.ts);
  // these answer any other id (404, after the object's checks).
  router.get('/:object/:id', async (req, res) => {
    sendRecord(res, await records.get(req.params.object, req.params.id, callerOf(req)));
  });
  router.get('/:object/:id/history', async (req, res) => {
    res.json({ data: await records.history(req.params.object, req.params.id, callerOf(req)) });
  });
  router.patch('/:object/:id', async (req, res) => {
    const ifMatch = ifMatchVersion(req.get('If-Match'));
    sendRecord(res, await records.update(req.params.object, req.params.id, req.body, callerOf(req), ifMatch));
  });
  router.delete('/:object/:id', async (req, res) => {
    await records.delete(req.params.object, req.params.id, callerOf(req));
    res.status(204).end();
  });
  router.post('/:object/:id/restore', async (req, res) => {
    sendRecord(res, await records.restore(req.params.object, req.params.id, callerOf(req)));
  });
  router.post('/:object/:id/purge', async (req, res) => {
    await records.purge(req.params.object, req.params.id, callerOf(req));
    res.status(204).end();
  });
  return router;
}
