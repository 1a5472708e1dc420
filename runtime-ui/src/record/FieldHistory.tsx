import { useQuery } from '@tanstack/react-query';
import { Empty, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { fetchHistory, type HistoryEntry } from '../api/records.api';
import { valueText } from '../fields/field-ui';
import { formatDateTime, plainText } from '../fields/format';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';

/** Who changed which field from what to what, newest first (GET …/{id}/history). */
export function FieldHistory({ object, entries }: { object: string; entries: HistoryEntry[] }) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  if (!entries.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('record.noHistory')} />;
  const show = (name: string | null, value: unknown) => {
    const field = name ? meta.field(object, name.replace(/__currency$/, '')) : undefined;
    if (name?.endsWith('__currency')) return value === null || value === undefined ? '' : plainText(value);
    return field
      ? valueText(field, value, i18n.language)
      : value === null || value === undefined
        ? ''
        : JSON.stringify(value);
  };
  return (
    <Table<HistoryEntry>
      size="small"
      data-testid="field-history"
      rowKey={(e) => `${e.at}-${e.event}-${e.field ?? ''}`}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: 'max-content' }}
      dataSource={entries}
      columns={[
        { key: 'when', title: t('record.historyWhen'), render: (_, e) => formatDateTime(e.at) },
        {
          key: 'field',
          title: t('record.historyField'),
          render: (_, e) =>
            e.field
              ? labelOf(meta.field(object, e.field.replace(/__currency$/, ''))?.label, i18n.language, e.field) +
                (e.field.endsWith('__currency') ? ` (${t('form.currency')})` : '')
              : t(`record.event.${e.event}`),
        },
        { key: 'old', title: t('record.historyOld'), render: (_, e) => show(e.field, e.oldValue) },
        { key: 'new', title: t('record.historyNew'), render: (_, e) => show(e.field, e.newValue) },
        { key: 'who', title: t('record.historyWho'), render: (_, e) => `${e.userName ?? e.userId ?? ''} · ${e.via}` },
      ]}
    />
  );
}

/** The record's history, or undefined while this engine has no history API. */
export function useFieldHistory(object: string, recordId: string) {
  return useQuery({
    queryKey: ['history', object, recordId],
    queryFn: () => fetchHistory(object, recordId),
    retry: false,
  });
}
