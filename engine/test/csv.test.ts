import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * CSV export and import against a real engine: round trips through both, filters, the import
 * job's modes and its error report, header matching by label, and a 20,000-row export.
 */

let t: TestEngine;
const ITEM = 'csv_item';
const BIG = 'csv_big';
const RECORDS = '/api/v1/records';

beforeAll(async () => {
  t = await startTestEngine();
  const item = await t.api('POST', '/api/v1/meta/objects', {
    apiName: ITEM,
    label: { en: 'CSV item', 'zh-CN': 'CSV 条目' },
    pluralLabel: 'CSV items',
    nameField: 'title',
    fields: [
      { apiName: 'title', type: 'text', label: { en: 'Title', 'zh-CN': '标题' }, required: true },
      { apiName: 'code', type: 'text', label: { en: 'Item Code', 'zh-CN': '条目代码' }, unique: true, maxLength: 40 },
      { apiName: 'qty', type: 'integer', label: { en: 'Quantity', 'zh-CN': '数量' } },
      { apiName: 'price', type: 'currency', label: { en: 'Price', 'zh-CN': '价格' } },
      { apiName: 'ratio', type: 'percent', label: 'Ratio' },
      { apiName: 'active', type: 'boolean', label: 'Active', default: true },
      { apiName: 'due', type: 'date', label: 'Due' },
      { apiName: 'seen_at', type: 'datetime', label: 'Seen at' },
      {
        apiName: 'stage',
        type: 'picklist',
        label: 'Stage',
        values: [
          { value: 'new', label: { en: 'New', 'zh-CN': '新建' } },
          { value: 'won', label: { en: 'Won', 'zh-CN': '赢单' } },
        ],
      },
      { apiName: 'tags', type: 'multipicklist', label: 'Tags', values: [{ value: 'hot' }, { value: 'big' }] },
      { apiName: 'account', type: 'lookup', label: 'Account', target: 'account' },
      { apiName: 'addr', type: 'address', label: 'Address' },
      { apiName: 'geo', type: 'geolocation', label: 'Location' },
      { apiName: 'extra', type: 'json', label: 'Extra' },
      { apiName: 'notes', type: 'textarea', label: 'Notes' },
    ],
  });
  if (item.status !== 201) throw new Error(JSON.stringify(item.body));
  const big = await t.api('POST', '/api/v1/meta/objects', {
    apiName: BIG,
    label: 'Big',
    pluralLabel: 'Bigs',
    nameField: 'title',
    fields: [
      { apiName: 'title', type: 'text', label: 'Title' },
      { apiName: 'n', type: 'integer', label: 'N' },
    ],
  });
  if (big.status !== 201) throw new Error(JSON.stringify(big.body));
  const published = await t.api('POST', '/api/v1/meta/publish', { confirmLossy: true });
  if (published.status !== 201) throw new Error(JSON.stringify(published.body));
});
afterAll(() => t?.close());

const count = async (table = ITEM) =>
  (await t.sql('select count(*)::int as n from ?? where deleted_at is null', [`${t.schema}.${table}`]))[0].n as number;
const csv = (rows: (string | number)[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const importCsv = (body: string, query = '', object = ITEM) =>
  t.api('POST', `${RECORDS}/${object}/import${query}`, body, { 'content-type': 'text/csv' });
const readCsv = (text: string): Record<string, string>[] => parse(text, { columns: true });

async function exportCsv(query = '', object = ITEM) {
  const res = await fetch(`${t.url}${RECORDS}/${object}/export${query}`, {
    headers: { authorization: `Bearer ${t.token}` },
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Polls the job until it is completed or failed (bounded: a stuck job fails the test). */
async function finished(id: string) {
  for (let i = 0; i < 600; i++) {
    const res = await t.api('GET', `/api/v1/imports/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import ${id} did not finish`);
}

async function runImport(body: string, query = '', object = ITEM) {
  const res = await importCsv(body, query, object);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.headers.get('location')).toBe(`/api/v1/imports/${res.body.id}`);
  expect(res.body).toMatchObject({ object, status: 'queued' });
  return finished(res.body.id);
}

async function errorReport(id: string) {
  const res = await t.api('GET', `/api/v1/imports/${id}/errors.csv`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/csv');
  return readCsv(res.body as string);
}

function expectProblem(res: { status: number; headers: Headers; body: any }, status: number) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(res.body.status).toBe(status);
}

describe('CSV export', () => {
  const tricky = [
    {
      title: 'Plain',
      code: 'RT-1',
      qty: -3,
      price: -1080.25,
      ratio: 12.5,
      active: false,
      due: '2026-03-01',
      seen_at: '2026-03-01T09:30:00.123Z',
      stage: 'won',
      tags: ['hot', 'big'],
      addr: { street: '1 "Quay", Floor 2\nBack door', city: 'Lyon', state: null, postalCode: '69001', country: 'FR' },
      geo: { latitude: 45.76, longitude: -4.84 },
      extra: { a: [1, '=x'], b: null },
      notes: 'line 1\r\nline 2, "quoted"',
    },
    { title: '=1+1', code: 'RT-2', notes: '@SUM(A1:A2)', qty: 0, price: { amount: 99.5, currency: 'EUR' } },
    { title: '多字节 ünïcödé 🎉', code: 'RT-3', notes: '=HYPERLINK("http://example.com","click")' },
    { title: 'comma, "quote"', code: '-RT-4', notes: '+1 555 0100' },
    { title: '\t=1+1 tab', code: 'RT-5', notes: "'=already marked" },
  ];
  const FORMULA_LIKE = new Set([
    '=1+1',
    '@SUM(A1:A2)',
    '=HYPERLINK("http://example.com","click")',
    '-RT-4',
    '+1 555 0100',
    '\t=1+1 tab',
    "'=already marked",
  ]);

  it('round-trips quotes, commas, newlines, unicode and formula-like text, neutralised', async () => {
    const created = await t.api('POST', `${RECORDS}/${ITEM}/bulk`, { records: tricky });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const filter = encodeURIComponent(JSON.stringify({ code: { in: tricky.map((r) => r.code) } }));
    const res = await exportCsv(`?format=csv&filter=${filter}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${ITEM}.csv"`);
    expect(res.text.split('\r\n')[0]).toBe(
      'id,title,code,qty,price,price__currency,ratio,active,due,seen_at,stage,tags,account,addr,geo,extra,notes',
    );

    const exported = readCsv(res.text);
    const ids: string[] = created.body.results.map((r: { id: string }) => r.id);
    expect(exported.map((r) => r.id).sort()).toEqual([...ids].sort());
    // in the order of `tricky`, by id
    const rows = ids.map((id) => exported.find((r) => r.id === id)!);
    const plain = rows[0]!;
    expect(plain).toMatchObject({
      title: 'Plain',
      code: 'RT-1',
      qty: '-3',
      price: '-1080.25',
      price__currency: 'USD',
      ratio: '12.50',
      active: 'false',
      due: '2026-03-01',
      seen_at: '2026-03-01T09:30:00.123Z',
      stage: 'won',
      tags: 'hot;big',
      account: '',
      notes: 'line 1\r\nline 2, "quoted"',
    });
    expect(JSON.parse(plain.addr!)).toEqual(tricky[0]!.addr);
    expect(JSON.parse(plain.geo!)).toEqual(tricky[0]!.geo);
    expect(JSON.parse(plain.extra!)).toEqual(tricky[0]!.extra);
    // negative numbers stay numbers
    expect(plain.qty).toBe('-3');
    expect(rows[1]!.qty).toBe('0');
    expect(rows[1]!.active).toBe('true');
    expect([rows[1]!.price, rows[1]!.price__currency]).toEqual(['99.50', 'EUR']);

    // every text cell reads back as its value, with a leading ' exactly when it looks like a formula
    for (const [i, record] of tricky.entries()) {
      for (const key of ['title', 'code', 'notes'] as const) {
        const value = record[key];
        expect(rows[i]![key], `${key} of row ${i}`).toBe(FORMULA_LIKE.has(value) ? `'${value}` : value);
      }
    }
    // nothing in the file starts a cell with a formula trigger
    for (const row of rows)
      for (const [key, cell] of Object.entries(row))
        if (!['qty', 'price', 'ratio'].includes(key)) expect(cell, key).not.toMatch(/^[=+\-@\t\r]/);

    // and the exported file imports back to the same values
    const job = await runImport(res.text, `?upsertOn=code&mapping=${encodeURIComponent('{"id":null}')}`);
    expect(job).toMatchObject({
      status: 'completed',
      rowsTotal: 5,
      rowsProcessed: 5,
      rowsCreated: 0,
      rowsUpdated: 5,
      rowsFailed: 0,
      errorReportUrl: null,
    });
    for (const [i, record] of tricky.entries()) {
      const back = await t.api('GET', `${RECORDS}/${ITEM}/${rows[i]!.id}`);
      const { price, ...rest } = record;
      const money =
        typeof price === 'object'
          ? { price: price.amount, price__currency: price.currency }
          : price === undefined
            ? {}
            : { price, price__currency: 'USD' };
      expect(back.body).toMatchObject({ ...rest, ...money, version: 2 });
    }
  });

  it('exports with the list filter, sort and fields', async () => {
    const filter = encodeURIComponent(
      JSON.stringify({ and: [{ code: { startsWith: 'RT-' } }, { qty: { isNull: false } }] }),
    );
    const res = await exportCsv(`?filter=${filter}&sort=-code&fields=code,qty`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^id,code,qty\r\n/);
    expect(readCsv(res.text).map((r) => [r.code, r.qty])).toEqual([
      ['RT-2', '0'],
      ['RT-1', '-3'],
    ]);
  });

  it('exports fields of looked-up records, filtered and sorted through the lookup like lists', async () => {
    const accounts = await t.api('POST', `${RECORDS}/account/bulk`, {
      records: [{ name: 'Export B' }, { name: '=Export A' }],
    });
    const [b, a] = accounts.body.results.map((r: { id: string }) => r.id);
    // created B first, so only the sort puts A first (the same in C and natural-language collations)
    await t.api('POST', `${RECORDS}/${ITEM}/bulk`, {
      records: [
        { title: 'via B', code: 'LK-2', account: b },
        { title: 'via A', code: 'LK-1', account: a },
      ],
    });
    const filter = encodeURIComponent(JSON.stringify({ 'account.name': { in: ['=Export A', 'Export B'] } }));
    const res = await exportCsv(`?filter=${filter}&sort=account.name&fields=code,account.name`);
    expect(res.status).toBe(200);
    expect(res.text.split('\r\n')[0]).toBe('id,code,account.name');
    expect(readCsv(res.text).map((r) => [r.code, r['account.name']])).toEqual([
      ['LK-1', "'=Export A"],
      ['LK-2', 'Export B'],
    ]);
  });

  it('refuses other formats and bad filters with problem+json, before streaming', async () => {
    const xml = await t.api('GET', `${RECORDS}/${ITEM}/export?format=xml`);
    expectProblem(xml, 400);
    expect(xml.body.errors[0]).toMatchObject({ field: 'format', code: 'enum' });
    expectProblem(await t.api('GET', `${RECORDS}/${ITEM}/export?filter=${encodeURIComponent('{"nope":1}')}`), 400);
    expectProblem(await t.api('GET', `${RECORDS}/${ITEM}/export?fields=title,nope`), 400);
    expectProblem(await t.api('GET', `${RECORDS}/no_such_object/export`), 404);
  });

  it('streams 20,000 rows in keyset batches, each exactly once', async () => {
    const [admin] = await t.sql('select id from ??._users limit 1', [t.schema]);
    await t.sql(
      `insert into ??.?? (id, owner_id, title, n) select gen_random_uuid(), ?, 'row ' || g, g from generate_series(1, 20000) g`,
      [t.schema, BIG, admin.id],
    );
    const res = await exportCsv('', BIG);
    expect(res.status).toBe(200);
    const rows = readCsv(res.text);
    expect(rows.length).toBe(20_000);
    expect(new Set(rows.map((r) => r.id)).size).toBe(20_000);
    const ns = rows.map((r) => Number(r.n)).sort((a, b) => a - b);
    expect(ns[0]).toBe(1);
    expect(ns[19_999]).toBe(20_000);
    expect(new Set(ns).size).toBe(20_000);

    const sorted = readCsv((await exportCsv(`?sort=-n&filter=${encodeURIComponent('{"n":{"gt":500}}')}`, BIG)).text);
    expect(sorted.length).toBe(19_500);
    expect(sorted.every((r, i) => Number(r.n) === 20_000 - i)).toBe(true);
  });
});

describe('CSV import', () => {
  const rows = (n: number, prefix: string) =>
    Array.from({ length: n }, (_, i) => [`${prefix} item ${i}`, `${prefix}-${i}`, i, (i * 1.25).toFixed(2)]);

  it('imports 2,000 rows all-or-none, with progress reaching the total', async () => {
    const before = await count();
    const job = await runImport(csv([['title', 'code', 'qty', 'price'], ...rows(2000, 'BULK')]));
    expect(job).toMatchObject({
      status: 'completed',
      mode: 'allOrNone',
      phase: null,
      rowsTotal: 2000,
      rowsProcessed: 2000,
      rowsCreated: 2000,
      rowsUpdated: 0,
      rowsFailed: 0,
      error: null,
      errorReportUrl: null,
    });
    expect(job.finishedAt).not.toBeNull();
    expect(await count()).toBe(before + 2000);
    const [one] = await t.sql('select title, qty, price::text as price, active from ??.?? where code = ?', [
      t.schema,
      ITEM,
      'BULK-1501',
    ]);
    expect(one).toEqual({ title: 'BULK item 1501', qty: 1501, price: '1876.25', active: true });
    const report = await errorReport(job.id);
    expect(report).toEqual([]);
  });

  it('writes nothing when one row is bad (all-or-none), and reports the row and field', async () => {
    const before = await count();
    const data = rows(2000, 'BAD');
    data[1500]![2] = 'lots'; // spreadsheet row 1502: the header is row 1
    const job = await runImport(csv([['title', 'code', 'qty', 'price'], ...data]));
    expect(job).toMatchObject({
      status: 'failed',
      rowsTotal: 2000,
      rowsProcessed: 2000,
      rowsCreated: 0,
      rowsFailed: 1,
    });
    expect(job.error).toContain('nothing was imported');
    expect(job.errorReportUrl).toBe(`/api/v1/imports/${job.id}/errors.csv`);
    expect(await count()).toBe(before);
    expect(
      (await t.sql('select count(*)::int as n from ??.?? where code like ?', [t.schema, ITEM, 'BAD-%']))[0].n,
    ).toBe(0);
    const report = await errorReport(job.id);
    expect(report).toEqual([
      {
        row: '1502',
        fields: 'qty',
        errors: expect.stringContaining('qty'),
        title: 'BAD item 1500',
        code: 'BAD-1500',
        qty: 'lots',
        price: '1875.00',
      },
    ]);
  });

  it('finds a repeated unique value in another batch of an all-or-none file', async () => {
    const before = await count();
    const data = rows(1200, 'DUP');
    data[1100]![1] = 'DUP-3';
    const job = await runImport(csv([['title', 'code', 'qty', 'price'], ...data]));
    expect(job).toMatchObject({ status: 'failed', rowsFailed: 1, rowsCreated: 0 });
    expect(await count()).toBe(before);
    const [bad] = await errorReport(job.id);
    expect(bad).toMatchObject({
      row: '1102',
      fields: 'code',
      errors: expect.stringContaining('row 5 has the same code'),
    });
  });

  it('writes the good rows and reports the bad ones with skipBadRows', async () => {
    const before = await count();
    const account = await t.api('POST', `${RECORDS}/account`, { name: 'CSV Account' });
    const body = csv([
      ['title', 'code', 'qty', 'stage', 'account', 'due'],
      ['Good one', 'SKIP-1', '1', 'won', account.body.id, '2026-01-31'],
      ['@Bad qty', 'SKIP-2', '1.5', 'new', '', ''],
      ['', 'SKIP-3', '3', '', '', ''],
      ['Bad stage', 'SKIP-4', '4', 'lost', '', '2026-02-30'],
      ['Taken code', 'RT-1', '5', '', '', ''],
      ['No account', 'SKIP-6', '6', '', '0190a1b2-0000-7000-8000-000000000001', ''],
      ['Good two', 'SKIP-7', '7', 'New', '', ''],
      ['Short row', 'SKIP-8'],
    ]);
    const job = await runImport(body, '?mode=skipBadRows');
    expect(job).toMatchObject({
      status: 'completed',
      mode: 'skipBadRows',
      rowsTotal: 8,
      rowsProcessed: 8,
      rowsCreated: 2,
      rowsFailed: 6,
    });
    expect(await count()).toBe(before + 2);
    const written = await t.sql('select code, stage, account, due from ??.?? where code like ? order by code', [
      t.schema,
      ITEM,
      'SKIP-%',
    ]);
    expect(written).toEqual([
      { code: 'SKIP-1', stage: 'won', account: account.body.id, due: '2026-01-31' },
      { code: 'SKIP-7', stage: 'new', account: null, due: null },
    ]);
    const report = await errorReport(job.id);
    expect(report.map((r) => [r.row, r.fields])).toEqual([
      ['3', 'qty'],
      ['4', 'title'],
      ['5', 'stage;due'],
      ['6', 'code'],
      ['7', 'account'],
      ['9', ''],
    ]);
    expect(report[0]).toMatchObject({
      title: "'@Bad qty",
      code: 'SKIP-2',
      qty: '1.5',
      errors: expect.stringContaining('qty must be a whole number'),
    });
    expect(report[1]!.errors).toContain('title is required');
    expect(report[5]!.errors).toContain('the row has 2 cells; the header has 6');
  });

  it('upserts on a unique field: updates matches, creates the rest', async () => {
    const before = await count();
    const job = await runImport(
      csv([
        ['code', 'qty', 'title'],
        ['BULK-7', '700', ''],
        ['UPS-NEW', '1', 'Brand new'],
      ]),
      '?upsertOn=code',
    );
    expect(job).toMatchObject({ status: 'completed', upsertOn: 'code', rowsCreated: 1, rowsUpdated: 1, rowsFailed: 0 });
    expect(await count()).toBe(before + 1);
    const [updated] = await t.sql('select title, qty, version from ??.?? where code = ?', [t.schema, ITEM, 'BULK-7']);
    // an empty cell leaves the value as it was
    expect(updated).toEqual({ title: 'BULK item 7', qty: 700, version: 2 });
    expectProblem(await importCsv(csv([['code'], ['x']]), '?upsertOn=title'), 400);
    expectProblem(await importCsv(csv([['title'], ['x']]), '?upsertOn=code'), 400);
  });

  it('matches headers by English and Chinese labels', async () => {
    const en = await runImport(
      csv([
        ['Title', 'Item Code', 'Quantity', 'Stage'],
        ['Labelled', 'LBL-EN', '11', 'Won'],
      ]),
    );
    expect(en).toMatchObject({ status: 'completed', rowsCreated: 1 });
    const zh = await runImport(
      csv([
        ['标题', '条目代码', '数量', '价格', 'Stage'],
        ['中文标题', 'LBL-ZH', '12', '9.99', '赢单'],
      ]),
    );
    expect(zh).toMatchObject({ status: 'completed', rowsCreated: 1 });
    const back = await t.sql(
      'select title, code, qty, price::text as price, stage from ??.?? where code like ? order by code',
      [t.schema, ITEM, 'LBL-%'],
    );
    expect(back).toEqual([
      { title: 'Labelled', code: 'LBL-EN', qty: 11, price: null, stage: 'won' },
      { title: '中文标题', code: 'LBL-ZH', qty: 12, price: '9.99', stage: 'won' },
    ]);
    const mapped = await runImport(
      csv([
        ['Name', 'Legacy id'],
        ['Mapped', 'L-1'],
      ]),
      `?mapping=${encodeURIComponent('{"Name":"title","Legacy id":null}')}`,
    );
    expect(mapped).toMatchObject({ status: 'completed', rowsCreated: 1 });
  });

  it('refuses unknown headers, other media types and bad options with 400 before any job exists', async () => {
    const jobs = async () => (await t.sql('select count(*)::int as n from ??._import_jobs', [t.schema]))[0].n as number;
    const before = await jobs();
    const res = await importCsv(
      csv([
        ['title', 'Colour', 'Size'],
        ['x', 'red', 'L'],
      ]),
    );
    expectProblem(res, 400);
    expect(res.body.detail).toContain('"Colour"');
    expect(res.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).toEqual([
      ['Colour', 'unknownHeader'],
      ['Size', 'unknownHeader'],
    ]);
    expectProblem(
      await importCsv(
        csv([
          ['id', 'title'],
          ['x', 'y'],
        ]),
      ),
      400,
    );
    expectProblem(await importCsv(''), 400);
    expectProblem(await importCsv('"title,code\r\nx,y\r\n'), 400);
    expectProblem(await importCsv(csv([['title'], ['x']]), '?mode=sometimes'), 400);
    expectProblem(await importCsv(csv([['title'], ['x']]), '?mapping=nope'), 400);
    expectProblem(await t.api('POST', `${RECORDS}/${ITEM}/import`, { title: 'json' }), 415);
    expectProblem(await importCsv(csv([['title'], ['x']]), '', 'no_such_object'), 404);
    expect(await jobs()).toBe(before);
    expectProblem(await t.api('GET', '/api/v1/imports/not-a-uuid'), 404);
    expectProblem(await t.api('GET', '/api/v1/imports/0190a1b2-0000-7000-8000-000000000001'), 404);
  });

  it('fails a job whose file is not valid CSV after the header, before writing anything', async () => {
    const before = await count();
    const job = await runImport('title,code\r\nFine,BRK-1\r\n"never closed,BRK-2\r\n', '?mode=skipBadRows');
    expect(job.status).toBe('failed');
    expect(job.error).toContain('not valid CSV');
    expect(job.error).toContain('nothing was imported');
    expect(await count()).toBe(before);
  });
});
