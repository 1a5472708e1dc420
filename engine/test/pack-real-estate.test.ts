import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, expectProblem, publish, waitFor, type TestUser } from './support/security.js';
import { expectPurgeRefusedWhileReferenced, expectSeedFailureLeavesNothing } from './support/packs.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * Issue 14 point 5: the real estate pack (plugins/real-estate) installed by the engine itself.
 * Every object takes a record, every rule refuses a bad one, the layouts, list views, dashboard,
 * workflows, approval process, roles and permission sets exist, the commission rollup adds up,
 * the workflows do what they say, an agent sees what an agent should; then version 2
 * (fixtures/packs/real-estate-v2) upgrades over an admin's customisation, and an uninstall keeps
 * the data for a reinstall. Seed records are not asserted on: their loader is built separately.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const PACK = path.resolve(here, '../../plugins/real-estate');
const V2 = path.resolve(here, 'fixtures/packs/real-estate-v2');
const OBJECTS = ['property', 'agent', 'listing', 'showing', 'offer', 'transaction', 'commission'].map((k) => `re_${k}`);

let t: TestEngine;
let dir: string;
let agentUser: TestUser;
let brokerUser: TestUser;
type Key =
  'owner' | 'buyer' | 'property' | 'agent' | 'listing' | 'showing' | 'offer' | 'manualCommission' | 'transaction';
/** The records the tests create, by role. */
const ids = {} as Record<Key, string>;

const step = (what: string, query = '', body?: unknown) =>
  t.api('POST', `/api/v1/packs/real-estate/${what}${query}`, body);
const created = (res: ApiResponse) => {
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
const create = async (object: string, values: Record<string, unknown>) =>
  created(await t.api('POST', `/api/v1/records/${object}`, values));
const read = async (object: string, id: string) => (await t.api('GET', `/api/v1/records/${object}/${id}`)).body;
const ofTransaction = () => encodeURIComponent(JSON.stringify({ transaction: ids.transaction }));
const runsOf = async (workflow: string) =>
  (await t.api('GET', `/api/v1/automation/runs?workflow=${workflow}&limit=200`)).body.runs as {
    status: string;
    error?: string;
  }[];
/** The pack's file names of one kind, as its pack.json lists them. */
const manifest = JSON.parse(fs.readFileSync(path.join(PACK, 'pack.json'), 'utf8'));
const apiNamesOf = (kind: string) =>
  (manifest[kind] as string[]).map((file) => JSON.parse(fs.readFileSync(path.join(PACK, file), 'utf8')).apiName);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-re-'));
  fs.cpSync(PACK, path.join(dir, 'real-estate'), { recursive: true });
  t = await startTestEngine({ packsDir: dir });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('installing the real estate pack', () => {
  it('lists it, and a dry run plans every item it brings', async () => {
    const listed = (await t.api('GET', '/api/v1/packs')).body.data;
    expect(listed).toContainEqual(
      expect.objectContaining({ name: 'real-estate', namespace: 're', available: '1.0.0' }),
    );
    const plan = await step('install', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body.conflicts).toEqual([]);
    const planned = plan.body.items.map((i: { apiName: string; action: string }) => `${i.apiName}:${i.action}`);
    const kinds = [
      'objects',
      'layouts',
      'listViews',
      'dashboards',
      'roles',
      'permissionSets',
      'workflows',
      'approvalProcesses',
    ];
    const expected = kinds.flatMap((k) => apiNamesOf(k)).map((n) => `${n}:add`);
    expect(expected.length).toBeGreaterThan(30);
    expect(planned).toEqual(expect.arrayContaining(expected));
    for (const o of OBJECTS) expect(plan.body.plan.some((p: { table: string }) => p.table === o)).toBe(true);
  });

  it('installs nothing when a seed record is refused after its tables are written', async () => {
    await expectSeedFailureLeavesNothing(t, step, path.join(dir, 'real-estate'), 'seed/transactions.json', (r) => {
      r.closing_date = 'not a date';
    });
  });

  it('installs in one publish; every item is there afterwards', async () => {
    const installed = await step('install');
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    const routes: [string, string][] = [
      ['objects', 'objects'],
      ['layouts', 'layouts'],
      ['listViews', 'list-views'],
      ['dashboards', 'dashboards'],
      ['roles', 'roles'],
      ['permissionSets', 'permission-sets'],
      ['workflows', 'workflows'],
      ['approvalProcesses', 'approval-processes'],
    ];
    for (const [kind, route] of routes)
      for (const name of apiNamesOf(kind)) {
        const res = await t.api('GET', `/api/v1/meta/${route}/${name}`);
        expect(res.status, `${route}/${name}: ${JSON.stringify(res.body)}`).toBe(200);
      }
    const board = (await t.api('GET', '/api/v1/meta/list-views/re_listing_all')).body;
    expect(board.kanban).toEqual({ groupBy: 'status', summary: 'list_price' });
    // The object files are English only; the zh-CN texts come from translations/zh-CN.json.
    const property = (await t.api('GET', '/api/v1/meta/objects/re_property')).body;
    expect(property).toMatchObject({
      label: { en: 'Property', 'zh-CN': '房产' },
      pluralLabel: { en: 'Properties', 'zh-CN': '房产' },
    });
    const type = property.fields.find((f: { apiName: string }) => f.apiName === 'property_type');
    expect(type.label).toEqual({ en: 'Property Type', 'zh-CN': '房产类型' });
    expect(type.values.find((v: { value: string }) => v.value === 'house').label).toEqual({
      en: 'House',
      'zh-CN': '独栋住宅',
    });
    expect(property.validationRules[0].message).toEqual({
      en: 'Area must be greater than zero.',
      'zh-CN': '面积必须大于零。',
    });
    const translated = JSON.parse(fs.readFileSync(path.join(PACK, 'translations', 'zh-CN.json'), 'utf8'));
    for (const object of OBJECTS) {
      const def = (await t.api('GET', `/api/v1/meta/objects/${object}`)).body;
      for (const item of [def, ...def.fields]) expect(item.label['zh-CN'], item.id).toBe(translated[item.id].label);
    }
    const offerLayout = (await t.api('GET', '/api/v1/meta/layouts/re_offer_layout')).body;
    expect(offerLayout.fieldRules.rejection_reason.requiredWhen).toEqual({ '==': [{ var: 'status' }, 'rejected'] });
    const broker = (await t.api('GET', '/api/v1/meta/roles/re_agent_role')).body;
    expect(broker.parent).toBe('re_broker');
    // The pack's roles and permission sets are published: users can hold them.
    agentUser = await createUser(t, { name: 'RE agent', role: 're_agent_role', permissionSets: ['re_agent_user'] });
    brokerUser = await createUser(t, { name: 'RE broker', role: 're_broker', permissionSets: ['re_broker_user'] });
  });

  it('takes a record on every object', async () => {
    ids.owner = await create('contact', { first_name: 'Olive', last_name: 'Owner' });
    ids.buyer = await create('contact', { first_name: 'Bruno', last_name: 'Buyer' });
    ids.property = await create('re_property', {
      name: '1 Test Road',
      property_type: 'house',
      bedrooms: 3,
      bathrooms: 1.5,
      area: 120.5,
      year_built: 1999,
      address: { street: '1 Test Road', city: 'Testville', country: 'US' },
      owner: ids.owner,
    });
    ids.agent = await create('re_agent', {
      name: 'Ann Agent',
      email: 'ann@example.test',
      phone: '+1 555 0100',
      license_number: 'RE-T-1',
      commission_rate: 3,
      active: true,
    });
    ids.listing = await create('re_listing', {
      name: 'Test house',
      property: ids.property,
      agent: ids.agent,
      list_price: 500000,
      status: 'active',
      listed_on: '2026-03-01',
    });
    ids.showing = await create('re_showing', {
      listing: ids.listing,
      agent: ids.agent,
      client: ids.buyer,
      scheduled_at: '2026-03-05T10:00:00Z',
      outcome: 'interested',
    });
    ids.offer = await create('re_offer', { listing: ids.listing, buyer: ids.buyer, amount: 480000 });
    expect((await read('re_offer', ids.offer)).status).toBe('submitted');
    ids.manualCommission = await create('re_commission', { agent: ids.agent, amount: 1000 });
    expect((await read('re_showing', ids.showing)).showing_number).toMatch(/^SHW-\d{5}$/);
  });

  it('refuses bad records, naming the rule', async () => {
    const refused = async (object: string, values: Record<string, unknown>, field: string, rule: string) => {
      const res = await t.api('POST', `/api/v1/records/${object}`, values);
      expectProblem(res, 422);
      expect(res.body.errors, JSON.stringify(res.body)).toContainEqual(
        expect.objectContaining({ field, code: 'validationRule', rule }),
      );
    };
    await refused('re_offer', { listing: ids.listing, amount: 0 }, 'amount', 'amount_positive');
    await refused('re_offer', { listing: ids.listing, amount: -5 }, 'amount', 'amount_positive');
    await refused(
      're_transaction',
      { listing: ids.listing, listed_on: '2026-03-01', closing_date: '2026-02-01', sale_price: 1 },
      'closing_date',
      'closing_after_listing',
    );
    await refused('re_agent', { name: 'Greedy', commission_rate: 120 }, 'commission_rate', 'commission_rate_range');
    await refused(
      're_listing',
      { name: 'Free', property: ids.property, list_price: 0 },
      'list_price',
      'list_price_positive',
    );
    // The layout rule: a rejected offer needs its reason.
    const noReason = await t.api('POST', '/api/v1/records/re_offer', {
      listing: ids.listing,
      amount: 1,
      status: 'rejected',
    });
    expectProblem(noReason, 422, [{ field: 'rejection_reason', code: 'required' }]);
    await create('re_offer', { listing: ids.listing, amount: 1, status: 'rejected', rejection_reason: 'Too low' });
  });
});

describe('automation and rollups', () => {
  it('puts the listing under offer when an offer is accepted', async () => {
    const patched = await t.api('PATCH', `/api/v1/records/re_offer/${ids.offer}`, { status: 'accepted' });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    await waitFor(
      async () => ((await read('re_listing', ids.listing)).status === 'under_offer' ? true : undefined),
      'the listing under offer',
    );
    const runs = await runsOf('re_offer_accepted');
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
  });

  it('records the commission of a new transaction, marks the listing sold, and sums it on the agent', async () => {
    ids.transaction = await create('re_transaction', {
      listing: ids.listing,
      offer: ids.offer,
      agent: ids.agent,
      listed_on: '2026-03-01',
      closing_date: '2026-04-15',
      sale_price: 480000,
      commission_rate: 3,
    });
    expect((await read('re_transaction', ids.transaction)).commission_amount).toBe(14400);
    const commissions = await waitFor(async () => {
      const list = await t.api('GET', `/api/v1/records/re_commission?filter=${ofTransaction()}`);
      return list.body.data.length > 0 ? list.body.data : undefined;
    }, 'the commission of the transaction');
    expect(commissions).toEqual([expect.objectContaining({ agent: ids.agent, amount: 14400 })]);
    await waitFor(
      async () => ((await read('re_listing', ids.listing)).status === 'sold' ? true : undefined),
      'the listing sold',
    );
    // The rollup: the commission created by hand plus the workflow's.
    expect((await read('re_agent', ids.agent)).total_commissions).toBe(1000 + 14400);
    expect((await t.api('DELETE', `/api/v1/records/re_commission/${ids.manualCommission}`)).status).toBe(204);
    expect((await read('re_agent', ids.agent)).total_commissions).toBe(14400);
  });

  it('answers every widget of the dashboard; commission by agent names the agent', async () => {
    const board = (await t.api('GET', '/api/v1/meta/dashboards/re_sales')).body;
    expect(board.widgets).toHaveLength(5);
    const answers: Record<string, { data: Record<string, unknown>[] }> = {};
    for (const w of board.widgets) {
      const q = new URLSearchParams({
        metrics: w.metric,
        ...(w.groupBy ? { groupBy: w.groupBy } : {}),
        ...(w.filter ? { filter: JSON.stringify(w.filter) } : {}),
      });
      const res = await t.api('GET', `/api/v1/records/${w.object}/aggregate?${q}`);
      expect(res.status, `${w.id}: ${JSON.stringify(res.body)}`).toBe(200);
      answers[w.id] = res.body;
    }
    // Commission by agent: a total per agent (seeded agents included), each naming its agent.
    const top = answers['re.dashboard.sales.top_agents']!.data;
    expect(top.length).toBeGreaterThan(1);
    expect(top.every((r) => typeof r.agent === 'string' || typeof (r.agent as { id?: string })?.id === 'string')).toBe(
      true,
    );
    // This file's agent's total, by the same aggregate.
    const mine = new URLSearchParams({ metrics: 'sum:amount', filter: JSON.stringify({ agent: { eq: ids.agent } }) });
    const total = (await t.api('GET', `/api/v1/records/re_commission/aggregate?${mine}`)).body.data[0];
    expect(Number(total['sum:amount'])).toBe(14400);
    const listings = (await t.api('GET', '/api/v1/records/re_listing?limit=200')).body.data as { status: string }[];
    expect(answers['re.dashboard.sales.listings_by_status']!.data).toContainEqual(
      expect.objectContaining({ status: 'sold', count: listings.filter((l) => l.status === 'sold').length }),
    );
  });

  it('sends an offer of a million or more to a broker for approval', async () => {
    const big = await create('re_offer', { listing: ids.listing, buyer: ids.buyer, amount: 1_200_000 });
    const small = await create('re_offer', { listing: ids.listing, buyer: ids.buyer, amount: 900_000 });
    expect((await t.api('POST', `/api/v1/records/re_offer/${small}/approval`, {})).status).toBe(422);
    const submitted = await t.api('POST', `/api/v1/records/re_offer/${big}/approval`, {});
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.body).toMatchObject({ process: 're_large_offer', status: 'pending', stepName: 'broker' });
    const task = await waitFor(async () => {
      const { data } = (await brokerUser.api('GET', '/api/v1/approvals/mine')).body;
      return (data as any[]).find((x) => x.approval.recordId === big);
    }, "the broker's approval task");
    const decided = await brokerUser.api('POST', `/api/v1/approvals/${task.id}/decision`, { decision: 'approve' });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    await waitFor(async () => ((await read('re_offer', big)).status === 'accepted' ? true : undefined), 'accepted');
  });
});

describe('permission sets', () => {
  it('lets an agent work listings, showings and offers, but not commissions', async () => {
    const showing = await agentUser.api('POST', '/api/v1/records/re_showing', {
      listing: ids.listing,
      scheduled_at: '2026-05-01T09:00:00Z',
    });
    expect(showing.status, JSON.stringify(showing.body)).toBe(201);
    expect((await agentUser.api('GET', '/api/v1/records/re_listing')).status).toBe(200);
    const agent = await agentUser.api('GET', `/api/v1/records/re_agent/${ids.agent}`);
    expect(agent.status).toBe(200);
    expect(agent.body.name).toBe('Ann Agent');
    expect(agent.body).not.toHaveProperty('total_commissions');
    // An object the caller may not read is answered as if it did not exist.
    expectProblem(await agentUser.api('GET', '/api/v1/records/re_commission'), 404);
    expectProblem(await agentUser.api('POST', '/api/v1/records/re_transaction', { listing: ids.listing }), 403);
  });

  it("reminds a showing's owner two hours before it (the clock controlled)", async () => {
    const at = (iso: string) => t.engine.automation.schedule(new Date(iso));
    await at(new Date().toISOString());
    const showing = created(
      await agentUser.api('POST', '/api/v1/records/re_showing', {
        listing: ids.listing,
        scheduled_at: '2027-03-10T10:00:00Z',
      }),
    );
    const number = (await read('re_showing', showing)).showing_number;
    const reminders = async () =>
      (await runsOf('re_showing_reminder')).filter((r) => (r as { recordId?: string }).recordId === showing);
    await at('2027-03-10T07:59:59Z');
    expect(await reminders()).toHaveLength(0);
    await at('2027-03-10T08:00:00Z');
    await waitFor(async () => {
      const runs = await reminders();
      return runs.length === 1 && runs[0]!.status === 'succeeded' ? runs : undefined;
    }, 'the reminder run');
    const mine = (await agentUser.api('GET', '/api/v1/notifications')).body.data;
    expect(mine).toContainEqual(
      expect.objectContaining({ title: `Showing ${number} in two hours`, object: 're_showing', recordId: showing }),
    );
  });

  it('lets a broker see every commission and transaction', async () => {
    const list = await brokerUser.api('GET', '/api/v1/records/re_commission');
    expect(list.status).toBe(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toContain(
      (await t.api('GET', `/api/v1/records/re_commission?filter=${ofTransaction()}`)).body.data[0].id,
    );
    expect((await brokerUser.api('GET', `/api/v1/records/re_transaction/${ids.transaction}`)).status).toBe(200);
    expect((await brokerUser.api('GET', `/api/v1/records/re_agent/${ids.agent}`)).body.total_commissions).toBe(14400);
  });
});

describe('upgrading to version 2, uninstalling and reinstalling', () => {
  it("merges version 2 over the admin's customisation", async () => {
    const property = (await t.api('GET', '/api/v1/meta/objects/re_property')).body;
    property.fields.find((f: { apiName: string }) => f.apiName === 'bedrooms').label = { en: 'Beds', 'zh-CN': '床位' };
    property.fields.push({ apiName: 'parking_spaces', type: 'integer', label: { en: 'Parking', 'zh-CN': '车位' } });
    expect((await t.api('PUT', '/api/v1/meta/objects/re_property', property)).status).toBe(200);
    await publish(t, {});

    fs.rmSync(path.join(dir, 'real-estate'), { recursive: true });
    fs.cpSync(V2, path.join(dir, 'real-estate'), { recursive: true });
    const plan = await step('upgrade', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    expect(plan.body).toMatchObject({ from: '1.0.0', to: '2.0.0' });
    expect(plan.body.items).toContainEqual(expect.objectContaining({ apiName: 're_listing_sold', action: 'add' }));
    const resolutions = Object.fromEntries(
      plan.body.conflicts.map((c: { key: string }) => [c.key, 'keepMine' as const]),
    );
    const upgraded = await step('upgrade', '', { resolutions });
    expect(upgraded.status, JSON.stringify(upgraded.body)).toBe(201);

    const after = (await t.api('GET', '/api/v1/meta/objects/re_property')).body;
    const fields = Object.fromEntries(after.fields.map((f: { apiName: string }) => [f.apiName, f]));
    expect(fields.bedrooms.label).toEqual({ en: 'Beds', 'zh-CN': '床位' });
    expect(fields.parking_spaces).toBeDefined();
    expect(fields.energy_rating).toBeDefined();
    expect(fields.property_type.values.map((v: { value: string }) => v.value)).toContain('townhouse');
    expect((await t.api('GET', '/api/v1/meta/objects/re_listing')).body.label.en).toBe('Property Listing');
    expect((await t.api('GET', '/api/v1/meta/list-views/re_listing_sold')).status).toBe(200);
    expect((await read('re_property', ids.property)).name).toBe('1 Test Road');
    const townhouse = await t.api('PATCH', `/api/v1/records/re_property/${ids.property}`, {
      property_type: 'townhouse',
      energy_rating: 'b',
    });
    expect(townhouse.status, JSON.stringify(townhouse.body)).toBe(200);
  });

  it("refuses a purge while the admin's own metadata names its objects", async () => {
    await expectPurgeRefusedWhileReferenced(t, step, 're_property');
  });

  it('uninstalls keeping the data, and a reinstall brings it back', async () => {
    const plan = await step('uninstall', '?dryRun=true');
    expect(plan.status, JSON.stringify(plan.body)).toBe(200);
    const lossy = plan.body.plan.filter((p: { lossy: boolean }) => p.lossy).map((p: { table: string }) => p.table);
    expect(lossy).toEqual(expect.arrayContaining(OBJECTS));
    expectProblem(await step('uninstall'), 409);
    const gone = await step('uninstall', '?confirmLossy=true');
    expect(gone.status, JSON.stringify(gone.body)).toBe(201);
    expect((await t.api('GET', '/api/v1/records/re_property')).status).toBe(404);
    const back = await step('install');
    expect(back.status, JSON.stringify(back.body)).toBe(201);
    const property = await read('re_property', ids.property);
    expect(property).toMatchObject({ name: '1 Test Road', property_type: 'townhouse' });
    expect((await read('re_agent', ids.agent)).total_commissions).toBe(14400);
    const meta = (await t.api('GET', '/api/v1/meta/objects/re_property')).body;
    expect(meta.fields.map((f: { apiName: string }) => f.apiName)).toContain('parking_spaces');
  });
});
