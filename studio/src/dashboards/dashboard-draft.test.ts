import { describe, expect, it } from 'vitest';
import {
  widgetFieldNames,
  cleanDashboard,
  groupByString,
  metricString,
  newWidget,
  parseGroupBy,
  parseMetric,
  widgetCols,
  withDescription,
  withObject,
  withPeriod,
  withType,
} from './dashboard-draft';

describe('dashboard drafts', () => {
  it('reads and writes metrics', () => {
    expect(parseMetric('sum:amount')).toEqual({ fn: 'sum', field: 'amount' });
    expect(parseMetric('count')).toEqual({ fn: 'count', field: undefined });
    expect(metricString('sum', 'amount')).toBe('sum:amount');
    expect(metricString('avg', undefined)).toBe('count');
    expect(metricString('count', 'amount')).toBe('count');
  });

  it('reads and writes groupings with a date bucket', () => {
    expect(parseGroupBy('close_date:month')).toEqual({ field: 'close_date', bucket: 'month' });
    expect(parseGroupBy(undefined)).toEqual({});
    expect(groupByString('stage', undefined)).toBe('stage');
    expect(groupByString('close_date', 'year')).toBe('close_date:year');
    expect(groupByString(undefined, 'year')).toBeUndefined();
  });

  it('drops the grouping of a key figure and the fields of another object', () => {
    const chart = { ...newWidget('opportunity', 'By stage'), type: 'bar' as const, groupBy: 'stage' };
    expect(withType(chart, 'metric').groupBy).toBeUndefined();
    expect(withType(chart, 'pie').groupBy).toBe('stage');
    const moved = withObject({ ...chart, metric: 'sum:amount', filter: { stage: 'won' } }, 'case');
    expect(moved).toMatchObject({ object: 'case', metric: 'count' });
    expect(moved.groupBy).toBeUndefined();
    expect(moved.filter).toBeUndefined();
  });

  it('gives a new widget the id it is given, and none otherwise', () => {
    expect(newWidget('a', 'A', 'wdg_1').id).toBe('wdg_1');
    expect('id' in newWidget('a', 'A')).toBe(false);
  });

  it('lays widgets out as the runtime UI does', () => {
    expect(widgetCols(newWidget('a', 'A'))).toBe(8);
    expect(widgetCols({ ...newWidget('a', 'A'), type: 'bar' })).toBe(12);
    expect(widgetCols({ ...newWidget('a', 'A'), type: 'bar', span: 2 })).toBe(24);
  });

  it('leaves out empty filters and groupings', () => {
    const d = cleanDashboard({
      apiName: 'd',
      label: 'D',
      widgets: [{ ...newWidget('a', 'A'), filter: {}, groupBy: '' }],
    });
    expect(d.widgets[0]).toEqual({ type: 'metric', label: { en: 'A' }, object: 'a', metric: 'count' });
  });

  it('sets and clears the description and the opening period without leaving empty parts', () => {
    const d = { apiName: 'd', label: 'D', widgets: [] };
    expect(withDescription(d, 'Pipeline').description).toEqual({ en: 'Pipeline' });
    expect(withDescription({ ...d, description: { en: 'x', 'zh-CN': '管道' } }, '').description).toEqual({
      'zh-CN': '管道',
    });
    expect('description' in withDescription({ ...d, description: { en: 'x' } }, '')).toBe(false);
    expect(withPeriod(d, 'this_quarter').dateFilter).toEqual({ default: 'this_quarter' });
    expect('dateFilter' in withPeriod({ ...d, dateFilter: { default: 'this_year' } }, 'all')).toBe(false);
    expect(withPeriod({ ...d, dateFilter: { label: 'Closes', default: 'this_year' } }, 'all').dateFilter).toEqual({
      label: 'Closes',
    });
  });

  it('names the fields a widget measures, groups by and dates its period on', () => {
    const w = newWidget('vehicle', 'Mileage');
    expect(widgetFieldNames(w)).toEqual([]);
    expect(
      widgetFieldNames({ ...w, metric: 'sum:mileage', groupBy: 'bought_on:month', dateField: 'bought_on' }),
    ).toEqual(['mileage', 'bought_on', 'bought_on']);
  });
});
