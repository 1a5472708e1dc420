import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useId, useRef, type CSSProperties } from 'react';

// Only the chart types dashboards use, so the chunk stays a fraction of full ECharts.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  FunnelChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  CanvasRenderer,
]);

/** Read by screen readers, not shown: what a canvas cannot say. */
const VISUALLY_HIDDEN: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
};

/**
 * An ECharts canvas that follows its option and its container's size. A canvas holds no text, so
 * `summary` (each point's name and value) describes it to screen readers.
 */
export default function EChart({
  option,
  height = 280,
  label,
  summary,
}: {
  option: echarts.EChartsCoreOption;
  height?: number;
  label: string;
  summary: string;
}) {
  const summaryId = useId();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(undefined);
  useEffect(() => {
    chart.current = echarts.init(box.current);
    const observer = new ResizeObserver(() => chart.current?.resize());
    observer.observe(box.current!);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, true);
  }, [option]);
  return (
    <div style={{ position: 'relative' }}>
      <div ref={box} role="img" aria-label={label} aria-describedby={summaryId} style={{ width: '100%', height }} />
      <p id={summaryId} style={VISUALLY_HIDDEN} data-testid="chart-summary">
        {summary}
      </p>
    </div>
  );
}
