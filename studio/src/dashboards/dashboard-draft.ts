import type { FilterInputKind } from '@tessera/runtime-ui/fields/field-ui';
import type { Label } from '@tessera/runtime-ui/api/metadata.api';

/**
 * A dashboard as the draft holds it (dashboard.schema.json) and the pure edits its editor makes.
 * The schema's layout is the widgets' order (reading order) and each one's span (half or full
 * width); a key figure takes a third, as the runtime UI draws it.
 */

export type WidgetType = 'metric' | 'bar' | 'line' | 'pie' | 'funnel';
export const WIDGET_TYPES: WidgetType[] = ['metric', 'bar', 'line', 'pie', 'funnel'];
export type MetricFn = 'count' | 'sum' | 'avg' | 'min' | 'max';
export const METRIC_FNS: MetricFn[] = ['count', 'sum', 'avg', 'min', 'max'];
export const BUCKETS = ['day', 'week', 'month', 'quarter', 'year'] as const;

export interface DraftWidget {
  id?: string;
  type: WidgetType;
  label: Label;
  object: string;
  metric: string;
  groupBy?: string;
  filter?: Record<string, unknown>;
  dateField?: string;
  span?: 1 | 2;
}

export interface DraftDashboard {
  id?: string;
  apiName: string;
  label: Label;
  description?: Label;
  dateFilter?: { label?: Label; default?: string };
  widgets: DraftWidget[];
}

/** `sum:amount` → { fn: 'sum', field: 'amount' }; `count` → { fn: 'count' }. */
export function parseMetric(metric: string): { fn: MetricFn; field?: string } {
  const [fn, field] = metric.split(':');
  return { fn: (METRIC_FNS as string[]).includes(fn!) ? (fn as MetricFn) : 'count', field: field || undefined };
}

/** The metric string; a function other than count without a field yet stays a count. */
export function metricString(fn: MetricFn, field: string | undefined): string {
  return fn === 'count' || !field ? 'count' : `${fn}:${field}`;
}

/** `close_date:month` → { field, bucket }. */
export function parseGroupBy(groupBy: string | undefined): { field?: string; bucket?: string } {
  if (!groupBy) return {};
  const [field, bucket] = groupBy.split(':');
  return { field, bucket };
}

export function groupByString(field: string | undefined, bucket: string | undefined): string | undefined {
  if (!field) return undefined;
  return bucket ? `${field}:${bucket}` : field;
}

/**
 * A new widget: a count of the object's records, as one key figure. It gets its stable id here
 * (the schema allows any), so it keeps its identity on the grid while it moves before a save.
 */
export function newWidget(object: string, label: string, id?: string): DraftWidget {
  return { ...(id ? { id } : {}), type: 'metric', label: { en: label }, object, metric: 'count' };
}

/** A key figure has no groups; a chart keeps the grouping it had. */
export function withType(widget: DraftWidget, type: WidgetType): DraftWidget {
  const next: DraftWidget = { ...widget, type };
  if (type === 'metric') delete next.groupBy;
  return next;
}

/** Moving to another object starts the measure and grouping over: the old fields are not its. */
export function withObject(widget: DraftWidget, object: string): DraftWidget {
  const next: DraftWidget = { ...widget, object, metric: 'count' };
  delete next.groupBy;
  delete next.filter;
  delete next.dateField;
  return next;
}

/** Columns (of 24) a widget takes on a wide screen, as the runtime UI's dashboard lays it out. */
export const widgetCols = (w: DraftWidget) => (w.type === 'metric' ? 8 : (w.span ?? 1) === 2 ? 24 : 12);

/** What a filter input kind allows a field to do in a widget. */
export const measurable = (kind: FilterInputKind) => kind === 'number';
export const temporal = (kind: FilterInputKind) => kind === 'date' || kind === 'datetime';
export const groupable = (kind: FilterInputKind) => kind !== 'none' && kind !== 'number';

/** The fields a widget names: what it measures, groups by and filters the period on. */
export function widgetFieldNames(w: DraftWidget): string[] {
  const names = [parseMetric(w.metric).field, parseGroupBy(w.groupBy).field, w.dateField];
  return names.filter((n): n is string => !!n);
}

/** The draft without empty optional parts, so an unset filter is absent rather than invalid. */
export function cleanDashboard(d: DraftDashboard): DraftDashboard {
  return {
    ...d,
    widgets: d.widgets.map((w) => {
      const out: DraftWidget = { ...w };
      if (!out.filter || Object.keys(out.filter).length === 0) delete out.filter;
      if (!out.groupBy) delete out.groupBy;
      if (!out.dateField) delete out.dateField;
      return out;
    }),
  };
}

/** Stable keys for widgets not saved yet (the server gives ids on save). */
export const widgetKey = (w: DraftWidget, index: number) => w.id ?? `new-${index}`;

/** The English description; an empty one is absent (the schema wants text when it is there). */
export function withDescription(d: DraftDashboard, en: string): DraftDashboard {
  const { description: old, ...rest } = d;
  const others = typeof old === 'object' ? Object.entries(old).filter(([k]) => k !== 'en') : [];
  const next = Object.fromEntries([...others, ...(en ? [['en', en]] : [])]) as Record<string, string>;
  return Object.keys(next).length ? { ...rest, description: next } : rest;
}

/** The period the page opens with; "all" is the default, so it leaves no date filter behind. */
export function withPeriod(d: DraftDashboard, period: string): DraftDashboard {
  const { dateFilter, ...rest } = d;
  const { default: _old, ...filter } = dateFilter ?? {};
  const next = period === 'all' ? filter : { ...filter, default: period };
  return Object.keys(next).length ? { ...rest, dateFilter: next } : rest;
}
