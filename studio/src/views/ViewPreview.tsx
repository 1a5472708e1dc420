import { useQuery } from '@tanstack/react-query';
import { listRecords } from '@tessera/runtime-ui/api/records.api';
import { requestFields } from '@tessera/runtime-ui/list/columns';
import { RecordTable } from '@tessera/runtime-ui/list/RecordTable';
import { useMeta } from '@tessera/runtime-ui/metadata/use-metadata';
import { Alert, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';

/** Rows a preview shows: enough to see the columns, filter and order at work. */
const PREVIEW_ROWS = 20;

/**
 * The edited (unsaved) view over real records: the records API with its columns, filter and sort,
 * drawn by the runtime UI's own table. Only published objects and fields have data: the columns
 * and sort keys of fields only in the draft (`waiting`) are left out, and the preview says so.
 */
export function ViewPreview({
  object,
  columns,
  filter,
  sort,
  waiting = [],
  onSort,
}: {
  object: string;
  columns: string[];
  filter: unknown;
  /** The sort without keys on fields only in the draft. */
  sort: string | undefined;
  /** Labels of the chosen fields that exist only in the draft. */
  waiting?: string[];
  /** A heading clicked in the preview sorts the view itself. */
  onSort: (sort: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const meta = useMeta();
  const published = meta.object(object) !== undefined;
  const fields = published ? requestFields(meta, object, columns) : '';
  const rows = useQuery({
    queryKey: ['records', object, 'studio-preview', fields, filter, sort],
    queryFn: ({ signal }) => listRecords(object, { fields, filter, sort, limit: PREVIEW_ROWS, count: 'exact' }, signal),
    enabled: published,
  });
  if (!published)
    return <Alert type="info" showIcon title={t('studio.views.notPublished')} data-testid="preview-unpublished" />;
  return (
    <div data-testid="view-preview">
      {waiting.length > 0 && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 8 }}
          title={t('studio.drafts.afterPublish', { fields: waiting.join(', ') })}
          data-testid="preview-waiting"
        />
      )}
      {rows.error ? (
        <ProblemAlert error={rows.error} />
      ) : (
        <Typography.Text type="secondary" data-testid="preview-count">
          {t('studio.views.previewCount', { count: rows.data?.count ?? 0, shown: rows.data?.data.length ?? 0 })}
        </Typography.Text>
      )}
      <RecordTable
        object={object}
        columns={columns}
        rows={rows.data?.data ?? []}
        loading={rows.isFetching}
        sort={sort}
        onSort={onSort}
        selected={[]}
        onSelect={() => undefined}
        onNearEnd={() => undefined}
        outsideApp
      />
    </div>
  );
}
