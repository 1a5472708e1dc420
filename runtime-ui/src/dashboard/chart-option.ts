import type { WidgetType } from '../api/metadata.api';

/** ECharts options for the four chart types from grouped numbers. Pure, so it is tested alone. */
export function chartOption(
  type: Exclude<WidgetType, 'metric'>,
  points: { name: string; value: number }[],
  format: (n: number) => string,
  axisFormat: (n: number) => string = format,
): Record<string, unknown> {
  const tooltip = {
    trigger: type === 'bar' || type === 'line' ? 'axis' : 'item',
    valueFormatter: (v: number) => format(v),
  };
  if (type === 'pie' || type === 'funnel') {
    return {
      tooltip,
      legend: { bottom: 0, type: 'scroll' },
      series: [
        {
          type,
          ...(type === 'pie'
            ? { radius: ['35%', '65%'], center: ['50%', '45%'] }
            : { top: 10, bottom: 40, left: '10%', width: '80%', sort: 'none' }),
          data: points,
          label: { formatter: type === 'funnel' ? '{b}' : '{b}: {d}%' },
        },
      ],
    };
  }
  return {
    tooltip,
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: {
      type: 'category',
      data: points.map((p) => p.name),
      axisLabel: { interval: 0, rotate: points.length > 5 ? 30 : 0 },
    },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => axisFormat(v) } },
    series: [
      {
        type,
        data: points.map((p) => p.value),
        ...(type === 'line' ? { smooth: true, areaStyle: { opacity: 0.15 } } : { barMaxWidth: 48 }),
      },
    ],
  };
}
