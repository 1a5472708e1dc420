import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ON_POSTGRES, startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * The CSV import job beyond the basics of csv.test.ts: one pass over files of several batches
 * (COPY on PostgreSQL, INSERT … SELECT FROM unnest on PGlite), with the pipelined writer (an
 * object with nothing to look up) and the batch-by-batch one (lookups, unique fields, rollups);
 * the error report of an all-or-none file whose bad rows lie in different batches; the same
 * stored values as the bulk path; progress in bytes; field history; housekeeping of jobs and
 * temp folders; and what a restart or a shutdown leaves behind.
 */

let t: TestEngine;
const RECORDS = '/api/v1/records';
/** No lookups, unique fields or rollups: batches are written pipelined. */
const PLAIN = 'imp_plain';
const PARENT = 'imp_parent';
/** A unique code, a lookup to imp_parent and rollups over it: batches are written one by one. */
const KEYED = 'imp_keyed';
/** Every field type a CSV cell can fill, for the comparison with the bulk path. */
const WIDE = 'imp_wide';

const plain = {
  apiName: PLAIN,
  label: 'Plain',
  pluralLabel: 'Plains',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name', required: true },
    {
      apiName: 'stage',
      type: 'picklist',
      label: 'Stage',
      values: [{ value: 'open' }, { value: 'won' }, { value: 'lost' }],
    },
    { apiName: 'amount', type: 'currency', label: 'Amount' },
    { apiName: 'close_date', type: 'date', label: 'Close date' },
  ],
  validationRules: [
    {
      apiName: 'amount_not_negative',
      condition: { '<': [{ var: 'amount' }, 0] },
      message: 'Amount cannot be negative',
      errorField: 'amount',
    },
  ],
};
const parent = {
  apiName: PARENT,
  label: 'Parent',
  pluralLabel: 'Parents',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    {
      apiName: 'children',
      type: 'rollup',
      label: 'Children',
      child: KEYED,
      relationField: 'parent',
      aggregate: 'count',
    },
    {
      apiName: 'total',
      type: 'rollup',
      label: 'Total',
      child: KEYED,
      relationField: 'parent',
      aggregate: 'sum',
      field: 'qty',
    },
  ],
};
const keyed = {
  apiName: KEYED,
  label: 'Keyed',
  pluralLabel: 'Keyeds',
  nameField: 'name',
  fields: [
    { apiName: 'name', type: 'text', label: 'Name' },
    { apiName: 'code', type: 'text', label: 'Code', unique: true },
    { apiName: 'qty', type: 'integer', label: 'Quantity' },
    { apiName: 'parent', type: 'lookup', label: 'Parent', target: PARENT },
  ],
};
const wide = {
  apiName: WIDE,
  label: 'Wide',
  pluralLabel: 'Wides',
  nameField: 'title',
  fields: [
    { apiName: 'title', type: 'text', label: 'Title' },
    { apiName: 'notes', type: 'textarea', label: 'Notes' },
    { apiName: 'email', type: 'email', label: 'Email' },
    { apiName: 'qty', type: 'integer', label: 'Quantity' },
    { apiName: 'ratio', type: 'number', label: 'Ratio' },
    { apiName: 'price', type: 'currency', label: 'Price' },
    { apiName: 'share', type: 'percent', label: 'Share' },
    { apiName: 'active', type: 'boolean', label: 'Active', default: true },
    { apiName: 'due', type: 'date', label: 'Due' },
    { apiName: 'seen_at', type: 'datetime', label: 'Seen at' },
    { apiName: 'stage', type: 'picklist', label: 'Stage', values: [{ value: 'new' }, { value: 'won' }] },
    { apiName: 'tags', type: 'multipicklist', label: 'Tags', values: [{ value: 'hot' }, { value: 'big' }] },
    { apiName: 'addr', type: 'address', label: 'Address' },
    { apiName: 'geo', type: 'geolocation', label: 'Location' },
    { apiName: 'extra', type: 'json', label: 'Extra' },
  ],
};

beforeAll(async () => {
  t = await startTestEngine();
  for (const o of [plain, parent, keyed, wide]) {
    const res = await t.api('POST', '/api/v1/meta/objects', o);
    if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  }
  const published = await t.api('POST', '/api/v1/meta/publish');
  if (published.status !== 201) throw new Error(JSON.stringify(published.body));
});
afterAll(() => t?.close());

type Cell = string | number | null;
/** RFC 4180 text of the rows; null is an empty cell. */
const csv = (rows: Cell[][]) =>
  rows
    .map((r) =>
      r
        .map((c) => (c === null ? '' : /[",\r\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c)))
        .join(','),
    )
    .join('\r\n') + '\r\n';
const count = async (table: string, where = 'true', bindings: unknown[] = []) =>
  (
    await t.sql(`select count(*)::int as n from ?? where deleted_at is null and ${where}`, [
      `${t.schema}.${table}`,
      ...bindings,
    ])
  )[0].n as number;
const history = async (ids: string[]) =>
  await t.sql(
    'select event, via, count(*)::int as n from ??._field_history where record_id = any(?::uuid[]) group by event, via',
    [t.schema, `{${ids.join(',')}}`],
  );

async function startImport(object: string, body: string, query = '') {
  const res = await t.api('POST', `${RECORDS}/${object}/import${query}`, body, { 'content-type': 'text/csv' });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

/** Polls the job until it is completed or failed (bounded: a stuck job fails the test). */
async function finished(id: string) {
  for (let i = 0; i < 1200; i++) {
    const res = await t.api('GET', `/api/v1/imports/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'completed' || res.body.status === 'failed') return res.body;
    expect(res.body.status).toMatch(/^(queued|running)$/);
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`import ${id} did not finish`);
}

const runImport = async (object: string, body: string, query = '') =>
  finished((await startImport(object, body, query)).id);

async function errorReport(id: string): Promise<Record<string, string>[]> {
  const res = await t.api('GET', `/api/v1/imports/${id}/errors.csv`);
  expect(res.status).toBe(200);
  return parse(res.body as string, { columns: true });
}

/** n deals, a few thousand of them make several batches. */
const plainRows = (n: number, prefix: string): Cell[][] =>
  Array.from({ length: n }, (_, i) => [
    `${prefix} ${i}`,
    ['open', 'won', 'lost'][i % 3]!,
    i % 50 === 0 ? null : (i * 1.5).toFixed(2),
    i % 3 === 1 ? '2026-03-01' : null,
  ]);

describe('CSV import, one pass', () => {
  it('writes a file of several batches all-or-none, with progress in bytes and created history', async () => {
    const body = csv([['name', 'stage', 'amount', 'close_date'], ...plainRows(5500, 'OK')]);
    const job = await runImport(PLAIN, body);
    const bytes = Buffer.byteLength(body);
    expect(job).toMatchObject({
      status: 'completed',
      phase: null,
      rowsTotal: 5500,
      rowsProcessed: 5500,
      rowsCreated: 5500,
      rowsFailed: 0,
      bytesTotal: bytes,
      bytesProcessed: bytes,
      error: null,
    });
    expect(await count(PLAIN, 'name like ?', ['OK %'])).toBe(5500);
    const [row] = await t.sql(
      'select stage, amount::text as amount, amount__currency as currency, close_date from ??.?? where name = ?',
      [t.schema, PLAIN, 'OK 4003'],
    );
    expect(row).toEqual({ stage: 'won', amount: '6004.50', currency: 'USD', close_date: '2026-03-01' });
    const ids = (await t.sql('select id from ??.?? where name like ?', [t.schema, PLAIN, 'OK %'])).map(
      (r) => r.id as string,
    );
    expect(await history(ids)).toEqual([{ event: 'created', via: 'import', n: 5500 }]);
  });

  it('reports bad rows from every batch of an all-or-none file and writes none of it', async () => {
    const before = await count(PLAIN);
    const historyBefore = (await t.sql('select count(*)::int as n from ??._field_history', [t.schema]))[0].n;
    const data = plainRows(7000, 'BAD');
    data[9]![2] = 'ten'; // row 11, batch 1: a cell that is not a number
    data[2499]![1] = 'pending'; // row 2501, batch 2: not a picklist value (the record checks)
    data[4999]![2] = '-5'; // row 5001, batch 3: the validation rule
    data[6999]![0] = null; // row 7001, batch 4: a required field
    const job = await runImport(PLAIN, csv([['name', 'stage', 'amount', 'close_date'], ...data]));
    expect(job).toMatchObject({
      status: 'failed',
      phase: null,
      rowsTotal: 7000,
      rowsProcessed: 7000,
      rowsCreated: 0,
      rowsFailed: 4,
    });
    expect(job.error).toBe('4 rows are not valid; nothing was imported (see the error report)');
    expect(await count(PLAIN)).toBe(before);
    expect((await t.sql('select count(*)::int as n from ??._field_history', [t.schema]))[0].n).toBe(historyBefore);
    const report = await errorReport(job.id);
    expect(report.map((r) => [r.row, r.fields])).toEqual([
      ['11', 'amount'],
      ['2501', 'stage'],
      ['5001', 'amount'],
      ['7001', 'name'],
    ]);
    expect(report[2]!.errors).toBe('Amount cannot be negative');
    // The report neutralises cells a spreadsheet would run: the -5 comes back as '-5.
    expect(report[2]!.amount).toBe("'-5");
  });

  it('skips bad rows in every batch and writes the rest', async () => {
    const data = plainRows(4500, 'SKIP');
    data[0]![2] = 'x';
    data[3000]![2] = '-1';
    const job = await runImport(PLAIN, csv([['name', 'stage', 'amount', 'close_date'], ...data]), '?mode=skipBadRows');
    expect(job).toMatchObject({
      status: 'completed',
      rowsTotal: 4500,
      rowsProcessed: 4500,
      rowsCreated: 4498,
      rowsFailed: 2,
    });
    expect(job.bytesProcessed).toBe(job.bytesTotal);
    expect(await count(PLAIN, 'name like ?', ['SKIP %'])).toBe(4498);
    expect((await errorReport(job.id)).map((r) => r.row)).toEqual(['2', '3002']);
  });

  it('keeps rollups current and checks lookups and unique values batch by batch', async () => {
    const a = (await t.api('POST', `${RECORDS}/${PARENT}`, { name: 'A' })).body.id as string;
    const b = (await t.api('POST', `${RECORDS}/${PARENT}`, { name: 'B' })).body.id as string;
    const rows: Cell[][] = Array.from({ length: 4200 }, (_, i) => [`Child ${i}`, `K-${i}`, i % 10, i % 2 ? a : b]);
    const job = await runImport(KEYED, csv([['name', 'code', 'qty', 'parent'], ...rows]));
    expect(job).toMatchObject({ status: 'completed', rowsCreated: 4200 });
    const parents = await t.sql('select name, children, total from ??.?? order by name', [t.schema, PARENT]);
    expect(parents.map((p) => [p.name, Number(p.children), Number(p.total)])).toEqual([
      ['A', 2100, 10500],
      ['B', 2100, 8400],
    ]);

    // A missing parent and a code taken by an earlier row (another batch) or an existing record.
    const more: Cell[][] = Array.from({ length: 4100 }, (_, i) => [`More ${i}`, `M-${i}`, 1, a]);
    more[5]![3] = '0190a1b2-0000-7000-8000-000000000001';
    more[2600]![1] = 'M-7';
    more[4000]![1] = 'K-1';
    const failed = await runImport(KEYED, csv([['name', 'code', 'qty', 'parent'], ...more]));
    expect(failed).toMatchObject({ status: 'failed', rowsProcessed: 4100, rowsCreated: 0, rowsFailed: 3 });
    expect(await count(KEYED, 'code like ?', ['M-%'])).toBe(0);
    expect(Number((await t.sql('select children from ??.?? where id = ?', [t.schema, PARENT, a]))[0].children)).toBe(
      2100,
    );
    const report = await errorReport(failed.id);
    expect(report.map((r) => [r.row, r.fields])).toEqual([
      ['7', 'parent'],
      ['2602', 'code'],
      ['4002', 'code'],
    ]);
    expect(report[1]!.errors).toContain('row 9 has the same code');
    expect(report[2]!.errors).toContain('already has this code');
  });

  it('stores exactly what the bulk path stores for the same values', async () => {
    const records = [
      {
        title: 'tab\there, newline\nthere, CR\rthere',
        notes: 'back\\slash \\N and \\t literally, "quoted", 多字节 🎉',
        email: 'a@example.com',
        qty: -3,
        ratio: 1.25e-3,
        price: { amount: 1080.25, currency: 'EUR' },
        share: 12.5,
        active: false,
        due: '2026-03-01',
        seen_at: '2026-03-01T09:30:00.123Z',
        stage: 'won',
        tags: ['hot', 'big'],
        addr: { street: '1 "Quay"\tFloor 2\nBack door \\ left', city: 'Lyon', postalCode: '69001', country: 'FR' },
        geo: { latitude: 45.76, longitude: -4.84 },
        extra: { list: [1, 'two', null, { 'three\t': '\\3' }], empty: {} },
      },
      { title: '=1+1', notes: '', qty: 0, price: 99.5, tags: [] },
      { title: "'=already marked", extra: [1, 2, 3] },
      { title: '\\N' },
    ];
    const bulk = await t.api('POST', `${RECORDS}/${WIDE}/bulk`, { records });
    expect(bulk.status, JSON.stringify(bulk.body)).toBe(200);
    const exported = await fetch(`${t.url}${RECORDS}/${WIDE}/export?format=csv`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(exported.status).toBe(200);
    const job = await runImport(WIDE, await exported.text(), `?mapping=${encodeURIComponent('{"id":null}')}`);
    expect(job).toMatchObject({ status: 'completed', rowsCreated: records.length });
    const columns = (
      await t.sql(
        'select column_name from information_schema.columns where table_schema = ? and table_name = ? order by ordinal_position',
        [t.schema, WIDE],
      )
    )
      .map((c) => c.column_name as string)
      // System columns, and (on PGlite) the job an import's rows carry (query/import-visibility.ts).
      .filter(
        (c) =>
          ![
            'id',
            'created_at',
            'updated_at',
            'version',
            'deleted_at',
            'owner_id',
            'created_by',
            'updated_by',
            '_import_job',
          ].includes(c),
      );
    const rows = await t.sql(
      `select ${columns.map(() => '??::text').join(', ')}, created_at from ??.?? order by created_at, title`,
      [...columns, t.schema, WIDE],
    );
    const strip = ({ created_at: _c, ...rest }: Record<string, unknown>) => rest;
    const viaBulk = rows.slice(0, records.length).map(strip);
    const viaImport = rows.slice(records.length).map(strip);
    expect(viaImport).toHaveLength(records.length);
    const sorted = (list: Record<string, unknown>[]) => list.map((r) => JSON.stringify(r)).sort();
    expect(sorted(viaImport)).toEqual(sorted(viaBulk));
  });
});

describe('import housekeeping', () => {
  const job = async (values: Record<string, unknown>) => {
    const id = (await t.sql('select gen_random_uuid() as id'))[0].id as string;
    await t.sql(
      `insert into ??._import_jobs (id, object, status, mode, headers, created_by, created_at, updated_at, finished_at, rows_created)
      values (?, ?, ?, ?, '["name"]', (select id from ??._users limit 1), ?, ?, ?, ?)`,
      [
        t.schema,
        id,
        PLAIN,
        values.status,
        values.mode ?? 'allOrNone',
        t.schema,
        values.at,
        values.at,
        values.finished ?? null,
        values.created ?? 0,
      ],
    );
    return id;
  };
  const status = async (id: string) =>
    (await t.sql('select status, error from ??._import_jobs where id = ?', [t.schema, id]))[0];

  it('fails orphaned jobs and deletes finished ones after the retention period, with their reports and temp folders', async () => {
    const hourAgo = new Date(Date.now() - 3600_000);
    const weeksAgo = new Date(Date.now() - 30 * 86_400_000);
    const orphan = await job({ status: 'running', at: hourAgo });
    const orphanSkip = await job({ status: 'running', mode: 'skipBadRows', at: hourAgo, created: 10 });
    const old = await job({ status: 'failed', at: weeksAgo, finished: weeksAgo });
    await t.sql("insert into ??._import_errors (job_id, row, errors, cells) values (?, 2, '[]', '[]')", [
      t.schema,
      old,
    ]);
    const recent = await job({ status: 'completed', at: hourAgo, finished: hourAgo });
    const oldFolder = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-import-${recent}-`));
    const unknownFolder = fs.mkdtempSync(
      path.join(os.tmpdir(), 'tessera-import-0190a1b2-0000-7000-8000-00000000abcd-'),
    );
    try {
      const swept = await t.engine.imports.sweep();
      expect(swept.orphaned).toBeGreaterThanOrEqual(2);
      expect(swept.expired).toBeGreaterThanOrEqual(1);
      expect(await status(orphan)).toEqual({
        status: 'failed',
        error: 'the server stopped during the import; nothing was imported',
      });
      expect(await status(orphanSkip)).toEqual({
        status: 'failed',
        error: 'the server stopped during the import; the rows before it were imported',
      });
      expect(await status(old)).toBeUndefined();
      expect(
        (await t.sql('select count(*)::int as n from ??._import_errors where job_id = ?', [t.schema, old]))[0].n,
      ).toBe(0);
      expect(await status(recent)).toEqual({ status: 'completed', error: null });
      expect(fs.existsSync(oldFolder)).toBe(false);
      // Not a job of this database: perhaps another server's, so it stays.
      expect(fs.existsSync(unknownFolder)).toBe(true);
      const res = await t.api('GET', `/api/v1/imports/${old}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      fs.rmSync(oldFolder, { recursive: true, force: true });
      fs.rmSync(unknownFolder, { recursive: true, force: true });
    }
  });

  it('leaves a job that was just running on PostgreSQL to its heartbeat', async () => {
    if (!ON_POSTGRES) return; // one process owns an embedded database: any job it is not running is orphaned
    const fresh = await job({ status: 'running', at: new Date() });
    await t.engine.imports.sweep();
    expect((await status(fresh)).status).toBe('running');
    await t.engine.imports.sweep(new Date(Date.now() + 3 * 60_000));
    expect((await status(fresh)).status).toBe('failed');
  });
});

describe('import across a shutdown', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-import-restart-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('never leaves a job running: an interrupted import is failed with nothing written, or completed', async () => {
    const first = await startTestEngine({ dataDir: path.join(dir, 'data'), keepSchema: true });
    expect((await first.api('POST', '/api/v1/meta/objects', plain)).status).toBe(201);
    expect((await first.api('POST', '/api/v1/meta/publish')).status).toBe(201);
    // A job a crashed process left behind.
    const orphan = (await first.sql('select gen_random_uuid() as id'))[0].id as string;
    await first.sql(
      `insert into ??._import_jobs (id, object, status, mode, headers, created_by, updated_at) values (?, ?, 'running', 'allOrNone', '[]', (select id from ??._users limit 1), now() - interval '1 hour')`,
      [first.schema, orphan, PLAIN, first.schema],
    );
    const started = await first.api(
      'POST',
      `${RECORDS}/${PLAIN}/import`,
      csv([['name', 'stage', 'amount', 'close_date'], ...plainRows(20_000, 'STOP')]),
      { 'content-type': 'text/csv' },
    );
    expect(started.status).toBe(202);
    await first.close();

    const second = await startTestEngine({ dataDir: path.join(dir, 'data'), schema: first.schema });
    try {
      const interrupted = (await second.api('GET', `/api/v1/imports/${started.body.id}`)).body;
      const written = await second.sql('select count(*)::int as n from ??.?? where name like ?', [
        second.schema,
        PLAIN,
        'STOP %',
      ]);
      if (interrupted.status === 'completed') expect(written[0].n).toBe(20_000);
      else {
        expect(interrupted).toMatchObject({
          status: 'failed',
          rowsCreated: 0,
          error: 'the server stopped during the import; nothing was imported',
        });
        expect(written[0].n).toBe(0);
      }
      expect((await second.api('GET', `/api/v1/imports/${orphan}`)).body).toMatchObject({
        status: 'failed',
        error: 'the server stopped during the import; nothing was imported',
      });
    } finally {
      await second.close();
    }
  });
});
