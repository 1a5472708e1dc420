import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRecordReader, CsvSyntaxError } from './csv-reader.js';

/** The import's reader against csv-parse (which reads the header) on generated files. */

const OPTIONS = { bom: true, relax_column_count: true, skip_empty_lines: true } as const;

/** The reader's records for the text fed in pieces cut at the given byte offsets; or the error. */
function read(text: string, cuts: number[] = [], max = 1_000_000): string[][] | CsvSyntaxError {
  const bytes = Buffer.from(text);
  const reader = new CsvRecordReader(max);
  const records: string[][] = [];
  try {
    let from = 0;
    for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
      records.push(...reader.push(bytes.subarray(from, cut)));
      from = cut;
    }
    records.push(...reader.push(bytes.subarray(from)));
    records.push(...reader.end());
  } catch (e) {
    if (e instanceof CsvSyntaxError) return e;
    throw e;
  }
  expect(reader.bytes).toBe(bytes.length);
  return records;
}

function reference(text: string): string[][] | Error {
  try {
    return parse(text, OPTIONS);
  } catch (e) {
    return e as Error;
  }
}

describe('CsvRecordReader', () => {
  it('reads what csv-parse reads, wherever the chunks are cut (even inside a character)', () => {
    const piece = fc.constantFrom('a', 'b', 'é', '🎉', ' ', ',', ',', '"', '"', '""', '\n', '\r\n', '\r', '\ufeff');
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 40 }).map((p) => p.join('')),
        fc.array(fc.nat(200), { maxLength: 6 }),
        (text, cuts) => {
          const ours = read(text, cuts);
          const theirs = reference(text);
          if (theirs instanceof Error)
            expect(ours, `${JSON.stringify(text)}: csv-parse refuses it (${theirs.message})`).toBeInstanceOf(
              CsvSyntaxError,
            );
          else expect(ours, JSON.stringify(text)).toEqual(theirs);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('reads well-formed files of quoted and plain fields as csv-parse does', () => {
    const cell = fc.string({ unit: fc.constantFrom('x', 'y', ' ', ',', '"', '\n', '\r', 'ü', '😀'), maxLength: 8 });
    const quote = (c: string) => (/[",\r\n]/.test(c) || c === '' ? `"${c.replace(/"/g, '""')}"` : c);
    fc.assert(
      fc.property(
        fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.boolean(),
        fc.array(fc.nat(300), { maxLength: 5 }),
        (rows, eol, trailing, cuts) => {
          const text = rows.map((r) => r.map(quote).join(',')).join(eol) + (trailing ? eol : '');
          expect(read(text, cuts)).toEqual(reference(text));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('refuses an unclosed quote, a quote in an unquoted field, text after a closing quote and an over-long record, with the row', () => {
    const refused = (text: string, max?: number) => {
      const result = read(text, [], max);
      expect(result).toBeInstanceOf(CsvSyntaxError);
      return (result as CsvSyntaxError).message;
    };
    expect(refused('title,code\r\nFine,BRK-1\r\n"never closed,BRK-2\r\n')).toMatch(/^Quote Not Closed: .* row 3 /);
    expect(refused('a,b\nab"c,d\n')).toMatch(/^Invalid Opening Quote: .*"ab".* row 2/);
    expect(refused('"a" ,b\n')).toMatch(/^Invalid Closing Quote: got " " .* row 1/);
    expect(refused('a,b\n"0123456789",x\n', 10)).toMatch(/^Max Record Size: row 2 /);
    expect(refused(`a\n"${'x'.repeat(50)}`, 20)).toMatch(/^Max Record Size/);
  });

  it('counts the bytes whose records it has returned', () => {
    const reader = new CsvRecordReader(1000);
    expect(reader.push(Buffer.from('a,b\nc,'))).toEqual([['a', 'b']]);
    expect(reader.bytes).toBe(4);
    expect(reader.push(Buffer.from('d\n'))).toEqual([['c', 'd']]);
    expect(reader.bytes).toBe(8);
    expect(reader.end()).toEqual([]);
  });
});
