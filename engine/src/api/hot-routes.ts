import type { Request, Response } from 'express';
import type { Tenant } from '../tenants/tenant.js';
import { signIn } from './auth.router.js';
import { fusedCall } from './context.js';
import { ifMatchVersion, sendRecord } from './records.router.js';

/**
 * A list page, a single create, and a get, update and delete by id: the requests integrations
 * and the UI make most. The host app (app.ts) routes them here from one flat route each, rather
 * than down the tenant's nested routers, whose prefix matching ran on every request; and their
 * session check rides in the statement that does the work (signIn's `fused`). Everything else
 * about them is what every API route has: the tenant of the token, the same session rules,
 * problem+json errors.
 */

type Handler = (req: Request, res: Response) => Promise<void>;

export interface HotRoutes {
  list: Handler;
  create: Handler;
  get: Handler;
  update: Handler;
  remove: Handler;
}

export function hotRoutes(tenant: Tenant): HotRoutes {
  const { records } = tenant;
  const check = signIn(tenant.auth, () => tenant.metadata.compiled);
  return {
    async list(req, res) {
      await check(req, true);
      const { filter, sort, fields, limit, cursor, deleted, count } = req.query;
      const page = await fusedCall(req, (caller) =>
        records.list(String(req.params.object), { filter, sort, fields, limit, cursor, deleted, count }, caller),
      );
      // The records are JSON already (built by Postgres); only the envelope is assembled here.
      const tail = {
        nextCursor: page.nextCursor,
        ...(page.count === undefined ? {} : { count: page.count, countType: page.countType }),
      };
      res.type('application/json').send(`{"data":[${page.records}],${JSON.stringify(tail).slice(1)}`);
    },
    async create(req, res) {
      await check(req, true);
      const object = String(req.params.object);
      const record = await fusedCall(req, (caller) => records.create(object, req.body, caller));
      res
        .status(201)
        .location(`/api/v1/records/${object}/${record.id}`)
        .set('ETag', `"${record.version}"`)
        .type('application/json')
        .send(record.json);
    },
    async get(req, res) {
      await check(req, true);
      const { object, id } = req.params as { object: string; id: string };
      sendRecord(res, await fusedCall(req, (caller) => records.get(object, id, caller)));
    },
    async update(req, res) {
      await check(req, true);
      const ifMatch = ifMatchVersion(req.get('If-Match'));
      const { object, id } = req.params as { object: string; id: string };
      sendRecord(res, await fusedCall(req, (caller) => records.update(object, id, req.body, caller, ifMatch)));
    },
    async remove(req, res) {
      await check(req, true);
      const { object, id } = req.params as { object: string; id: string };
      await fusedCall(req, (caller) => records.delete(object, id, caller));
      res.status(204).end();
    },
  };
}
