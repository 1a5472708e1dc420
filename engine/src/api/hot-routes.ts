import type { IncomingMessage } from 'node:http';
import type { ParsedUrlQuery } from 'node:querystring';
import type { RecordJson } from '../records/records.service.js';
import type { Tenant } from '../tenants/tenant.js';
import { signIn } from './auth.router.js';
import { fusedCall } from './context.js';
import { ifMatchVersion } from './records.router.js';

/**
 * A list page, a single create, and a get, update and delete by id: the requests integrations
 * and the UI make most. They are answered straight on Node's request and response objects
 * (fast-lane.ts), and by express's flat routes (app.ts) when a request needs more than that lane
 * does; either way from here, and their session check rides in the statement that does the work
 * (signIn's `fused`). Everything else about them is what every API route has: the tenant of the
 * token, the same session rules, problem+json errors.
 */

/** One hot request, whichever lane it came by. */
export interface HotCall {
  req: IncomingMessage;
  object: string;
  /** The record's id; empty for a list page or a create. */
  id: string;
  /** The query string as express's 'simple' parser reads it (node:querystring). */
  query: ParsedUrlQuery;
  /** The JSON body, parsed. */
  body: unknown;
}

/** The answer: JSON text (none for a 204), with its version's ETag and, for a create, its address. */
export interface HotAnswer {
  status: 200 | 201 | 204;
  body?: string;
  etag?: string;
  location?: string;
}

type Handler = (call: HotCall) => Promise<HotAnswer>;

export interface HotRoutes {
  list: Handler;
  create: Handler;
  get: Handler;
  update: Handler;
  remove: Handler;
}

const recordAnswer = (record: RecordJson): HotAnswer => ({
  status: 200,
  body: record.json,
  etag: `"${record.version}"`,
});

export function hotRoutes(tenant: Tenant): HotRoutes {
  const { records } = tenant;
  const check = signIn(tenant.auth, () => tenant.metadata.compiled);
  return {
    async list({ req, object, query }) {
      await check(req, true);
      const { filter, sort, fields, limit, cursor, deleted, count } = query;
      const page = await fusedCall(req, (caller) =>
        records.list(object, { filter, sort, fields, limit, cursor, deleted, count }, caller),
      );
      // The records are JSON already (built by Postgres); only the envelope is assembled here.
      const tail = {
        nextCursor: page.nextCursor,
        ...(page.count === undefined ? {} : { count: page.count, countType: page.countType }),
      };
      return { status: 200, body: `{"data":[${page.records}],${JSON.stringify(tail).slice(1)}` };
    },
    async create({ req, object, body }) {
      await check(req, true);
      const record = await fusedCall(req, (caller) => records.create(object, body, caller));
      return {
        status: 201,
        body: record.json,
        etag: `"${record.version}"`,
        location: `/api/v1/records/${object}/${record.id}`,
      };
    },
    async get({ req, object, id }) {
      await check(req, true);
      return recordAnswer(await fusedCall(req, (caller) => records.get(object, id, caller)));
    },
    async update({ req, object, id, body }) {
      await check(req, true);
      const ifMatch = ifMatchVersion(req.headers['if-match']);
      return recordAnswer(await fusedCall(req, (caller) => records.update(object, id, body, caller, ifMatch)));
    },
    async remove({ req, object, id }) {
      await check(req, true);
      await fusedCall(req, (caller) => records.delete(object, id, caller));
      return { status: 204 };
    },
  };
}
