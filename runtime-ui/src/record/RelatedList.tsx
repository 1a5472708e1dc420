import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Card, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { LayoutMeta } from '../api/metadata.api';
import { listRecords, type RecordData } from '../api/records.api';
import { FieldValue } from '../fields/FieldValue';
import { labelOf } from '../i18n/label';
import { requestFields } from '../list/columns';
import { useMeta } from '../metadata/use-metadata';
import { LinkButton } from '../shell/LinkButton';
import { plainText } from '../fields/format';

type RelatedListMeta = NonNullable<LayoutMeta['relatedLists']>[number];

/** Child records pointing at this one, with "New" pre-filling the link back here. */
export function RelatedList({ parentId, related }: { parentId: string; related: RelatedListMeta }) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const child = meta.object(related.object);
  const columns = related.columns.filter((c) => meta.field(related.object, c));
  const rows = useQuery({
    queryKey: ['records', related.object, 'related', related.field, parentId],
    queryFn: ({ signal }) =>
      listRecords(
        related.object,
        {
          filter: { [related.field]: { eq: parentId } },
          fields: requestFields(meta, related.object, columns),
          limit: 20,
          count: 'exact',
        },
        signal,
      ),
    enabled: !!child,
  });
  if (!child) return null;
  const title = labelOf(related.label ?? child.pluralLabel, i18n.language);
  return (
    <Card
      size="small"
      title={`${title}${rows.data?.count !== undefined ? ` (${rows.data.count})` : ''}`}
      style={{ marginBottom: 12 }}
      extra={
        meta.can(related.object, 'create') && (
          <LinkButton to={`/o/${related.object}/new?${related.field}=${parentId}`} size="small" icon={<PlusOutlined />}>
            {t('common.new')}
          </LinkButton>
        )
      }
    >
      <Table<RecordData>
        size="small"
        rowKey="id"
        pagination={false}
        loading={rows.isPending}
        dataSource={rows.data?.data ?? []}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('list.empty') }}
        columns={columns.map((name) => {
          const field = meta.field(related.object, name)!;
          return {
            key: name,
            title: labelOf(field.label, i18n.language),
            render: (_: unknown, r: RecordData) =>
              name === child.nameField ? (
                <Link to={`/o/${related.object}/${r.id}`}>{plainText(r[name] ?? t('record.untitled'))}</Link>
              ) : (
                <FieldValue field={field} value={r[name]} record={r} />
              ),
          };
        })}
      />
    </Card>
  );
}
