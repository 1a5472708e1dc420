import { describe, expect, it } from 'vitest';
import { csvHeader, guessField } from './csv-header';

describe('CSV header for column mapping', () => {
  it('reads quoted cells, doubled quotes, a BOM, and stops at the first line end', () => {
    expect(csvHeader('\ufeffName,"Amount, USD","Say ""hi""",Stage\r\nAcme,1,2,3')).toEqual([
      'Name',
      'Amount, USD',
      'Say "hi"',
      'Stage',
    ]);
    expect(csvHeader('a,b\nc,d')).toEqual(['a', 'b']);
    expect(csvHeader('"multi\nline",x\n1,2')).toEqual(['multi\nline', 'x']);
  });

  it('matches headers to fields by API name or any label, case-insensitively', () => {
    const fields = [
      { apiName: 'close_date', labels: ['Close Date', '预计成交日期'] },
      { apiName: 'name', labels: ['Opportunity Name'] },
    ];
    expect(guessField('close date', fields)).toBe('close_date');
    expect(guessField('预计成交日期', fields)).toBe('close_date');
    expect(guessField('NAME', fields)).toBe('name');
    expect(guessField('Owner', fields)).toBeUndefined();
  });
});
