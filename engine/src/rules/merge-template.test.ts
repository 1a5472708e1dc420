import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mergeTemplate, templateFields } from './merge-template.js';

/** The XSS corpus (the repository's copy of shared/corpus/xss.txt): one case a line. */
const XSS = fs
  .readFileSync(new URL('../../test/corpus/xss.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));

const RECORD = {
  name: 'Ada Lovelace',
  amount: 1234.5,
  seats: 0,
  won: false,
  close_date: '2025-03-31',
  deal: { id: 'd1', name: 'Analytical Engine', account: { name: 'Babbage & Co' } },
  nothing: null,
};

const text = (template: string, values: Record<string, unknown> = RECORD) => mergeTemplate(template, values, 'text');

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

describe('mergeTemplate paths', () => {
  it('merges top-level and dotted paths, with or without spaces inside the braces', () => {
    expect(text('Hello {{name}}, your deal {{deal.name}} closes on {{close_date}}')).toBe(
      'Hello Ada Lovelace, your deal Analytical Engine closes on 2025-03-31',
    );
    expect(text('{{ name }}|{{\tdeal.account.name\n}}|{{  deal.name}}')).toBe(
      'Ada Lovelace|Babbage & Co|Analytical Engine',
    );
    expect(text('{{_x1}}', { _x1: 'underscore' })).toBe('underscore');
  });

  it('leaves a template without fields as it is', () => {
    expect(text('')).toBe('');
    expect(text('No fields here; {single} braces and }} stray {{ ones')).toBe(
      'No fields here; {single} braces and }} stray {{ ones',
    );
  });

  it('merges a missing, null or undefined value as nothing', () => {
    expect(text('[{{missing}}][{{nothing}}][{{deal.missing}}][{{missing.deeper}}][{{name.first}}]')).toBe('[][][][][]');
    expect(text('[{{u}}]', { u: undefined })).toBe('[]');
  });

  it.each([
    '{{1abc}}',
    '{{deal..name}}',
    '{{deal.}}',
    '{{.deal}}',
    '{{na me}}',
    '{{name-x}}',
    '{{deal[0]}}',
    '{{deal.0}}',
    '{{name | upper}}',
    "{{name + 'x'}}",
    '{{}}',
    '{{ }}',
    '{{ $name }}',
    '{{ näme }}',
  ])('keeps %s literally: it names no path', (template) => {
    expect(text(`a ${template} b`)).toBe(`a ${template} b`);
    expect(mergeTemplate(`a ${template} b`, RECORD, 'html')).toBe(`a ${template} b`);
  });

  it('merges a field beside stray braces', () => {
    expect(text('{{{name}}}')).toBe('{Ada Lovelace}');
  });

  it('merges in one pass: a value that holds a merge field stays that text', () => {
    expect(text('{{a}} {{b}}', { a: '{{b}}', b: 'B' })).toBe('{{b}} B');
  });
});

describe('mergeTemplate values', () => {
  it('shows numbers, booleans and dates as plain text', () => {
    expect(text('{{amount}} {{seats}} {{won}} {{yes}}', { ...RECORD, yes: true })).toBe('1234.5 0 false true');
    expect(text('{{big}}', { big: 12345678901234567890n })).toBe('12345678901234567890');
    expect(text('{{at}}', { at: new Date(Date.UTC(2025, 2, 31, 9, 30)) })).toBe('2025-03-31T09:30:00.000Z');
    expect(text('[{{at}}]', { at: new Date('not a date') })).toBe('[]');
  });

  it('joins arrays with ", ", lookups by name, and leaves out empty items', () => {
    expect(text('{{tags}}', { tags: ['vip', 'emea'] })).toBe('vip, emea');
    expect(text('{{owners}}', { owners: [{ name: 'Ada' }, null, { name: 'Charles' }, { id: 'x' }] })).toBe(
      'Ada, Charles',
    );
    expect(text('[{{tags}}]', { tags: [] })).toBe('[]');
  });

  it('shows an object by its name, and an object without one as nothing', () => {
    expect(text('{{deal}} / {{deal.account}}')).toBe('Analytical Engine / Babbage & Co');
    expect(text('[{{owner}}]', { owner: { id: 'u1', email: 'ada@example.com' } })).toBe('[]');
    expect(text('{{owner}}', { owner: { name: null } })).toBe('');
  });
});

describe('mergeTemplate reaches no prototype', () => {
  it.each([
    '{{constructor}}',
    '{{__proto__}}',
    '{{prototype}}',
    '{{toString}}',
    '{{hasOwnProperty}}',
    '{{valueOf}}',
    '{{deal.constructor}}',
    '{{deal.constructor.name}}',
    '{{__proto__.toString}}',
    '{{name.length}}',
    '{{name.constructor.name}}',
    '{{tags.length}}',
    '{{at.getTime}}',
    '{{fn.name}}',
  ])('merges %s as nothing', (template) => {
    const values = { ...RECORD, tags: ['a'], at: new Date(0), fn: function named() {} };
    expect(text(`[${template}]`, values)).toBe('[]');
    expect(text(`[${template}]`, Object.assign(Object.create(null) as Record<string, unknown>, values))).toBe('[]');
  });

  it('keeps prototype names empty even as own keys, as JSON.parse makes them', () => {
    const values = JSON.parse(
      '{"__proto__": {"name": "P", "polluted": "yes"}, "json": {"constructor": {"name": "C"}, "prototype": "T"}}',
    ) as Record<string, unknown>;
    expect(Object.hasOwn(values, '__proto__')).toBe(true);
    expect(
      text(
        '[{{__proto__}}{{__proto__.polluted}}{{json.constructor}}{{json.constructor.name}}{{json.prototype}}]',
        values,
      ),
    ).toBe('[]');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('does not spread a prototype some other bug polluted', () => {
    Object.defineProperty(Object.prototype, 'pollutedElsewhere', { value: 'leak', configurable: true });
    try {
      expect(text('[{{pollutedElsewhere}}][{{deal.pollutedElsewhere}}]')).toBe('[][]');
    } finally {
      delete (Object.prototype as Record<string, unknown>).pollutedElsewhere;
    }
  });

  it('does not show a class instance, only plain objects', () => {
    class Owner {
      name = 'hidden';
    }
    expect(text('[{{owner}}][{{owner.name}}]', { owner: new Owner() })).toBe('[][]');
  });
});

describe('mergeTemplate html mode', () => {
  it('has a corpus to check', () => {
    expect(XSS.length).toBeGreaterThanOrEqual(8);
  });

  it.each(XSS.map((line) => [JSON.stringify(line), line]))(
    'renders %s inert, in text and in an attribute',
    (_name, line) => {
      const html = mergeTemplate(
        '<p title="{{name}}">Hi {{deal.name}}</p>',
        { name: line, deal: { name: line } },
        'html',
      );
      // The value can neither close the attribute's quotes nor open a tag, and reads back unchanged.
      const parts = /^<p title="([^"<>]*)">Hi ([^"'<>]*)<\/p>$/.exec(html);
      expect(parts).not.toBeNull();
      expect(unescapeHtml(parts![1]!)).toBe(line);
      expect(unescapeHtml(parts![2]!)).toBe(line);
      // In text mode the same value is merged as written.
      expect(mergeTemplate('Hi {{name}}', { name: line }, 'text')).toBe(`Hi ${line}`);
    },
  );

  it.each(XSS.map((line) => [JSON.stringify(line), line]))('keeps the template %s as written', (_name, line) => {
    // The template is the admin's trusted text: none of these lines names a field, so nothing changes.
    expect(mergeTemplate(line, RECORD, 'html')).toBe(line);
    expect(templateFields(line)).toEqual([]);
  });

  it('escapes every special character of a value, names of lookups and array items too', () => {
    expect(mergeTemplate('<b>{{v}}</b>', { v: `&<>"'` }, 'html')).toBe('<b>&amp;&lt;&gt;&quot;&#39;</b>');
    expect(mergeTemplate('{{deal.account}}', RECORD, 'html')).toBe('Babbage &amp; Co');
    expect(mergeTemplate('{{tags}}', { tags: ['<i>', { name: '<b>' }] }, 'html')).toBe('&lt;i&gt;, &lt;b&gt;');
    expect(mergeTemplate('{{v}}', { v: '&amp;' }, 'html')).toBe('&amp;amp;');
  });
});

describe('templateFields', () => {
  it('lists each path a template names once, in order of first use', () => {
    expect(templateFields('Hello {{name}}, your deal {{ deal.name }} closes on {{close_date}}; bye {{name}}')).toEqual([
      'name',
      'deal.name',
      'close_date',
    ]);
  });

  it('lists nothing for text without fields, and skips what names no path', () => {
    expect(templateFields('')).toEqual([]);
    expect(templateFields('{{1abc}} {{deal..name}} {{ a b }} {{x()}} {{}} {{ok}}')).toEqual(['ok']);
  });

  it('lists prototype names, so a save-time check refuses them as unknown fields', () => {
    expect(templateFields('{{__proto__.x}} {{constructor}}')).toEqual(['__proto__.x', 'constructor']);
  });
});
