import { describe, expect, it } from 'vitest';
import { chartOption } from './chart-option';

const points = [
  { name: 'Prospecting', value: 100 },
  { name: 'Proposal', value: 40 },
];

describe('dashboard chart options', () => {
  it('puts groups on the category axis for bar and line charts', () => {
    const bar = chartOption('bar', points, String) as {
      xAxis: { data: string[] };
      series: { type: string; data: number[] }[];
    };
    expect(bar.xAxis.data).toEqual(['Prospecting', 'Proposal']);
    expect(bar.series[0]).toMatchObject({ type: 'bar', data: [100, 40] });
    expect((chartOption('line', points, String) as { series: { type: string }[] }).series[0]!.type).toBe('line');
  });

  it('keeps the stage order in a funnel (no re-sorting) and names slices in a pie', () => {
    const funnel = chartOption('funnel', points, String) as {
      series: { type: string; sort: string; data: unknown[] }[];
    };
    expect(funnel.series[0]).toMatchObject({ type: 'funnel', sort: 'none', data: points });
    expect((chartOption('pie', points, String) as { series: { data: unknown[] }[] }).series[0]!.data).toEqual(points);
  });
});
