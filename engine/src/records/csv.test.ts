import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvLine, neutralise, numberCell, quote, textCell, unneutralise } from './csv.js';

/** The formula corpus: one cell a line; a line that is only a TAB-led case keeps its TAB. */
const FORMULAS = fs
  .readFileSync(new URL('../../test/corpus/csv-formulas.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '' && !l.startsWith('#'));

/** What a spreadsheet (or any RFC 4180 reader) gets back from one line. */
const readLine = (line: string): string[] => parse(line)[0]!;

describe('formula neutralising', () => {
  it('has a corpus to check', () => {
    expect(FORMULAS.length).toBeGreaterThanOrEqual(7);
    expect(FORMULAS.some((l) => l.startsWith('\t'))).toBe(true);
  });

  it.each(FORMULAS.map((line) => [JSON.stringify(line), line]))('neutralises %s', (_name, line) => {
    expect(neutralise(line)).toBe(`'${line}`);
    const cell = textCell(line);
    // Read back as a spreadsheet would: the cell starts with the apostrophe, never with a trigger.
    const [read] = readLine(csvLine([cell]));
    expect(read).toBe(`'${line}`);
    expect(unneutralise(read!)).toBe(line);
  });

  it('neutralises each trigger character, CR included', () => {
    for (const text of ['=A1', '+A1', '-A1', '@A1', '\tA1', '\rA1']) {
      expect(neutralise(text)).toBe(`'${text}`);
      expect(readLine(csvLine([textCell(text), 'x']))).toEqual([`'${text}`, 'x']);
    }
  });

  it('leaves plain text alone', () => {
    for (const text of ['Acme', 'a=b', ' leading space', "'quoted", '1+1', '', '多字节 =1'])
      expect(neutralise(text)).toBe(text);
  });

  it('keeps negative numbers numbers, and treats anything else in a number cell as text', () => {
    expect(numberCell(-12.5)).toBe('-12.5');
    expect(numberCell('-1080.25')).toBe('-1080.25');
    expect(numberCell(-2147483648)).toBe('-2147483648');
    expect(numberCell('0.00')).toBe('0.00');
    expect(numberCell('-1+1')).toBe("'-1+1");
    expect(numberCell('=1+1')).toBe("'=1+1");
    // the same text in a text field is neutralised: only number fields keep the minus
    expect(textCell('-12.5')).toBe("'-12.5");
  });

  it('round-trips text that already starts with apostrophes before a trigger', () => {
    for (const text of ["'=1+1", "''-3", "'''@x", "'plain"]) {
      expect(unneutralise(neutralise(text))).toBe(text);
      expect(unneutralise(readLine(csvLine([textCell(text)]))[0]!)).toBe(text);
    }
    // what a person types in a spreadsheet to keep a formula as text is read as that text
    expect(unneutralise("'=SUM(A1)")).toBe('=SUM(A1)');
  });
});

describe('RFC 4180 quoting', () => {
  it('quotes cells holding a comma, quote, CR or LF, doubling quotes', () => {
    expect(quote('plain')).toBe('plain');
    expect(quote('a,b')).toBe('"a,b"');
    expect(quote('say "hi"')).toBe('"say ""hi"""');
    expect(quote('two\nlines')).toBe('"two\nlines"');
    expect(quote('cr\rhere')).toBe('"cr\rhere"');
    expect(quote('')).toBe('');
  });

  it('ends lines with CRLF, and every cell reads back as written', () => {
    const cells = ['a,b', 'say "hi"', 'two\r\nlines', '多字节', '', "=cmd|' /C calc'!A0"];
    const line = csvLine(cells.map(textCell));
    expect(line.endsWith('\r\n')).toBe(true);
    expect(readLine(line).map(unneutralise)).toEqual(cells);
  });
});
