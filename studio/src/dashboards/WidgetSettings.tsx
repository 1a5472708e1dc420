import { uiOf } from '@tessera/runtime-ui/fields/field-ui';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { FilterBuilder } from '@tessera/runtime-ui/list/FilterBuilder';
import { emptyGroup, toApiFilter, type FilterGroup } from '@tessera/runtime-ui/list/filter-model';
import { fromApiFilter } from '@tessera/runtime-ui/list/my-views';
import { useMeta } from '@tessera/runtime-ui/metadata/use-metadata';
import { Alert, Drawer, Form, Input, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useObjects } from '../objects/use-studio-data';
import { editorFields } from '../views/editor-fields';
import { errorsAt } from '../views/view-draft';
import {
  BUCKETS,
  groupable,
  groupByString,
  measurable,
  METRIC_FNS,
  metricString,
  parseGroupBy,
  parseMetric,
  temporal,
  WIDGET_TYPES,
  withObject,
  withType,
  type DraftWidget,
  type MetricFn,
} from './dashboard-draft';

/**
 * One widget's settings: title, chart type, object, what is measured (count, or sum/avg/min/max
 * of a number field), the grouping (a date field may take a bucket), the period's date field and
 * the filter, built with the runtime UI's own filter builder. Objects and fields offered are the
 * draft's, as the widget is saved to the draft; the tile's preview waits for what is not published
 * (live data exists only for published objects and fields), and so does the filter builder.
 */
export function WidgetSettings({
  widget,
  index,
  error,
  onChange,
  onClose,
}: {
  widget: DraftWidget;
  index: number;
  error: unknown;
  onChange: (w: DraftWidget) => void;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const draftObjects = useObjects();
  const lng = i18n.language;
  const parsed = widget.filter === undefined ? emptyGroup() : fromApiFilter(widget.filter);
  const [tree, setTree] = useState<FilterGroup>(parsed ?? emptyGroup());
  const draftObject = draftObjects.data?.find((o) => o.apiName === widget.object);
  const fields = editorFields(draftObject, meta.object(widget.object), meta.objects);
  const options = (keep: (f: (typeof fields)[number]) => boolean) =>
    fields.filter(keep).map((f) => ({ value: f.apiName, label: labelOf(f.label, lng, f.apiName) }));
  const objects = draftObjects.data ?? meta.objects;
  const metric = parseMetric(widget.metric);
  const group = parseGroupBy(widget.groupBy);
  const groupField = group.field ? fields.find((f) => f.apiName === group.field) : undefined;
  const at = `/widgets/${index}`;
  const problem = (p: string) => errorsAt(error, `${at}${p}`);
  const item = (p: string) => ({
    validateStatus: problem(p) ? ('error' as const) : undefined,
    help: problem(p),
  });
  return (
    <Drawer
      open
      title={t('studio.views.dashboards.widgetSettings')}
      onClose={onClose}
      size={520}
      data-testid="widget-settings"
    >
      <Form layout="vertical" component="div">
        <Form.Item label={t('studio.views.dashboards.widgetLabel')} htmlFor="widget-label" {...item('/label')}>
          <Input
            id="widget-label"
            value={labelOf(widget.label, 'en', '')}
            onChange={(e) =>
              onChange({
                ...widget,
                label: { ...(typeof widget.label === 'object' ? widget.label : {}), en: e.target.value },
              })
            }
          />
        </Form.Item>
        <Form.Item label={t('studio.views.dashboards.widgetLabelZh')} htmlFor="widget-label-zh">
          <Input
            id="widget-label-zh"
            value={typeof widget.label === 'object' ? (widget.label['zh-CN'] ?? '') : ''}
            onChange={(e) =>
              onChange({
                ...widget,
                label: {
                  ...(typeof widget.label === 'object' ? widget.label : { en: widget.label }),
                  'zh-CN': e.target.value,
                },
              })
            }
          />
        </Form.Item>
        <Form.Item label={t('studio.views.dashboards.type')} {...item('/type')}>
          <Select
            aria-label={t('studio.views.dashboards.type')}
            value={widget.type}
            onChange={(type) => onChange(withType(widget, type))}
            options={WIDGET_TYPES.map((type) => ({ value: type, label: t(`studio.views.dashboards.types.${type}`) }))}
          />
        </Form.Item>
        <Form.Item label={t('studio.views.dashboards.object')} {...item('/object')}>
          <Select
            aria-label={t('studio.views.dashboards.object')}
            showSearch={{ optionFilterProp: 'label' }}
            value={widget.object}
            onChange={(object: string) => {
              setTree(emptyGroup());
              onChange(withObject(widget, object));
            }}
            loading={draftObjects.isPending}
            options={objects.map((o) => ({ value: o.apiName, label: labelOf(o.pluralLabel, lng, o.apiName) }))}
          />
        </Form.Item>
        <Form.Item label={t('studio.views.dashboards.measure')} {...item('/metric')}>
          <Select
            aria-label={t('studio.views.dashboards.measure')}
            value={metric.fn}
            onChange={(fn: MetricFn) =>
              onChange({
                ...widget,
                metric: metricString(fn, metric.field ?? options((f) => measurable(uiOf(f).filterInput))[0]?.value),
              })
            }
            options={METRIC_FNS.map((fn) => ({ value: fn, label: t(`studio.views.dashboards.fns.${fn}`) }))}
          />
          {metric.fn !== 'count' && (
            <Select
              aria-label={t('studio.views.dashboards.measureField')}
              style={{ marginTop: 8 }}
              value={metric.field}
              onChange={(field: string) => onChange({ ...widget, metric: metricString(metric.fn, field) })}
              options={options((f) => measurable(uiOf(f).filterInput))}
            />
          )}
        </Form.Item>
        {widget.type !== 'metric' && (
          <Form.Item label={t('studio.views.dashboards.groupBy')} {...item('/groupBy')}>
            <Select
              aria-label={t('studio.views.dashboards.groupBy')}
              showSearch={{ optionFilterProp: 'label' }}
              value={group.field}
              onChange={(field: string) => onChange({ ...widget, groupBy: groupByString(field, undefined) })}
              options={options((f) => groupable(uiOf(f).filterInput))}
            />
            {groupField && temporal(uiOf(groupField).filterInput) && (
              <Select
                aria-label={t('studio.views.dashboards.bucket')}
                style={{ marginTop: 8 }}
                allowClear
                value={group.bucket}
                onChange={(bucket?: string) => onChange({ ...widget, groupBy: groupByString(group.field, bucket) })}
                options={BUCKETS.map((b) => ({ value: b, label: t(`studio.views.dashboards.buckets.${b}`) }))}
              />
            )}
          </Form.Item>
        )}
        <Form.Item label={t('studio.views.dashboards.dateField')} {...item('/dateField')}>
          <Select
            aria-label={t('studio.views.dashboards.dateField')}
            allowClear
            value={widget.dateField}
            onChange={(dateField?: string) => onChange({ ...widget, dateField })}
            options={options((f) => temporal(uiOf(f).filterInput))}
          />
        </Form.Item>
        <Form.Item label={t('studio.views.dashboards.filter')}>
          {problem('/filter') && <Alert type="error" showIcon title={problem('/filter')} style={{ marginBottom: 8 }} />}
          {!meta.object(widget.object) ? (
            <Alert type="info" showIcon title={t('studio.drafts.filterAfterPublish')} />
          ) : parsed || widget.filter === undefined ? (
            <FilterBuilder
              object={widget.object}
              value={tree}
              onChange={(next) => {
                setTree(next);
                onChange({ ...widget, filter: toApiFilter(next) });
              }}
            />
          ) : (
            <Alert
              type="warning"
              showIcon
              title={t('studio.views.rawFilter')}
              description={<code>{JSON.stringify(widget.filter)}</code>}
            />
          )}
        </Form.Item>
      </Form>
    </Drawer>
  );
}
