import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Problem } from '../errors.js';
import { compile } from '../metadata/compile.js';
import type { FieldDef, ObjectDef } from '../metadata/types.js';
import { coerceCell, coerceRow, mapHeaders, parseMapping, type CellResult } from './csv-import.js';

const field = (
  apiName: string,
  type: FieldDef['type'],
  label: FieldDef['label'],
  extra: Partial<FieldDef> = {},
): FieldDef => ({ id: `fld.${apiName}`, apiName, type, label, ...extra });

const OWNER: ObjectDef = {
  id: 'obj.owner',
  apiName: 'owner',
  label: 'Owner',
  pluralLabel: 'Owners',
  nameField: 'name',
  fields: [field('name', 'text', 'Name')],
};
const DEAL: ObjectDef = {
  id: 'obj.deal',
  apiName: 'deal',
  label: { en: 'Deal', 'zh-CN': '交易' },
  pluralLabel: 'Deals',
  nameField: 'name',
  fields: [
    field('name', 'text', { en: 'Deal Name', 'zh-CN': '交易名称' }, { required: true }),
    field('notes', 'textarea', 'Notes'),
    field('body', 'richtext', 'Body'),
    field('email', 'email', 'E-mail', { unique: true }),
    field('phone', 'phone', 'Phone'),
    field('site', 'url', 'Web site'),
    field('seats', 'integer', { en: 'Seats', 'zh-CN': '席位' }),
    field('score', 'number', 'Score', { scale: 2 }),
    field('amount', 'currency', { en: 'Amount', 'zh-CN': '金额' }),
    field('share', 'percent', 'Share'),
    field('active', 'boolean', 'Active'),
    field('close_date', 'date', 'Close date'),
    field('closed_at', 'datetime', 'Closed at'),
    field('call_at', 'time', 'Call at'),
    field('stage', 'picklist', 'Stage', {
      values: [
        { value: 'new', label: { en: 'New', 'zh-CN': '新建' } },
        { value: 'won', label: { en: 'Won', 'zh-CN': '赢单' } },
      ],
    }),
    field('tags', 'multipicklist', 'Tags', {
      values: [
        { value: 'hot', label: 'Hot' },
        { value: 'big', label: { en: 'Big', 'zh-CN': '大' } },
      ],
    }),
    field('owner', 'lookup', 'Owner', { target: 'owner' }),
    field('number', 'autonumber', 'Number', { format: 'D-{0000}' }),
    field('extra', 'json', 'Extra'),
    field('address', 'address', 'Address'),
    field('location', 'geolocation', 'Location'),
    // Two fields sharing a label: a header with that label is ambiguous.
    field('code_a', 'text', 'Code'),
    field('code_b', 'text', 'Code'),
  ],
};
const deal = compile(1, { objects: [OWNER, DEAL], layouts: [], listViews: [] }).objects.get('deal')!;
const f = (name: string) => deal.fields.get(name)!;

function refused(run: () => unknown): Problem {
  try {
    run();
  } catch (e) {
    if (e instanceof Problem) return e;
    throw e;
  }
  throw new Error('expected a 400');
}

const value = (r: CellResult) => ('value' in r ? r.value : r);
const code = (r: CellResult) => ('error' in r ? r.error.code : 'ok');

describe('mapHeaders', () => {
  it('matches apiNames and English and Chinese labels, case-insensitively', () => {
    const columns = mapHeaders(deal, ['name', 'AMOUNT', ' seats ', 'Close Date']);
    expect(columns.map((c) => c.field?.def.apiName)).toEqual(['name', 'amount', 'seats', 'close_date']);
    const zh = mapHeaders(deal, ['交易名称', '金额', '席位']);
    expect(zh.map((c) => c.field?.def.apiName)).toEqual(['name', 'amount', 'seats']);
    const en = mapHeaders(deal, ['Deal Name', 'e-mail', 'Web Site']);
    expect(en.map((c) => c.field?.def.apiName)).toEqual(['name', 'email', 'site']);
  });

  it('takes an explicit mapping first, and ignores columns mapped to null', () => {
    const columns = mapHeaders(deal, ['Opportunity', 'Value', 'Legacy ID', 'name'], {
      Opportunity: 'notes',
      value: 'amount',
      'Legacy ID': null,
    });
    expect(columns.map((c) => [c.header, c.field?.def.apiName ?? null])).toEqual([
      ['Opportunity', 'notes'],
      ['Value', 'amount'],
      ['Legacy ID', null],
      ['name', 'name'],
    ]);
  });

  it('refuses unknown headers with 400, naming each', () => {
    const p = refused(() => mapHeaders(deal, ['name', 'Colour', 'Size']));
    expect(p.status).toBe(400);
    expect(p.detail).toContain('"Colour"');
    expect(p.detail).toContain('"Size"');
    expect(p.errors).toEqual([
      expect.objectContaining({ field: 'Colour', code: 'unknownHeader' }),
      expect.objectContaining({ field: 'Size', code: 'unknownHeader' }),
    ]);
  });

  it('refuses system columns, read-only fields, duplicates, ambiguous labels and bad mappings', () => {
    expect(refused(() => mapHeaders(deal, ['id', 'name'])).errors[0]).toMatchObject({ field: 'id', code: 'readOnly' });
    expect(refused(() => mapHeaders(deal, ['number'])).errors[0]).toMatchObject({ field: 'number', code: 'readOnly' });
    expect(refused(() => mapHeaders(deal, ['name', 'Deal Name'])).errors[0]).toMatchObject({
      field: 'Deal Name',
      code: 'duplicateHeader',
    });
    expect(refused(() => mapHeaders(deal, ['Code'])).errors[0]).toMatchObject({
      field: 'Code',
      code: 'ambiguousHeader',
    });
    expect(mapHeaders(deal, ['Code'], { Code: 'code_b' })[0]!.field?.def.apiName).toBe('code_b');
    expect(refused(() => mapHeaders(deal, ['x'], { x: 'nope' })).errors[0]).toMatchObject({
      field: 'x',
      code: 'unknownField',
    });
    expect(mapHeaders(deal, ['id', 'name'], { id: null }).map((c) => c.field?.def.apiName ?? null)).toEqual([
      null,
      'name',
    ]);
  });
});

describe('currency codes beside amounts', () => {
  const columns = mapHeaders(deal, ['name', 'amount', 'AMOUNT__currency']);
  it('reads <amount>__currency as the code of the amount beside it', () => {
    expect(columns.map((c) => [c.field?.def.apiName, c.companion])).toEqual([
      ['name', undefined],
      ['amount', undefined],
      ['amount', 'currency'],
    ]);
    expect(coerceRow(columns, 3, ['A', '5.25', 'eur'])).toEqual({
      body: { name: 'A', amount: { amount: 5.25, currency: 'EUR' } },
      errors: [],
    });
    // no code: a plain amount, in the corporate currency; no amount: nothing to write
    expect(coerceRow(columns, 3, ['A', '5.25', ''])).toEqual({ body: { name: 'A', amount: 5.25 }, errors: [] });
    expect(coerceRow(columns, 3, ['A', '', 'EUR'])).toEqual({ body: { name: 'A' }, errors: [] });
    expect(coerceRow(columns, 3, ['A', '5', 'EURO']).errors).toEqual([
      expect.objectContaining({ field: 'amount__currency', code: 'pattern' }),
    ]);
  });
  it('takes it from a mapping too, and refuses it twice', () => {
    expect(mapHeaders(deal, ['Cur'], { Cur: 'amount__currency' })[0]).toMatchObject({ companion: 'currency' });
    expect(
      refused(() => mapHeaders(deal, ['amount__currency', 'Cur'], { Cur: 'amount__currency' })).errors[0],
    ).toMatchObject({ field: 'Cur', code: 'duplicateHeader' });
  });
});

describe('parseMapping', () => {
  it('reads a JSON object of header → apiName or null', () => {
    expect(parseMapping(undefined)).toBeUndefined();
    expect(parseMapping('{"A": "name", "B": null}')).toEqual({ A: 'name', B: null });
    for (const bad of ['[1]', '{"A": 1}', 'not json', '"name"'])
      expect(refused(() => parseMapping(bad)).errors[0]).toMatchObject({ field: 'mapping', code: 'type' });
  });
});

describe('coerceCell', () => {
  it('keeps text as written, trims where spaces are noise', () => {
    expect(value(coerceCell(f('name'), '  Acme, "the" one  '))).toBe('  Acme, "the" one  ');
    expect(value(coerceCell(f('notes'), 'two\nlines'))).toBe('two\nlines');
    expect(value(coerceCell(f('body'), '<b>bold</b>'))).toBe('<b>bold</b>');
    expect(value(coerceCell(f('email'), ' a@b.example '))).toBe('a@b.example');
    expect(value(coerceCell(f('phone'), '+1 555 0100'))).toBe('+1 555 0100');
    expect(value(coerceCell(f('site'), 'https://example.com'))).toBe('https://example.com');
    expect(value(coerceCell(f('call_at'), '09:30'))).toBe('09:30');
    expect(value(coerceCell(f('owner'), '0190a1b2-0000-7000-8000-000000000001'))).toBe(
      '0190a1b2-0000-7000-8000-000000000001',
    );
  });

  it('takes off the apostrophe the export put before a formula-like text', () => {
    expect(value(coerceCell(f('name'), "'=1+1"))).toBe('=1+1');
    expect(value(coerceCell(f('phone'), "'+1 555 0100"))).toBe('+1 555 0100');
    expect(value(coerceCell(f('name'), "'plain"))).toBe("'plain");
    expect(value(coerceCell(f('amount'), "'-5"))).toBe(-5);
  });

  it('treats an empty cell as absent, whatever the type', () => {
    for (const name of [
      'name',
      'seats',
      'amount',
      'active',
      'close_date',
      'closed_at',
      'tags',
      'extra',
      'address',
      'stage',
    ]) {
      expect(coerceCell(f(name), '')).toEqual({ absent: true });
      expect(coerceCell(f(name), '   ')).toEqual({ absent: true });
    }
  });

  it('reads numbers with "." decimals, and refuses anything else', () => {
    expect(value(coerceCell(f('seats'), '42'))).toBe(42);
    expect(value(coerceCell(f('seats'), '-7'))).toBe(-7);
    expect(value(coerceCell(f('seats'), '+7'))).toBe(7);
    expect(code(coerceCell(f('seats'), '1.5'))).toBe('type');
    expect(code(coerceCell(f('seats'), 'ten'))).toBe('type');
    expect(value(coerceCell(f('amount'), '1080.25'))).toBe(1080.25);
    expect(value(coerceCell(f('amount'), '-0.5'))).toBe(-0.5);
    expect(value(coerceCell(f('amount'), '.5'))).toBe(0.5);
    expect(value(coerceCell(f('score'), '1e3'))).toBe(1000);
    expect(value(coerceCell(f('share'), '12.5'))).toBe(12.5);
    for (const bad of ['1,000.00', '12,5', '$5', '5%', 'NaN', 'Infinity', '1.2.3']) {
      const r = coerceCell(f('amount'), bad);
      expect(code(r), bad).toBe('type');
      expect('error' in r && r.error).toMatchObject({ field: 'amount' });
    }
  });

  it('reads booleans from true/false, yes/no, 1/0', () => {
    for (const yes of ['true', 'TRUE', 'Yes', '1']) expect(value(coerceCell(f('active'), yes))).toBe(true);
    for (const no of ['false', 'False', 'no', '0']) expect(value(coerceCell(f('active'), no))).toBe(false);
    expect(code(coerceCell(f('active'), 'maybe'))).toBe('type');
    expect(code(coerceCell(f('active'), 'y'))).toBe('type');
  });

  it('reads dates as YYYY-MM-DD and date-times as ISO 8601', () => {
    expect(value(coerceCell(f('close_date'), '2026-03-01'))).toBe('2026-03-01');
    expect(code(coerceCell(f('close_date'), '01/03/2026'))).toBe('format');
    expect(code(coerceCell(f('close_date'), '2026-3-1'))).toBe('format');
    expect(value(coerceCell(f('closed_at'), '2026-03-01T09:30:00.123Z'))).toBe('2026-03-01T09:30:00.123Z');
    expect(value(coerceCell(f('closed_at'), '2026-03-01T09:30:00+02:00'))).toBe('2026-03-01T09:30:00+02:00');
    expect(value(coerceCell(f('closed_at'), '2026-03-01 09:30'))).toBe('2026-03-01T09:30:00Z');
    expect(value(coerceCell(f('closed_at'), '2026-03-01T09:30:00+0530'))).toBe('2026-03-01T09:30:00+05:30');
    expect(code(coerceCell(f('closed_at'), 'yesterday'))).toBe('format');
    expect(code(coerceCell(f('closed_at'), '2026-03-01'))).toBe('format');
  });

  it('reads picklist choices by value or label, and splits multipicklists on ";"', () => {
    expect(value(coerceCell(f('stage'), 'won'))).toBe('won');
    expect(value(coerceCell(f('stage'), 'Won'))).toBe('won');
    expect(value(coerceCell(f('stage'), '赢单'))).toBe('won');
    // an unknown choice passes through for the field validator to refuse (enum)
    expect(value(coerceCell(f('stage'), 'lost'))).toBe('lost');
    expect(value(coerceCell(f('tags'), 'hot;big'))).toEqual(['hot', 'big']);
    expect(value(coerceCell(f('tags'), ' Hot ; 大 ;hot;'))).toEqual(['hot', 'big']);
  });

  it('reads a choice as the first value (in order) whose value or any label folds to the text, as a search would', () => {
    // Values and labels drawn from a small alphabet, so they collide often and across values.
    const word = fc.stringMatching(/^[aAbB ]{1,3}$/);
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({
            value: word,
            label: fc.option(fc.oneof(word, fc.record({ en: word, 'zh-CN': word })), { nil: undefined }),
          }),
          { selector: (v) => v.value, minLength: 1, maxLength: 4 },
        ),
        word,
        (values, text) => {
          const defs = values.map((v) =>
            v.label === undefined ? { value: v.value } : { value: v.value, label: v.label },
          );
          const object = compile(1, {
            objects: [
              {
                ...OWNER,
                fields: [field('name', 'text', 'Name'), field('pick', 'picklist', 'Pick', { values: defs })],
              },
            ],
            layouts: [],
            listViews: [],
          }).objects.get('owner')!;
          const fold = (t: string) => t.trim().toLowerCase();
          const labels = (l: unknown): string[] =>
            l === undefined ? [] : typeof l === 'string' ? [l] : Object.values(l as Record<string, string>);
          const trimmed = text.trim();
          const expected =
            trimmed === ''
              ? undefined
              : defs.some((v) => v.value === trimmed)
                ? trimmed
                : (defs.find(
                    (v) => fold(v.value) === fold(trimmed) || labels(v.label).some((l) => fold(l) === fold(trimmed)),
                  )?.value ?? trimmed);
          const result = coerceCell(object.fields.get('pick')!, text);
          expect('value' in result ? result.value : undefined).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('reads address, geolocation and json from JSON text', () => {
    expect(value(coerceCell(f('address'), '{"city":"Lyon","country":"FR"}'))).toEqual({ city: 'Lyon', country: 'FR' });
    expect(value(coerceCell(f('location'), '{"latitude":45.76,"longitude":4.84}'))).toEqual({
      latitude: 45.76,
      longitude: 4.84,
    });
    expect(value(coerceCell(f('extra'), '[1,{"a":null}]'))).toEqual([1, { a: null }]);
    expect(value(coerceCell(f('extra'), "'-5"))).toBe(-5);
    for (const name of ['address', 'location', 'extra']) expect(code(coerceCell(f(name), '{city: Lyon}'))).toBe('json');
  });
});

describe('coerceRow', () => {
  const columns = mapHeaders(deal, ['name', 'seats', 'Legacy', 'active'], { Legacy: null });
  it('builds a record body from the mapped cells, leaving empty and ignored ones out', () => {
    expect(coerceRow(columns, 4, ['Acme', '12', 'L-1', ''])).toEqual({ body: { name: 'Acme', seats: 12 }, errors: [] });
  });
  it('collects every bad cell of a row', () => {
    const { errors } = coerceRow(columns, 4, ['Acme', 'twelve', 'x', 'perhaps']);
    expect(errors.map((e) => [e.field, e.code])).toEqual([
      ['seats', 'type'],
      ['active', 'type'],
    ]);
  });
  it('refuses a row whose cell count differs from the header', () => {
    expect(coerceRow(columns, 4, ['Acme', '12']).errors).toEqual([expect.objectContaining({ code: 'columns' })]);
    expect(coerceRow(columns, 4, ['a', 'b', 'c', 'd', 'e']).errors[0]!.code).toBe('columns');
  });
});
