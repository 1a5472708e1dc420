import { Space, Table, Tag, Tooltip, Typography } from 'antd';
import { Fragment, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { TAG_COLORS } from '../publish/tag-colors';

/** GET /api/v1/meta/objects/{o}/indexes, as engine/src/records/index-report.ts answers it. */
export interface IndexReport {
  object: string;
  /** The planner's estimate of the table's rows. */
  rows: number;
  /** Tables with fewer rows get no automatic index. */
  minRows: number;
  /** Automatic indexes per object at most. */
  perObject: number;
  /** An automatic index unused this long is dropped. */
  unusedDays: number;
  data: TableIndex[];
  shapes: ListShape[];
}

export type IndexOrigin = 'primary' | 'unique' | 'schema' | 'view' | 'usage';
export type ShapeState = 'indexed' | 'building' | 'served' | 'waiting' | 'small' | 'capped' | 'unindexable';

export interface TableIndex {
  name: string;
  columns: IndexKey[];
  origin: IndexOrigin;
  valid: boolean;
  sizeBytes: number;
  scans: number;
  createdAt?: string;
  lastUsedAt?: string;
  buildMs?: number;
}

export interface ListShape {
  columns: IndexKey[];
  source: 'view' | 'usage';
  requests: number;
  lastUsedAt?: string;
  state: ShapeState;
  index?: string;
}

interface IndexKey {
  /** A field's API name, a system column (`id`), or "name (column)" for a composite field's other part. */
  field: string;
  desc: boolean;
  /** Shapes only: an equality filter's column, ahead of the sort. */
  equal?: boolean;
}

/** Light tags for what is simply there, solid ones (white text, WCAG AA) for what the advisor did or refused. */
const ORIGIN_COLORS: Record<IndexOrigin, string | undefined> = {
  primary: 'blue',
  unique: undefined,
  schema: undefined,
  view: TAG_COLORS.renamed,
  usage: TAG_COLORS.added,
};
const STATE_COLORS: Record<ShapeState, string | undefined> = {
  indexed: TAG_COLORS.added,
  building: TAG_COLORS.changed,
  served: 'blue',
  waiting: undefined,
  small: undefined,
  capped: TAG_COLORS.lossy,
  unindexable: TAG_COLORS.removed,
};
/** The engine's placeholders for a key it cannot name as a field. */
const PLACEHOLDERS: Record<string, 'expression' | 'removedField'> = {
  '(expression)': 'expression',
  '(removed field)': 'removedField',
};
const ORIGIN_ORDER: IndexOrigin[] = ['primary', 'unique', 'schema', 'view', 'usage'];

const SIZE_UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** "16 kB", "1.4 MB": powers of 1,024, as PostgreSQL's pg_size_pretty counts them. */
export function formatBytes(bytes: number, lng: string): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < SIZE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit > 0 && value < 10 ? 1 : 0;
  return new Intl.NumberFormat(lng, {
    style: 'unit',
    unit: SIZE_UNITS[unit],
    unitDisplay: 'short',
    maximumFractionDigits: digits,
  }).format(value);
}

/** "120 ms", "3.4 sec". */
function formatDuration(ms: number, lng: string): string {
  return ms < 1000
    ? new Intl.NumberFormat(lng, { style: 'unit', unit: 'millisecond', unitDisplay: 'short' }).format(ms)
    : new Intl.NumberFormat(lng, {
        style: 'unit',
        unit: 'second',
        unitDisplay: 'short',
        maximumFractionDigits: 1,
      }).format(ms / 1000);
}

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/** "3 minutes ago", "3分钟前": the largest unit that fits, in the UI's language. */
export function timeAgo(iso: string, lng: string, now = Date.now()): string {
  let value = (new Date(iso).getTime() - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size)
      return new Intl.RelativeTimeFormat(lng, { numeric: 'auto' }).format(Math.trunc(value), unit);
    value /= size;
  }
  return iso;
}

const exactTime = (iso: string, lng: string) => new Date(iso).toLocaleString(lng);

/** A dash on screen, a word for screen readers. */
function Missing({ title }: { title?: string }) {
  const { t } = useTranslation();
  const dash = (
    <Typography.Text type="secondary">
      <span aria-hidden="true">—</span>
      <span className="tessera-visually-hidden">{t('studio.indexes.none')}</span>
    </Typography.Text>
  );
  return title ? <Tooltip title={title}>{dash}</Tooltip> : dash;
}

/** "3 minutes ago", the exact time on hover. */
function When({ at }: { at?: string }) {
  const { i18n } = useTranslation();
  if (!at) return <Missing />;
  return (
    <Tooltip title={exactTime(at, i18n.language)}>
      <time dateTime={at}>{timeAgo(at, i18n.language)}</time>
    </Tooltip>
  );
}

/** A tag whose meaning is a tooltip away, by mouse or by keyboard (the tooltip describes it). */
function ExplainedTag({
  color,
  help,
  testId,
  children,
}: {
  color?: string;
  help: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <Tooltip title={help} trigger={['hover', 'focus']}>
      <Tag color={color} tabIndex={0} data-testid={testId} style={{ cursor: 'help' }}>
        {children}
      </Tag>
    </Tooltip>
  );
}

/** The keys as the engine's tests write them, for a locator: `industry=,founded-,id`. */
const keysText = (columns: IndexKey[]) =>
  columns.map((c) => `${c.field}${c.equal ? '=' : c.desc ? '-' : ''}`).join(',');

/** The key columns in index order: `industry` = · `founded` ↓ · `id`. */
export function IndexKeys({ columns }: { columns: IndexKey[] }) {
  const { t } = useTranslation();
  return (
    <span data-testid="index-keys" data-keys={keysText(columns)} style={{ whiteSpace: 'nowrap' }}>
      {columns.map((c, i) => {
        const placeholder = PLACEHOLDERS[c.field];
        return (
          <Fragment key={i}>
            {i > 0 && <span aria-hidden="true"> · </span>}
            {placeholder ? (
              <Typography.Text italic>{t(`studio.indexes.${placeholder}`)}</Typography.Text>
            ) : (
              <Typography.Text code>{c.field}</Typography.Text>
            )}
            {c.equal && (
              <>
                <span aria-hidden="true"> =</span>
                <span className="tessera-visually-hidden"> {t('studio.indexes.equal')}</span>
              </>
            )}
            {c.desc && !c.equal && (
              <>
                <span aria-hidden="true"> ↓</span>
                <span className="tessera-visually-hidden"> {t('studio.indexes.descending')}</span>
              </>
            )}
          </Fragment>
        );
      })}
    </span>
  );
}

const caption = (text: string) => <span className="tessera-visually-hidden">{text}</span>;
const emptyText = (text: string) => (
  <Typography.Paragraph type="secondary" style={{ margin: '12px 0' }}>
    {text}
  </Typography.Paragraph>
);

/** Every index on the object's table: the schema's and the automatic ones, with size, scans and use. */
export function IndexesTable({ report, label, loading }: { report?: IndexReport; label: string; loading: boolean }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const rows = [...(report?.data ?? [])].sort(
    (a, b) => ORIGIN_ORDER.indexOf(a.origin) - ORIGIN_ORDER.indexOf(b.origin) || a.name.localeCompare(b.name),
  );
  const automatic = (i: TableIndex) => i.origin === 'view' || i.origin === 'usage';
  return (
    <Table<TableIndex>
      data-testid="indexes-table"
      caption={caption(t('studio.indexes.indexesCaption', { object: label }))}
      rowKey="name"
      size="middle"
      loading={loading}
      dataSource={rows}
      pagination={false}
      scroll={{ x: true }}
      locale={{ emptyText: emptyText(t('studio.indexes.noIndexes')) }}
      columns={[
        {
          title: t('studio.indexes.name'),
          key: 'name',
          render: (_, i) => (
            <Space size={4} wrap>
              <Typography.Text code>{i.name}</Typography.Text>
              {!i.valid && (
                <ExplainedTag color={TAG_COLORS.removed} help={t('studio.indexes.invalidHelp')} testId="index-invalid">
                  {t('studio.indexes.invalid')}
                </ExplainedTag>
              )}
            </Space>
          ),
        },
        {
          title: t('studio.indexes.columnsOf'),
          key: 'columns',
          render: (_, i) => <IndexKeys columns={i.columns} />,
        },
        {
          title: t('studio.indexes.origin'),
          key: 'origin',
          render: (_, i) => (
            <ExplainedTag color={ORIGIN_COLORS[i.origin]} help={t(`studio.indexes.originHelp.${i.origin}`)}>
              {t(`studio.indexes.origins.${i.origin}`)}
            </ExplainedTag>
          ),
        },
        {
          title: t('studio.indexes.size'),
          key: 'size',
          align: 'right',
          render: (_, i) => formatBytes(i.sizeBytes, lng),
        },
        {
          title: t('studio.indexes.scans'),
          key: 'scans',
          align: 'right',
          render: (_, i) => i.scans.toLocaleString(lng),
        },
        {
          title: t('studio.indexes.lastUsed'),
          key: 'lastUsed',
          render: (_, i) =>
            automatic(i) ? <When at={i.lastUsedAt} /> : <Missing title={t('studio.indexes.notTracked')} />,
        },
        {
          title: t('studio.indexes.buildTime'),
          key: 'build',
          align: 'right',
          render: (_, i) =>
            i.buildMs === undefined ? (
              <Missing />
            ) : (
              <Tooltip title={i.createdAt && t('studio.indexes.builtAt', { time: exactTime(i.createdAt, lng) })}>
                <span>{formatDuration(i.buildMs, lng)}</span>
              </Tooltip>
            ),
        },
      ]}
    />
  );
}

/** The filter and sort shapes the engine has counted, each with the advisor's verdict. */
export function ShapesTable({ report, label, loading }: { report?: IndexReport; label: string; loading: boolean }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const figures = {
    minRows: report?.minRows.toLocaleString(lng),
    cap: report?.perObject,
    unusedDays: report?.unusedDays,
  };
  const keyOf = (s: ListShape) => `${s.source}:${keysText(s.columns)}`;
  // List views first (they get an index without waiting), then the most requested.
  const rows = [...(report?.shapes ?? [])].sort(
    (a, b) => Number(b.source === 'view') - Number(a.source === 'view') || b.requests - a.requests,
  );
  return (
    <Table<ListShape>
      data-testid="shapes-table"
      caption={caption(t('studio.indexes.shapesCaption', { object: label }))}
      rowKey={keyOf}
      size="middle"
      loading={loading}
      dataSource={rows}
      pagination={false}
      scroll={{ x: true }}
      locale={{ emptyText: emptyText(t('studio.indexes.noShapes')) }}
      columns={[
        {
          title: t('studio.indexes.shape'),
          key: 'shape',
          render: (_, s) => <IndexKeys columns={s.columns} />,
        },
        {
          title: t('studio.indexes.source'),
          key: 'source',
          render: (_, s) => t(`studio.indexes.sources.${s.source}`),
        },
        {
          title: t('studio.indexes.requests'),
          key: 'requests',
          align: 'right',
          render: (_, s) => s.requests.toLocaleString(lng),
        },
        {
          title: t('studio.indexes.lastUsed'),
          key: 'lastUsed',
          render: (_, s) => <When at={s.lastUsedAt} />,
        },
        {
          title: t('studio.indexes.state'),
          key: 'state',
          render: (_, s) => (
            <ExplainedTag
              color={STATE_COLORS[s.state]}
              help={t(`studio.indexes.stateHelp.${s.state}`, figures)}
              testId={`shape-state-${s.state}`}
            >
              {t(`studio.indexes.states.${s.state}`)}
            </ExplainedTag>
          ),
        },
        {
          title: t('studio.indexes.index'),
          key: 'index',
          render: (_, s) => (s.index ? <Typography.Text code>{s.index}</Typography.Text> : <Missing />),
        },
      ]}
    />
  );
}
