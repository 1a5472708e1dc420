import { describe, expect, it } from 'vitest';
import { dateLiteralRange, isDateLiteral, rangeValues } from './date-literals.js';

// Wednesday 2026-11-18, late in the UTC day
const now = new Date('2026-11-18T23:30:00Z');
const range = (literal: string) => rangeValues(dateLiteralRange(literal, now), 'date');

describe('date literals', () => {
  it('turns each literal into a half-open UTC range of days', () => {
    expect(range('today')).toEqual(['2026-11-18', '2026-11-19']);
    expect(range('yesterday')).toEqual(['2026-11-17', '2026-11-18']);
    expect(range('tomorrow')).toEqual(['2026-11-19', '2026-11-20']);
    expect(range('this_week')).toEqual(['2026-11-16', '2026-11-23']);
    expect(range('last_week')).toEqual(['2026-11-09', '2026-11-16']);
    expect(range('this_month')).toEqual(['2026-11-01', '2026-12-01']);
    expect(range('next_month')).toEqual(['2026-12-01', '2027-01-01']);
    expect(range('this_quarter')).toEqual(['2026-10-01', '2027-01-01']);
    expect(range('last_quarter')).toEqual(['2026-07-01', '2026-10-01']);
    expect(range('next_quarter')).toEqual(['2027-01-01', '2027-04-01']);
    expect(range('this_year')).toEqual(['2026-01-01', '2027-01-01']);
    expect(range('last_n_days:7')).toEqual(['2026-11-12', '2026-11-19']);
    expect(range('next_n_days:7')).toEqual(['2026-11-19', '2026-11-26']);
    expect(range('last_n_months:2')).toEqual(['2026-09-19', '2026-11-19']);
  });

  it('gives timestamptz bounds for datetime fields', () => {
    expect(rangeValues(dateLiteralRange('today', now), 'datetime')).toEqual([
      '2026-11-18T00:00:00.000Z',
      '2026-11-19T00:00:00.000Z',
    ]);
  });

  it('recognises only the listed literals', () => {
    for (const ok of ['today', 'this_quarter', 'last_n_days:30', 'next_n_years:2'])
      expect(isDateLiteral(ok), ok).toBe(true);
    for (const bad of ['Today', 'this_decade', 'last_n_days', 'last_n_days:-1', 'last_n_days:99999', 'today ', 7, null])
      expect(isDateLiteral(bad), String(bad)).toBe(false);
  });
});
