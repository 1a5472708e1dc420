import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpus, startTestEngine, type TestEngine } from './support/test-engine.js';

/**
 * API names become table and column names, so hostile ones must be refused when the metadata is
 * saved: before the draft changes and long before any DDL. Each name is tried as an object name
 * and as a field name in an otherwise valid object; afterwards the catalog, the draft and the
 * release history must be exactly as before.
 */

// PostgreSQL's reserved key words (docs, Appendix C: "reserved" and "reserved (can be function or type)").
const PG_RESERVED = `
all analyse analyze and any array as asc asymmetric both case cast check collate column constraint
create current_catalog current_date current_role current_time current_timestamp current_user default
deferrable desc distinct do else end except false fetch for foreign from grant group having in
initially intersect into lateral leading limit localtime localtimestamp not null offset on only or
order placing primary references returning select session_user some symmetric system_user table then
to trailing true union unique user using variadic when where window with
authorization binary collation concurrently cross current_schema freeze full ilike inner is isnull
join left like natural notnull outer overlaps right similar tablesample verbose
`
  .trim()
  .split(/\s+/);

const GENERATED: unknown[] = [
  ...PG_RESERVED,
  // statements people reach for
  'insert',
  'update',
  'delete',
  'drop',
  'alter',
  'truncate',
  'revoke',
  'begin',
  'commit',
  'rollback',
  // PostgreSQL's own namespace and system columns
  'pg_class',
  'pg_attribute',
  'pg_sleep',
  'pg_x',
  'pg_',
  'information_schema',
  'oid',
  'tableoid',
  'xmin',
  'xmax',
  'cmin',
  'cmax',
  'ctid',
  // JavaScript prototype names
  '__proto__',
  'constructor',
  'prototype',
  'tostring',
  'valueof',
  'hasownproperty',
  'isprototypeof',
  'propertyisenumerable',
  'tolocalestring',
  '__definegetter__',
  '__lookupsetter__',
  'toString',
  'valueOf',
  // every system column of a record table
  'id',
  'owner_id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  'version',
  'deleted_at',
  // double underscores name the parts of composite fields
  'a__b',
  'name__street',
  'geo__latitude',
  'x__',
  'a___b',
  // upper case
  'Name',
  'NAME',
  'nAme',
  'camelCase',
  'Id',
  'SELECT',
  // too long: at most 40 characters
  'a'.repeat(41),
  `x${'0'.repeat(40)}`,
  'a'.repeat(1000),
  // unicode
  'café',
  'naïve',
  'ｓelect',
  'nam\u0435',
  'na\u200bme',
  'name\u0301',
  'emoji😀',
  'ǆ',
  '名字',
  'İd',
  'ａ',
  // white space
  ' name',
  'name ',
  'na me',
  '\tname',
  'name\n',
  '\u00a0name',
  ' ',
  // quotes and statement breaks
  'na"me',
  "na'me",
  'na`me',
  '"name"',
  "'name'",
  'name;',
  'name;drop table x',
  ';',
  '--',
  'name--',
  '/*x*/',
  // other punctuation and control characters
  'a-b',
  'a.b',
  'a$b',
  'a%b',
  'a*b',
  'a(b)',
  'a\u0000b',
  '-name',
  '9lives',
  '_x',
  '?',
  '??',
  '$1',
  // empty and not a string at all
  '',
  42,
  0,
  -1,
  1.5,
  true,
  false,
  null,
  {},
  [],
  ['name'],
  { apiName: 'name' },
];

const HOSTILE: unknown[] = (() => {
  const seen = new Set<string>();
  return [...corpus('identifiers.txt'), ...GENERATED].filter((name) => {
    const key = JSON.stringify(name);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
})();

const objectNamed = (apiName: unknown) => ({
  apiName,
  label: 'Hostile',
  pluralLabel: 'Hostiles',
  nameField: 'title',
  fields: [{ apiName: 'title', type: 'text', label: 'Title' }],
});
const objectWithField = (apiName: unknown) => ({
  apiName: 'hn_holder',
  label: 'Holder',
  pluralLabel: 'Holders',
  nameField: 'title',
  fields: [
    { apiName, type: 'text', label: 'Hostile' },
    { apiName: 'title', type: 'text', label: 'Title' },
  ],
});

let t: TestEngine;
let before: Awaited<ReturnType<typeof snapshot>>;
const tried = new Set<string>();

async function snapshot() {
  const columns = await t.sql(
    'select table_name, column_name from information_schema.columns where table_schema = ? order by 1, 2',
    [t.schema],
  );
  const relations = await t.sql(
    'select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = ? order by 1, 2',
    [t.schema],
  );
  const draft = await t.api('GET', '/api/v1/meta/objects');
  const releases = await t.api('GET', '/api/v1/meta/releases');
  return { columns, relations, draft: draft.body, releases: releases.body.data as unknown[] };
}

beforeAll(async () => {
  t = await startTestEngine();
  // The templates are valid with a good name: every refusal below is about the name alone.
  for (const body of [objectNamed('hn_control'), objectWithField('good_field')]) {
    const res = await t.api('POST', '/api/v1/meta/objects', body);
    if (res.status !== 201) throw new Error(`control ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
    const removed = await t.api('DELETE', `/api/v1/meta/objects/${body.apiName as string}`);
    if (removed.status !== 204) throw new Error(JSON.stringify(removed.body));
  }
  before = await snapshot();
});
afterAll(() => t?.close());

/** Soft assertions, so one run reports every name that got through, not just the first. */
function expectRefused(res: { status: number; body: any; headers: Headers }, path: string, label: string) {
  expect.soft([400, 422], `${label}: ${JSON.stringify(res.body)}`).toContain(res.status);
  expect.soft(res.headers.get('content-type'), label).toContain('application/problem+json');
  expect.soft(res.body?.status, label).toBe(res.status);
  expect.soft(res.body?.errors?.length, label).toBeGreaterThan(0);
  // the errors name the offending name and nothing else in the document
  for (const e of res.body?.errors ?? [])
    expect.soft(e.field, `${label}: ${JSON.stringify(res.body.errors)}`).toBe(path);
}

describe('hostile api names', () => {
  it(`has more than 100 distinct names to try (${HOSTILE.length})`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(100);
    expect(corpus('identifiers.txt').every((line) => HOSTILE.includes(line))).toBe(true);
  });

  it('refuses each as an object apiName, naming /apiName', async () => {
    for (const name of HOSTILE) {
      const res = await t.api('POST', '/api/v1/meta/objects', objectNamed(name));
      expectRefused(res, '/apiName', `object ${JSON.stringify(name)}`);
      tried.add(`object:${JSON.stringify(name)}`);
    }
  });

  it('refuses each as a field apiName, naming /fields/0/apiName', async () => {
    for (const name of HOSTILE) {
      const res = await t.api('POST', '/api/v1/meta/objects', objectWithField(name));
      expectRefused(res, '/fields/0/apiName', `field ${JSON.stringify(name)}`);
      tried.add(`field:${JSON.stringify(name)}`);
    }
  });

  it('refuses each through PUT as a rename of an existing object', async () => {
    const draft = (before.draft as { data: { apiName: string }[] }).data;
    const existing = draft.find((o) => o.apiName === 'account');
    expect(existing).toBeDefined();
    for (const name of HOSTILE.slice(0, 40)) {
      const res = await t.api('PUT', '/api/v1/meta/objects/account', { ...existing, apiName: name });
      expectRefused(res, '/apiName', `rename ${JSON.stringify(name)}`);
    }
  });

  it('tried every name both ways, at least 100 distinct names', () => {
    expect(tried.size).toBe(HOSTILE.length * 2);
    expect(new Set([...tried].map((k) => k.slice(k.indexOf(':') + 1))).size).toBeGreaterThanOrEqual(100);
  });

  it('ran no DDL and left the draft and the releases exactly as they were', async () => {
    const after = await snapshot();
    expect(after.columns.length).toBeGreaterThan(0);
    expect(after.columns).toEqual(before.columns);
    expect(after.relations).toEqual(before.relations);
    expect(after.draft).toEqual(before.draft);
    expect(after.releases.length).toBe(before.releases.length);
    expect(after.releases).toEqual(before.releases);
    // and there is nothing waiting to be published either
    const dryRun = await t.api('POST', '/api/v1/meta/publish?dryRun=true');
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.diff).toEqual([]);
    expect(dryRun.body.plan).toEqual([]);
  });
});
