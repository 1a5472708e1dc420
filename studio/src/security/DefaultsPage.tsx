import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Select, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { DraftObject, SharingDefault } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import type { Tagged } from './security.api';
import { useSaveItem, useTaggedObjects } from './use-security-data';

const DEFAULTS: SharingDefault[] = ['private', 'read', 'readWrite'];

/**
 * Org-wide defaults: who sees which records of each object besides their owner, in one table.
 * A change saves that object at once through its own PUT, with the ETag it was read with; its
 * sharing rules are kept as they are.
 */
export default function DefaultsPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const objects = useTaggedObjects();
  const save = useSaveItem<DraftObject>('objects');

  if (objects.error) return <ProblemAlert error={objects.error} />;
  const setDefault = ({ item, etag }: Tagged<DraftObject>, value: SharingDefault) =>
    save.mutate({ apiName: item.apiName, etag, item: { ...item, sharing: { ...item.sharing, default: value } } });

  return (
    <>
      <Typography.Paragraph type="secondary">{t('studio.security.defaultsHelp')}</Typography.Paragraph>
      <ProblemAlert error={save.error} />
      <Table<Tagged<DraftObject>>
        data-testid="org-defaults"
        rowKey={(r) => r.item.apiName}
        size="small"
        loading={objects.isPending || save.isPending}
        dataSource={objects.data}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          {
            key: 'object',
            title: t('studio.objects.label'),
            render: (_, { item }) => labelOf(item.label, lng, item.apiName),
          },
          {
            key: 'default',
            title: t('studio.security.orgDefault'),
            render: (_, row) => (
              <Select<SharingDefault>
                aria-label={t('studio.security.defaultOf', { object: labelOf(row.item.label, lng, row.item.apiName) })}
                style={{ minWidth: 300 }}
                value={row.item.sharing?.default ?? 'private'}
                onChange={(v) => setDefault(row, v)}
                options={DEFAULTS.map((d) => ({ value: d, label: t(`studio.sharing.${d}`) }))}
              />
            ),
          },
          {
            key: 'rules',
            title: t('studio.security.rulesCount'),
            render: (_, { item }) => item.sharing?.rules?.length ?? 0,
          },
        ]}
      />
    </>
  );
}
