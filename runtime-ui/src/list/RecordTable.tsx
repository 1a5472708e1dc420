import { Table, type TableColumnsType } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { RecordData } from '../api/records.api';
import { editsInline } from '../fields/field-ui';
import { FieldValue } from '../fields/FieldValue';
import { useMeta } from '../metadata/use-metadata';
import { cellValue, columnTitle } from './columns';
import { parseSort } from './filter-model';
import { InlineEditCell } from './InlineEditCell';
import { useViewportHeight } from './use-viewport-height';
import { plainText } from '../fields/format';

interface Props {
  object: string;
  columns: string[];
  rows: RecordData[];
  loading: boolean;
  sort: string | undefined;
  onSort: (sort: string | undefined) => void;
  selected: string[];
  onSelect: (ids: string[]) => void;
  /** Called when the user scrolls near the end of what is loaded. */
  onNearEnd: () => void;
  /**
   * Drawn outside the runtime UI's router (the studio's previews, under /studio): record links are
   * plain links to the runtime UI's record pages, not routes of the app around the table.
   */
  outsideApp?: boolean;
}

const COLUMN_WIDTH = 180;

/**
 * The list's rows in a virtual table: only the rows on screen are in the DOM, so 10,000 loaded
 * rows scroll as smoothly as 100. Sorting is done by the engine (a header click changes `sort`).
 */
export function RecordTable({
  object,
  columns,
  rows,
  loading,
  sort,
  onSort,
  selected,
  onSelect,
  onNearEnd,
  outsideApp = false,
}: Props) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const height = useViewportHeight();
  const nameField = meta.object(object)?.nameField;
  const canEdit = meta.can(object, 'edit');
  const first = parseSort(sort)[0];

  const tableColumns: TableColumnsType<RecordData> = columns.flatMap((path) => {
    const resolved = meta.path(object, path);
    if (!resolved) return [];
    const { field, through } = resolved;
    const title = columnTitle(meta, object, path, i18n.language);
    const editable = canEdit && !through && editsInline(field);
    return [
      {
        key: path,
        title,
        width: COLUMN_WIDTH,
        ellipsis: false,
        sorter: field.sortable,
        sortOrder: first?.field === path ? (first.desc ? 'descend' : 'ascend') : null,
        render: (_: unknown, record: RecordData) => {
          if (path === nameField) {
            return (
              <RecordLink outside={outsideApp} to={`/o/${object}/${record.id}`} className="tessera-wrap">
                {plainText(record[path] ?? t('record.untitled'))}
              </RecordLink>
            );
          }
          if (through) {
            const parent = record[through.apiName] as { id?: string } | null;
            const value = cellValue(record, path);
            return parent?.id && field.apiName === meta.object(through.target!)?.nameField ? (
              <RecordLink outside={outsideApp} to={`/o/${through.target}/${parent.id}`}>
                {plainText(value ?? '')}
              </RecordLink>
            ) : (
              <FieldValue field={field} value={value} />
            );
          }
          return editable ? (
            <InlineEditCell object={object} record={record} field={field} editable />
          ) : (
            <FieldValue field={field} value={record[path]} record={record} />
          );
        },
      },
    ];
  });

  return (
    <Table<RecordData>
      virtual
      rowKey="id"
      size="middle"
      data-testid="record-table"
      dataSource={rows}
      columns={tableColumns}
      loading={loading}
      pagination={false}
      scroll={{ x: Math.max(tableColumns.length * COLUMN_WIDTH + 48, 320), y: Math.max(280, height - 300) }}
      rowSelection={{ selectedRowKeys: selected, onChange: (keys) => onSelect(keys.map(String)), columnWidth: 48 }}
      onChange={(_pagination, _filters, sorter) => {
        const s = Array.isArray(sorter) ? sorter[0] : sorter;
        onSort(s?.order ? `${s.order === 'descend' ? '-' : ''}${String(s.columnKey)}` : undefined);
      }}
      onScroll={(e) => {
        const el = e.currentTarget;
        if (el.scrollTop + el.clientHeight > el.scrollHeight - 400) onNearEnd();
      }}
      locale={{ emptyText: t('list.empty') }}
    />
  );
}

/** A record's link: a route of the runtime UI, or from outside its router a plain link to it. */
function RecordLink({
  to,
  outside,
  className,
  children,
}: {
  to: string;
  outside: boolean;
  className?: string;
  children: React.ReactNode;
}) {
  return outside ? (
    <a href={to} className={className}>
      {children}
    </a>
  ) : (
    <Link to={to} className={className}>
      {children}
    </Link>
  );
}
