import { afterAll, beforeAll, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';
let t: TestEngine;
beforeAll(async () => { t = await startTestEngine(); });
afterAll(() => t?.close());
const log = (...a: unknown[]) => console.log(JSON.stringify(a));
it('probe', async () => {
  let r = await t.api('POST', '/api/v1/meta/objects', { apiName: 'pz_target', label: 'T', pluralLabel: 'Ts', nameField: 'name', fields: [{ apiName: 'name', type: 'text', label: 'Name' }] });
  log('obj', r.status, r.body);
  r = await t.api('POST', '/api/v1/meta/objects', { apiName: 'pz_w', label: 'W', pluralLabel: 'Ws', nameField: 'name', fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    { apiName: 'dt', type: 'datetime', label: 'DT' },
    { apiName: 'j', type: 'json', label: 'J' },
    { apiName: 'tm', type: 'time', label: 'T' },
    { apiName: 'auto', type: 'autonumber', label: 'A', format: 'W-{0000}' },
    { apiName: 'md', type: 'masterDetail', label: 'MD', target: 'pz_target' },
  ] });
  log('obj2', r.status, r.body?.errors);
  r = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
  log('pub', r.status, r.body?.release, r.body?.errors);
  const tg = await t.api('POST', '/api/v1/records/pz_target', { name: 'T1' });
  log('tg', tg.status, tg.body);
  for (const body of [
    { name: 'a', dt: '2024-03-10T15:30:00+02:00', j: [1, 'x'], tm: '09:30', md: tg.body.id },
    { name: 'b', dt: '2024-03-10T15:30:00.123456Z', j: { a: '\u0000' }, md: tg.body.id },
    { name: 'c\u0000', md: tg.body.id },
    { name: 'd', dt: '2016-12-31T23:59:60Z', md: tg.body.id },
    { name: 'e', dt: '2024-03-10 15:30', md: tg.body.id },
    { name: 'f', dt: '2024-03-10t15:30:00z', md: tg.body.id },
    { name: 'g', j: { a: '\ud800' }, md: tg.body.id },
    { name: '\ud800', md: tg.body.id },
    { name: 'h', j: 'str', tm: '23:59:59.5', md: tg.body.id },
  ]) {
    const c = await t.api('POST', '/api/v1/records/pz_w', body);
    log('create', c.status, c.body);
  }
  r = await t.api('GET', '/api/v1/records/pz_w?sort=created_at&limit=2');
  log('page1', r.status, r.body.data.map((x: any) => [x.name, x.created_at]), r.body.nextCursor && Buffer.from(r.body.nextCursor, 'base64url').toString());
  r = await t.api('GET', '/api/v1/records/pz_w?sort=created_at&limit=2&cursor=' + r.body.nextCursor);
  log('page2', r.status, r.body.data?.map((x: any) => [x.name, x.created_at]));
  log(await t.sql(`select name, created_at::text, dt::text from "${t.schema}".pz_w`));
  log(await t.sql(`select table_name, column_name from information_schema.columns where table_schema = ? order by 1,2`, [t.schema]).then(x => x.length));
  r = await t.api('GET', '/api/v1/meta/releases');
  log('rel', r.body);
  r = await t.api('GET', `/api/v1/records/pz_w?filter=${encodeURIComponent(JSON.stringify({ name: { contains: 'a\u0000' } }))}`);
  log('filt nul', r.status, r.body);
  r = await t.api('GET', `/api/v1/records/pz_w?filter=${encodeURIComponent(JSON.stringify({ name: { eq: 'a\u0000' } }))}`);
  log('filt nul eq', r.status, r.body);
  r = await t.api('GET', `/api/v1/records/pz_w?filter=${encodeURIComponent(JSON.stringify({ dt: { eq: '2016-12-31T23:59:60Z' } }))}`);
  log('filt leap', r.status, r.body);
});
