import type pg from 'pg';

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The benchmark's data: a custom object `deal` made through the metadata API like an admin
 * would, then rows written straight into its table with one INSERT … SELECT, and the indexes
 * both servers share.
 */

export const STAGES = [
  'prospecting',
  'qualification',
  'discovery',
  'proposal',
  'negotiation',
  'commit',
  'won',
  'lost',
] as const;
export const REGIONS = ['na', 'emea', 'apac', 'latam', 'anz'] as const;

export const DEAL = {
  apiName: 'deal',
  label: 'Deal',
  pluralLabel: 'Deals',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name', required: true },
    {
      apiName: 'stage',
      type: 'picklist',
      label: 'Stage',
      required: true,
      isStage: true,
      default: 'prospecting',
      values: STAGES.map((value) => ({ value })),
    },
    { apiName: 'amount', type: 'currency', label: 'Amount' },
    { apiName: 'close_date', type: 'date', label: 'Close date' },
    { apiName: 'region', type: 'picklist', label: 'Region', values: REGIONS.map((value) => ({ value })) },
  ],
  // Private: a user without viewAll sees the deals they own (list_private workload); the admin sees all.
  sharing: { default: 'private' },
  // json-logic; true means the record is not valid
  validationRules: [
    {
      apiName: 'amount_not_negative',
      condition: { '<': [{ var: 'amount' }, 0] },
      message: 'Amount cannot be negative',
      errorField: 'amount',
    },
    {
      apiName: 'won_needs_close_date',
      condition: { and: [{ '==': [{ var: 'stage' }, 'won'] }, { '!': [{ var: 'close_date' }] }] },
      message: 'A won deal needs a close date',
      errorField: 'close_date',
    },
  ],
};

/**
 * The code newer Tessera versions store beside each currency amount written without one (the
 * tenant's corporate currency, records/currencies.ts), or null when the table has no such column.
 */
export async function amountCurrency(db: pg.Client | pg.Pool, schema: string): Promise<string | null> {
  const column = await db.query(
    `select 1 from information_schema.columns where table_schema = $1 and table_name = 'deal' and column_name = 'amount__currency'`,
    [schema],
  );
  if (!column.rowCount) return null;
  const setting = await db.query(
    `select value #>> '{}' as code from ${ident(schema)}._settings where key = 'corporateCurrency'`,
  );
  return (setting.rows[0]?.code as string | undefined) ?? 'USD';
}

type Api = (method: string, path: string, body?: unknown) => Promise<{ status: number; body: any }>;

/** Reads deals, nothing more; with api_user it may call the API with a bearer token. */
export const DEAL_READER = { apiName: 'deal_reader', label: 'Deal reader', objects: { deal: { read: true } } };

/** Draft and publish `deal` (and the deal_reader permission set) through the metadata API. */
export async function createDealObject(api: Api): Promise<void> {
  const saved = await api('POST', '/api/v1/meta/objects', DEAL);
  if (saved.status !== 201)
    throw new Error(`saving the deal object failed: ${saved.status} ${JSON.stringify(saved.body)}`);
  const set = await api('POST', '/api/v1/meta/permission-sets', DEAL_READER);
  if (set.status !== 201)
    throw new Error(`saving the deal_reader permission set failed: ${set.status} ${JSON.stringify(set.body)}`);
  const published = await api('POST', '/api/v1/meta/publish');
  if (published.status !== 201)
    throw new Error(`publishing failed: ${published.status} ${JSON.stringify(published.body)}`);
}

/**
 * The view the list workloads read: deals by amount, highest first. On a private object each
 * list-view sort gets an (owner_id, <sort>, id) index from the engine (schema/list-indexes.ts),
 * so the rep's own deals are read down (owner_id, amount, id) as the admin's are down (amount, id).
 */
export const DEAL_VIEW = {
  apiName: 'deal_pipeline',
  object: 'deal',
  label: 'Pipeline',
  columns: ['name', 'stage', 'amount', 'close_date', 'region'],
  sort: '-amount',
};
/** The columns of the index the engine builds for DEAL_VIEW, as pg_indexes prints them. */
export const VIEW_INDEX = '(owner_id, amount, id)';

/**
 * Saves and publishes DEAL_VIEW. Run after the rows are in: the publish builds the view's index
 * on the whole table, as it would for an admin adding the view to a live object.
 */
export async function publishDealView(api: Api): Promise<void> {
  const saved = await api('POST', '/api/v1/meta/list-views', DEAL_VIEW);
  if (saved.status !== 201)
    throw new Error(`saving the deal list view failed: ${saved.status} ${JSON.stringify(saved.body)}`);
  const published = await api('POST', '/api/v1/meta/publish');
  if (published.status !== 201)
    throw new Error(`publishing the list view failed: ${published.status} ${JSON.stringify(published.body)}`);
}

/** Names of the indexes on deal with exactly these columns, e.g. "(owner_id, amount, id)". */
export async function indexesOn(client: pg.Client, schema: string, columns: string): Promise<string[]> {
  const { rows } = await client.query(
    `select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = 'deal'`,
    [schema],
  );
  return rows.filter((r) => r.indexdef.endsWith(`USING btree ${columns}`)).map((r) => r.indexname as string);
}

/**
 * Rows with CRM-like shapes: most deals early in the funnel, amounts spread log-uniformly from
 * about 400 to 440,000 (2% unknown), close dates around today (missing on a third of open
 * deals, never on won ones, as the rule demands), regions weighted towards North America.
 * `offset 0` keeps each row's random() draws from being inlined and re-drawn per use.
 */
const seedSql = (schema: string, withCurrency: boolean) => `
insert into ${ident(schema)}.deal (id, owner_id, created_at, created_by, updated_at, updated_by, version, name, stage, amount, close_date, region${withCurrency ? ', amount__currency' : ''})
select gen_random_uuid(), $1::uuid, ts, $1::uuid, ts, $1::uuid, 1,
  'Deal ' || g,
  case when r1 < 0.25 then 'prospecting' when r1 < 0.43 then 'qualification' when r1 < 0.57 then 'discovery'
       when r1 < 0.69 then 'proposal' when r1 < 0.77 then 'negotiation' when r1 < 0.82 then 'commit'
       when r1 < 0.92 then 'won' else 'lost' end,
  case when r2 < 0.02 then null else round(exp(6 + r3 * 7)::numeric, 2) end,
  case when r1 >= 0.82 or r4 < 0.67 then current_date + (r5 * 365 - 180)::int end,
  case when r6 < 0.35 then 'na' when r6 < 0.65 then 'emea' when r6 < 0.85 then 'apac' when r6 < 0.95 then 'latam' else 'anz' end
  ${withCurrency ? ', case when r2 < 0.02 then null else $3 end' : ''}
from (
  select g, now() - random() * interval '730 days' as ts,
    random() as r1, random() as r2, random() as r3, random() as r4, random() as r5, random() as r6
  from generate_series(1, $2::int) g offset 0
) s`;

export async function seedDeals(client: pg.Client, schema: string, rows: number, ownerId: string): Promise<void> {
  const currency = await amountCurrency(client, schema);
  await client.query(
    seedSql(schema, currency !== null),
    currency === null ? [ownerId, rows] : [ownerId, rows, currency],
  );
}

/**
 * The indexes the seed adds; both servers read the same table, so they share them and the
 * engine's own (the primary key, (owner_id, id), and DEAL_VIEW's (owner_id, amount, id), which
 * the seed does not build again). (amount, id) serves `order by amount desc, id desc` — the sort
 * of the list workload, id being Tessera's tie-break — read backwards until the filter is met;
 * (stage, amount) is the index the issue names, for stage-first plans.
 */
export const INDEXES = [
  ['deal_amount_id_ix', '(amount, id)'],
  ['deal_stage_amount_ix', '(stage, amount)'],
] as const;

export async function createIndexes(client: pg.Client, schema: string): Promise<void> {
  for (const [name, columns] of INDEXES)
    await client.query(`create index ${ident(name)} on ${ident(schema)}.deal ${columns}`);
  await client.query(`vacuum analyze ${ident(schema)}.deal`);
}

/**
 * Gives `userId` about 1% of the deals (those whose id hashes to 0 mod 100): the rows a private
 * list of that user sees. Runs before the indexes and VACUUM ANALYZE.
 */
export async function assignOwner(client: pg.Client, schema: string, userId: string): Promise<number> {
  const { rowCount } = await client.query(
    `update ${ident(schema)}.deal set owner_id = $1 where abs(hashtext(id::text)) % 100 = 0`,
    [userId],
  );
  return rowCount ?? 0;
}
