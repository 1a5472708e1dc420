import { describe, expect, it } from 'vitest';
import { widgetFilter } from './widget-filter';

describe('dashboard-wide period filter', () => {
  it('applies the period to widgets with a date field, alongside their own filter', () => {
    expect(widgetFilter({ stage: { eq: 'won' } }, 'close_date', 'this_quarter')).toEqual({
      and: [{ stage: { eq: 'won' } }, { close_date: { eq: 'this_quarter' } }],
    });
    expect(widgetFilter(undefined, 'close_date', 'last_n_days:30')).toEqual({ close_date: { eq: 'last_n_days:30' } });
  });
  it('leaves widgets without a date field, and every widget under "all", as they are', () => {
    expect(widgetFilter({ a: 1 }, undefined, 'this_year')).toEqual({ a: 1 });
    expect(widgetFilter({ a: 1 }, 'close_date', 'all')).toEqual({ a: 1 });
    expect(widgetFilter(undefined, undefined, 'all')).toBeUndefined();
  });
});
