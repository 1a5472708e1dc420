import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pg from 'pg';
import { uuidv7 } from '../src/lib/ids.js';
import { amountCurrency, REGIONS, STAGES } from './seed.js';

/**
 * What a developer would write by hand for the same endpoints (a list page, a create, a get and an
 * amount update by id): express + a pg Pool, one SQL statement per request, the records' JSON built by Postgres and passed through as text (a list
 * page's envelope added in JS), the checks written out in JS. It answers with exactly the JSON Tessera's records API
 * gives for `deal`.
 */

export interface Baseline {
  url: string;
  close(): Promise<void>;
}

export interface BaselineOptions {
  databaseUrl: string;
  schema: string;
  /** The whole Authorization header a request must carry. */
  authorization: string;
  /** Same as Tessera's knex pool on PostgreSQL (db/connect.ts). */
  poolMax: number;
  ownerId: string;
  /** The user of /list_private: their Authorization header, and the id whose deals they see. */
  privateUser?: { authorization: string; id: string };
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * One deal as Tessera's API shows it: system fields, then the fields; timestamps as JS
 * toISOString() prints them. `withCurrency`: the table has the ISO code column that newer
 * currency fields keep beside the amount, and the API shows it as `amount__currency`.
 */
const RECORD_JSON = (t: string, withCurrency: boolean) => `json_build_object(
  'id', ${t}.id, 'version', ${t}.version, 'owner_id', ${t}.owner_id,
  'created_at', to_char(${t}.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'created_by', ${t}.created_by,
  'updated_at', to_char(${t}.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'updated_by', ${t}.updated_by,
  'name', ${t}.name, 'stage', ${t}.stage, 'amount', ${t}.amount, ${withCurrency ? `'amount__currency', ${t}.amount__currency, ` : ''}
  'close_date', ${t}.close_date, 'region', ${t}.region)`;

/** Tessera's keyset cursor for sort -amount (id breaks ties): base64url of {"s":…,"v":[amount::text, id::text]}. */
const CURSOR = (t: string) => `translate(encode(convert_to(
  '{"s":"-amount,-id","v":[' || coalesce(to_json(${t}.amount::text)::text, 'null') || ',' || to_json(${t}.id::text)::text || ']}', 'UTF8'), 'base64'), E'+/=\\n', '-_')`;

/**
 * $1 stages, $2 minimum amount, $3 page size; `owned`: only the deals of user $4 (the hand-written
 * private list), read down the (owner_id, amount, id) index the engine built for the deal list
 * view. Reads one row more than the page to know whether there is a next one. One row comes back:
 * the page's records as JSON texts joined by commas (Postgres renders each record once and joins
 * the texts; wrapping them in json_agg and an envelope object would copy the page twice more),
 * how many rows the inner query found, and the cursor after the page's last record. Node adds
 * the envelope.
 */
export const listSql = (schema: string, withCurrency: boolean, owned = false) => `
select string_agg(${RECORD_JSON('p', withCurrency)}::text, ',' order by p.n) filter (where p.n <= $3) as data,
  count(*)::int as found,
  max(case when p.n = $3 then ${CURSOR('p')} end) as cursor
from (
  select d.*, row_number() over (order by d.amount desc, d.id desc) as n
  from ${ident(schema)}.deal d
  where d.deleted_at is null and d.stage = any($1::text[]) and d.amount >= $2${owned ? ' and d.owner_id = $4' : ''}
  order by d.amount desc, d.id desc
  limit $3::int + 1
) p`;

const createSql = (schema: string, withCurrency: boolean) => `
insert into ${ident(schema)}.deal as d (id, owner_id, created_by, updated_by, name, stage, amount, close_date, region${withCurrency ? ', amount__currency' : ''})
values ($1, $2, $2, $2, $3, $4, $5, $6, $7${withCurrency ? ', $8' : ''})
returning ${RECORD_JSON('d', withCurrency)}::text as body`;

const getSql = (schema: string, withCurrency: boolean) => `
select d.version, ${RECORD_JSON('d', withCurrency)}::text as body from ${ident(schema)}.deal d where d.id = $1 and d.deleted_at is null`;

/**
 * An amount change by id; the deal's other rule (a won deal needs a close date) is checked in the
 * statement against the stored stage and close date, which the change leaves as they are.
 */
const updateSql = (schema: string, withCurrency: boolean) => `
update ${ident(schema)}.deal as d set amount = $2${withCurrency ? ', amount__currency = $4' : ''}, version = d.version + 1, updated_at = now(), updated_by = $3
where d.id = $1 and d.deleted_at is null and not (d.stage = 'won' and d.close_date is null)
returning d.version, ${RECORD_JSON('d', withCurrency)}::text as body`;

const STAGE_SET = new Set<string>(STAGES);
const REGION_SET = new Set<string>(REGIONS);
const AMOUNT_BOUND = 1e16 - 0.005; // numeric(18,2)
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isDate(value: unknown): boolean {
  const m = typeof value === 'string' ? DATE.exec(value) : null;
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

interface FieldError {
  field: string;
  code: string;
  message: string;
}

/** The deal's field checks and its two validation rules, by hand. */
function checkDeal(body: unknown): { values?: unknown[]; errors: FieldError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { errors: [{ field: '/', code: 'type', message: 'expected an object' }] };
  const b = body as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(b)) {
    if (!['name', 'stage', 'amount', 'close_date', 'region'].includes(key))
      errors.push({ field: key, code: 'unknownField', message: `"${key}" is not a field of deal` });
  }
  const { name, stage = 'prospecting', amount = null, close_date: closeDate = null, region = null } = b;
  if (typeof name !== 'string' || name === '' || [...name].length > 255)
    errors.push({ field: 'name', code: 'required', message: 'name is required (up to 255 characters)' });
  if (typeof stage !== 'string' || !STAGE_SET.has(stage))
    errors.push({ field: 'stage', code: 'enum', message: 'stage must be one of the stages' });
  if (amount !== null && (typeof amount !== 'number' || !(Math.abs(amount) < AMOUNT_BOUND)))
    errors.push({ field: 'amount', code: 'type', message: 'amount must be a number' });
  if (closeDate !== null && !isDate(closeDate))
    errors.push({ field: 'close_date', code: 'format', message: 'close_date must be YYYY-MM-DD' });
  if (region !== null && (typeof region !== 'string' || !REGION_SET.has(region)))
    errors.push({ field: 'region', code: 'enum', message: 'region must be one of the regions' });
  if (errors.length) return { errors };
  if (typeof amount === 'number' && amount < 0)
    errors.push({ field: 'amount', code: 'validationRule', message: 'Amount cannot be negative' });
  if (stage === 'won' && !closeDate)
    errors.push({ field: 'close_date', code: 'validationRule', message: 'A won deal needs a close date' });
  return errors.length ? { errors } : { values: [name, stage, amount, closeDate, region], errors };
}

export async function startBaseline(options: BaselineOptions): Promise<Baseline> {
  // Idle connections live 30 s, as in Tessera's pool (knex's default). pg's own default, 10 s,
  // closed them between this side's rounds, and each round paid for new backends warming up.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolMax, idleTimeoutMillis: 30_000 });
  pool.on('error', (e) => console.error('baseline pool:', e.message));
  const currency = await amountCurrency(pool, options.schema);
  const withCurrency = currency !== null;
  const list = { name: 'baseline-list', text: listSql(options.schema, withCurrency) };
  const listOwned = { name: 'baseline-list-owned', text: listSql(options.schema, withCurrency, true) };
  const create = { name: 'baseline-create', text: createSql(options.schema, withCurrency) };
  const get = { name: 'baseline-get', text: getSql(options.schema, withCurrency) };
  const update = { name: 'baseline-update', text: updateSql(options.schema, withCurrency) };

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    res.set('X-Content-Type-Options', 'nosniff');
    // A token compare, where Tessera checks the session in the database on every request.
    const asPrivate =
      req.path === '/list_private' &&
      options.privateUser &&
      req.headers.authorization === options.privateUser.authorization;
    if (req.headers.authorization !== options.authorization && !asPrivate)
      return void res.status(401).json({ status: 401, title: 'Unauthorized' });
    next();
  });

  app.get(['/list', '/list_private'], async (req, res) => {
    const stages = typeof req.query.stages === 'string' ? req.query.stages.split(',') : [];
    const minAmount = Number(req.query.minAmount);
    const limit = req.query.limit === undefined ? 50 : Number(req.query.limit);
    if (
      !stages.length ||
      stages.some((s) => !STAGE_SET.has(s)) ||
      !Number.isFinite(minAmount) ||
      !Number.isInteger(limit) ||
      limit < 1 ||
      limit > 500
    ) {
      return void res.status(400).json({ status: 400, title: 'Bad request' });
    }
    const owner = req.path === '/list_private' ? options.privateUser?.id : undefined;
    const { rows } = owner
      ? await pool.query({ ...listOwned, values: [stages, minAmount, limit, owner] })
      : await pool.query({ ...list, values: [stages, minAmount, limit] });
    const { data, found, cursor } = rows[0] as { data: string | null; found: number; cursor: string | null };
    res
      .type('application/json')
      .send(`{"data":[${data ?? ''}],"nextCursor":${found > limit ? JSON.stringify(cursor) : 'null'}}`);
  });

  app.post('/create', express.json({ limit: '2mb' }), async (req, res) => {
    const { values, errors } = checkDeal(req.body);
    if (!values) return void res.status(422).json({ status: 422, title: 'Validation failed', errors });
    const id = uuidv7();
    // An amount is stored with the corporate currency's code, as Tessera does.
    const code = withCurrency ? [values[2] === null ? null : currency] : [];
    const { rows } = await pool.query({ ...create, values: [id, options.ownerId, ...values, ...code] });
    res.status(201).location(`/create/${id}`).type('application/json').send(rows[0].body);
  });

  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  app.get('/get/:id', async (req, res) => {
    if (!UUID.test(req.params.id)) return void res.status(404).json({ status: 404, title: 'Not found' });
    const { rows } = await pool.query({ ...get, values: [req.params.id] });
    if (!rows[0]) return void res.status(404).json({ status: 404, title: 'Not found' });
    res.set('ETag', `"${rows[0].version}"`).type('application/json').send(rows[0].body);
  });

  app.patch('/update/:id', express.json({ limit: '2mb' }), async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const keys = Object.keys(body ?? {});
    if (!UUID.test(req.params.id) || keys.length !== 1 || keys[0] !== 'amount')
      return void res.status(400).json({ status: 400, title: 'Bad request' });
    const { amount } = body;
    if (typeof amount !== 'number' || !(Math.abs(amount) < AMOUNT_BOUND))
      return void res.status(422).json({ status: 422, title: 'Validation failed' });
    if (amount < 0) return void res.status(422).json({ status: 422, title: 'Validation failed' });
    const code = withCurrency ? [currency] : [];
    const { rows } = await pool.query({ ...update, values: [req.params.id, amount, options.ownerId, ...code] });
    if (!rows[0]) return void res.status(404).json({ status: 404, title: 'Not found' });
    res.set('ETag', `"${rows[0].version}"`).type('application/json').send(rows[0].body);
  });

  app.use(((err, _req, res, _next) => {
    console.error('baseline:', err);
    res.status(500).json({ status: 500, title: 'Internal error' });
  }) as express.ErrorRequestHandler);

  const server = http.createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
