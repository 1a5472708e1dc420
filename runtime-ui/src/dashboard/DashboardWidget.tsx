import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Empty, Skeleton, Statistic } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import type { DashboardWidgetMeta } from '../api/metadata.api';
import type { ApiError } from '../api/api-error';
import { aggregate } from '../api/records.api';
import { FIELD_UI, uiOf, valueText } from '../fields/field-ui';
import { formatCompact, formatCurrency, formatNumber } from '../fields/format';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { chartOption } from './chart-option';
import { groupName } from './group-name';
import { widgetFilter } from './widget-filter';

// ECharts is loaded with the first chart, never with the app.
const EChart = lazy(() => import('./EChart'));

/** One widget: a key figure or a chart over GET /records/{object}/aggregate. */
export function DashboardWidget({
  widget,
  period,
  corporate,
}: {
  widget: DashboardWidgetMeta;
  period: string;
  corporate: string | undefined;
}) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const lng = i18n.language;
  const [fn, metricFieldName] = widget.metric.split(':');
  const metricField = metricFieldName ? meta.field(widget.object, metricFieldName) : undefined;
  // Amounts are converted to the corporate currency, and a formula giving one is in it already.
  const convert = metricField !== undefined && FIELD_UI[metricField.type].money === true;
  const money = metricField !== undefined && uiOf(metricField).money === true;
  const groupFieldName = (widget.groupBy ?? '').split(':')[0];
  const groupField = groupFieldName ? meta.field(widget.object, groupFieldName) : undefined;
  const filter = widgetFilter(widget.filter, widget.dateField, period);
  const result = useQuery({
    queryKey: ['records', widget.object, 'aggregate', widget.id, widget.metric, widget.groupBy, filter],
    queryFn: () =>
      aggregate(widget.object, {
        metrics: widget.metric,
        groupBy: widget.groupBy,
        filter,
        ...(convert ? { currency: 'corporate' as const } : {}),
      }),
  });
  const format = (n: number) =>
    money ? formatCurrency(n, corporate, lng) : formatNumber(n, lng, fn === 'avg' ? 2 : undefined);
  const title = labelOf(widget.label, lng);

  let body: React.ReactNode;
  if (result.isPending) body = <Skeleton active paragraph={{ rows: 2 }} />;
  else if (result.error)
    body = <Alert type="error" title={t('dashboard.error')} description={(result.error as ApiError).display} />;
  else if (widget.type === 'metric') {
    const value = Number(result.data.data[0]?.[widget.metric] ?? 0);
    body = <Statistic value={value} formatter={(v) => format(Number(v))} />;
  } else {
    const words = { none: t('kanban.none'), unnamed: t('record.untitled') };
    const points = result.data.data.map((row) => ({
      name: groupName(row, widget.groupBy!, groupField, lng, words),
      value: Number(row[widget.metric] ?? 0),
    }));
    // A funnel reads top-down in the picklist's order; the aggregate answers in value order.
    if (groupField?.values) {
      const order = groupField.values.map((v) => valueText(groupField, v.value, lng));
      points.sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
    }
    body =
      points.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dashboard.noData')} />
      ) : (
        <Suspense fallback={<Skeleton active />}>
          <EChart
            option={chartOption(widget.type, points, format, (n) => formatCompact(n, lng, money ? corporate : null))}
            label={title}
            summary={points.map((p) => `${p.name}: ${format(p.value)}`).join('; ')}
          />
        </Suspense>
      );
  }
  return (
    <Card title={title} size="small" style={{ height: '100%' }} data-testid={`widget-${widget.type}`}>
      {body}
    </Card>
  );
}
