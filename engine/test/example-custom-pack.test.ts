import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectProblem } from './support/security.js';
import { startTestEngine, type ApiResponse, type TestEngine } from './support/test-engine.js';

/**
 * Issue 14 point 7: examples/custom-pack/README.md's walk-through through the API, on the files
 * the reader copies. Version 1 installs with its seeds; an admin renames, adds a field and a
 * picklist value, and books an event; version 2 upgrades over that, its conflicts resolved
 * keepMine; uninstall archives, and a reinstall brings every record and the customisation back.
 * examples/custom-pack/walkthrough.sh does the same with curl against `npm start`.
 */

const EXAMPLE = path.resolve(import.meta.dirname, '../../examples/custom-pack');
const CONFLICT_EN = 'object:ev.event/label/en';

let t: TestEngine;
let packs: string;
/** The records the walk-through makes, and one seed record. */
const ids = {} as Record<'client' | 'gala' | 'launch', string>;

const step = (what: string, query = '', body?: unknown) =>
  t.api('POST', `/api/v1/packs/event-planning/${what}${query}`, body);
const ok = (res: ApiResponse, status: number) => {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  return res.body;
};
const put = (version: 'v1' | 'v2') => {
  fs.rmSync(path.join(packs, 'event-planning'), { recursive: true, force: true });
  fs.cpSync(path.join(EXAMPLE, version), path.join(packs, 'event-planning'), { recursive: true });
};
const meta = async (name: string) => ok(await t.api('GET', `/api/v1/meta/objects/${name}`), 200);
const fieldsOf = async (name: string) =>
  Object.fromEntries((await meta(name)).fields.map((f: { apiName: string }) => [f.apiName, f]));
const list = async (object: string) => ok(await t.api('GET', `/api/v1/records/${object}?limit=200`), 200).data;
const read = async (object: string, id: string) => ok(await t.api('GET', `/api/v1/records/${object}/${id}`), 200);
const valuesOf = (field: { values: { value: string }[] }) => field.values.map((v) => v.value);

beforeAll(async () => {
  packs = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-example-pack-'));
  put('v1');
  t = await startTestEngine({ packsDir: packs });
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(packs, { recursive: true, force: true });
});

describe('the custom pack walk-through', () => {
  it('plans the install of version 1: its items, tables and seeds', async () => {
    const plan = ok(await step('install', '?dryRun=true'), 200);
    expect(plan).toMatchObject({ dryRun: true, from: null, to: '1.0.0', seeds: 4, conflicts: [] });
    const items = plan.items.map((i: { apiName: string; action: string }) => `${i.apiName}:${i.action}`);
    expect(items).toEqual(
      expect.arrayContaining(['ev_venue:add', 'ev_event:add', 'ev_event_layout:add', 'ev_event_upcoming:add']),
    );
    const tables = plan.plan.map((p: { table: string }) => p.table);
    expect(tables).toEqual(expect.arrayContaining(['ev_venue', 'ev_event']));
    expect((await t.api('GET', '/api/v1/records/ev_event')).status).toBe(404);
  });

  it('installs it: the objects, the account field and the seed records', async () => {
    ok(await step('install'), 201);
    const events = await list('ev_event');
    expect(events.map((e: { name: string }) => e.name).sort()).toEqual(['Spring product launch', 'Summer team dinner']);
    const launch = events.find((e: { name: string }) => e.name === 'Spring product launch');
    ids.launch = launch.id;
    expect(launch.revenue).toBe(250 * 85);
    expect((await list('ev_venue')).map((v: { id: string }) => v.id)).toContain(launch.venue);
    expect(await fieldsOf('account')).toHaveProperty('ev_catering_notes');
    const backwards = await t.api('POST', '/api/v1/records/ev_event', {
      name: 'Backwards',
      starts_on: '2026-05-02',
      ends_on: '2026-05-01',
    });
    expectProblem(backwards, 422);
    expect(backwards.body.errors).toContainEqual(
      expect.objectContaining({ field: 'ends_on', code: 'validationRule', rule: 'ends_after_start' }),
    );
  });

  it('takes the admin’s customisation and records', async () => {
    const event = await meta('ev_event');
    event.label = { en: 'Booking', 'zh-CN': '预订' };
    const byName = (n: string) => event.fields.find((f: { apiName: string }) => f.apiName === n);
    byName('guests').label = { en: 'Headcount', 'zh-CN': '人数' };
    byName('status').values.push({ value: 'postponed', label: { en: 'Postponed', 'zh-CN': '已延期' } });
    event.fields.push({ apiName: 'dress_code', type: 'text', label: { en: 'Dress code', 'zh-CN': '着装要求' } });
    ok(await t.api('PUT', '/api/v1/meta/objects/ev_event', event), 200);
    ok(await t.api('POST', '/api/v1/meta/publish'), 201);

    const client = ok(
      await t.api('POST', '/api/v1/records/account', { name: 'Acme', ev_catering_notes: 'Two vegan guests' }),
      201,
    );
    ids.client = client.id;
    const gala = ok(
      await t.api('POST', '/api/v1/records/ev_event', {
        name: 'Acme winter gala',
        client: ids.client,
        starts_on: '2026-12-12',
        status: 'postponed',
        guests: 120,
        price_per_guest: 100,
        dress_code: 'Black tie',
      }),
      201,
    );
    ids.gala = gala.id;
  });

  it('plans the upgrade to version 2: what it brings, what the admin keeps, the conflicts', async () => {
    put('v2');
    const plan = ok(await step('upgrade', '?dryRun=true'), 200);
    expect(plan).toMatchObject({ from: '1.0.0', to: '1.1.0' });
    const item = (name: string) => plan.items.find((i: { apiName: string }) => i.apiName === name);
    expect(item('ev_session')).toMatchObject({ action: 'add' });
    expect(item('ev_session_all')).toMatchObject({ action: 'add' });
    const event = item('ev_event');
    expect(event.action).toBe('update');
    // The admin's relabelled and extended fields are theirs; the pack's changed ones land.
    expect(event.kept).toEqual(expect.arrayContaining(['/fields/ev.event.guests', '/fields/ev.event.status']));
    expect(event.taken).toEqual(['/fields/ev.event.format', '/fields/ev.event.revenue', '/fields/ev.event.budget']);
    expect(item('account')).toMatchObject({ action: 'update', taken: ['/fields/ev.account.preferred_venue'] });
    // Both renamed the object: one conflict per language.
    expect(plan.conflicts.map((c: { key: string }) => c.key)).toEqual([CONFLICT_EN, 'object:ev.event/label/zh-CN']);
    expect(plan.conflicts.find((c: { key: string }) => c.key === CONFLICT_EN)).toMatchObject({
      mine: 'Booking',
      theirs: 'Event booking',
    });
    const open = await step('upgrade');
    expectProblem(open, 409);
    expect(open.body.errors).toContainEqual(expect.objectContaining({ field: CONFLICT_EN, code: 'packConflict' }));
  });

  it('upgrades keeping the customisation, and version 2’s additions land', async () => {
    const conflicts = ok(await step('upgrade', '?dryRun=true'), 200).conflicts as { key: string }[];
    const resolutions = Object.fromEntries(conflicts.map((c) => [c.key, 'keepMine']));
    ok(await step('upgrade', '', { resolutions }), 201);

    const event = await meta('ev_event');
    expect(event.label).toEqual({ en: 'Booking', 'zh-CN': '预订' });
    const fields = await fieldsOf('ev_event');
    expect(fields.guests.label).toEqual({ en: 'Headcount', 'zh-CN': '人数' });
    expect(fields).toHaveProperty('dress_code');
    expect(fields).toHaveProperty('budget');
    expect(valuesOf(fields.status)).toEqual(['planned', 'confirmed', 'cancelled', 'postponed']);
    expect(valuesOf(fields.format)).toEqual(['in_person', 'online', 'hybrid']);
    expect(await fieldsOf('account')).toHaveProperty('ev_preferred_venue');
    // The pack's new formula: revenue with a 10% service charge.
    expect((await read('ev_event', ids.launch)).revenue).toBeCloseTo(250 * 85 * 1.1, 2);
    expect(await read('ev_event', ids.gala)).toMatchObject({ dress_code: 'Black tie', status: 'postponed' });
    ok(
      await t.api('POST', '/api/v1/records/ev_session', {
        title: 'Opening toast',
        event: ids.gala,
        starts_at: '2026-12-12T19:00:00Z',
      }),
      201,
    );
    ok(await t.api('PATCH', `/api/v1/records/ev_event/${ids.gala}`, { format: 'hybrid', budget: 15000 }), 200);
  });

  it('uninstalls keeping the data archived; the records are not served meanwhile', async () => {
    const plan = ok(await step('uninstall', '?dryRun=true'), 200);
    const lossy = plan.plan.filter((p: { lossy: boolean }) => p.lossy).map((p: { table: string }) => p.table);
    expect(lossy).toEqual(expect.arrayContaining(['ev_venue', 'ev_event', 'ev_session']));
    expectProblem(await step('uninstall'), 409);
    ok(await step('uninstall', '?confirmLossy=true'), 201);
    for (const object of ['ev_venue', 'ev_event', 'ev_session'])
      expect((await t.api('GET', `/api/v1/records/${object}`)).status).toBe(404);
    expect(await fieldsOf('account')).not.toHaveProperty('ev_catering_notes');
    expect((await read('account', ids.client)).name).toBe('Acme');
  });

  it('reinstalls with every record and the customisation back, and no second load of the seeds', async () => {
    const plan = ok(await step('install', '?dryRun=true'), 200);
    expect(plan.seeds).toBe(0);
    ok(await step('install'), 201);
    expect((await list('ev_venue')).length).toBe(2);
    expect((await list('ev_event')).map((e: { name: string }) => e.name).sort()).toEqual([
      'Acme winter gala',
      'Spring product launch',
      'Summer team dinner',
    ]);
    expect(await read('ev_event', ids.gala)).toMatchObject({
      dress_code: 'Black tie',
      status: 'postponed',
      format: 'hybrid',
      budget: 15000,
      client: ids.client,
    });
    expect((await list('ev_session')).map((s: { title: string }) => s.title)).toEqual(['Opening toast']);
    expect((await read('account', ids.client)).ev_catering_notes).toBe('Two vegan guests');
    expect((await meta('ev_event')).label).toEqual({ en: 'Booking', 'zh-CN': '预订' });
    expect((await fieldsOf('ev_event')).guests.label).toEqual({ en: 'Headcount', 'zh-CN': '人数' });
    const listed = ok(await t.api('GET', '/api/v1/packs'), 200).data;
    expect(listed).toContainEqual(
      expect.objectContaining({ name: 'event-planning', installed: expect.objectContaining({ version: '1.1.0' }) }),
    );
  });
});
