import { ReloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { requestJson } from '@tessera/runtime-ui/api/http';
import { Alert, Button, Descriptions, Flex, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';
import { formatBytes, IndexesTable, ShapesTable, type IndexReport } from './ObjectIndexesTables';

/** The published table's indexes and the list shapes the engine has counted (records/index-advisor.ts). */
const indexReport = (apiName: string) =>
  requestJson<IndexReport>(`/meta/objects/${encodeURIComponent(apiName)}/indexes`);

/**
 * The object page's Indexes tab: what indexes the table has and why, and for each filter and sort
 * people run on its lists, whether it has an index, will get one, or why not. Read from the
 * published table, not the draft, so it sits outside the 'draft' queries; Refresh reads it again.
 */
export default function ObjectIndexes({ apiName, label }: { apiName: string; label: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const report = useQuery({ queryKey: ['indexes', apiName], queryFn: () => indexReport(apiName) });
  const data = report.data;
  const unpublished = (report.error as { status?: number } | null)?.status === 404;
  const automatic = data?.data.filter((i) => i.origin === 'view' || i.origin === 'usage').length ?? 0;
  const figures = data && {
    rows: data.rows.toLocaleString(lng),
    minRows: data.minRows.toLocaleString(lng),
    cap: data.perObject,
    unusedDays: data.unusedDays,
  };

  return (
    <section aria-labelledby="indexes-title" data-testid="object-indexes">
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title id="indexes-title" level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('studio.indexes.title')}
        </Typography.Title>
        <Flex align="center" gap={12}>
          {report.dataUpdatedAt > 0 && (
            <Typography.Text type="secondary" aria-live="polite">
              {t('studio.indexes.readAt', { time: new Date(report.dataUpdatedAt).toLocaleTimeString(lng) })}
            </Typography.Text>
          )}
          <Button
            icon={<ReloadOutlined />}
            loading={report.isFetching && !report.isPending}
            onClick={() => void report.refetch()}
            data-testid="refresh-indexes"
          >
            {t('studio.indexes.refresh')}
          </Button>
        </Flex>
      </Flex>
      {unpublished ? (
        <Alert type="info" showIcon title={t('studio.indexes.unpublished')} data-testid="indexes-unpublished" />
      ) : (
        <ProblemAlert error={report.error} />
      )}
      {data && figures && (
        <>
          <Descriptions
            size="small"
            column={{ xs: 1, sm: 2, lg: 4 }}
            style={{ marginBottom: 8 }}
            items={[
              { key: 'rows', label: t('studio.indexes.summary.rows'), children: figures.rows },
              {
                key: 'indexes',
                label: t('studio.indexes.summary.indexes'),
                children: data.data.length.toLocaleString(lng),
              },
              {
                key: 'automatic',
                label: t('studio.indexes.summary.automatic'),
                children: t('studio.indexes.summary.automaticOf', { count: automatic, cap: data.perObject }),
              },
              {
                key: 'size',
                label: t('studio.indexes.summary.size'),
                children: formatBytes(
                  data.data.reduce((sum, i) => sum + i.sizeBytes, 0),
                  lng,
                ),
              },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ maxWidth: 880 }} data-testid="indexes-explain">
            {t('studio.indexes.paragraph', {
              explain: t('studio.indexes.explain', figures),
              size: t(
                data.rows < data.minRows ? 'studio.indexes.belowMinRows' : 'studio.indexes.aboveMinRows',
                figures,
              ),
              legend: t('studio.indexes.legend'),
            })}
          </Typography.Paragraph>
        </>
      )}
      {(data !== undefined || report.isPending) && (
        <>
          <Typography.Title level={3} style={{ fontSize: 16, margin: '16px 0 8px' }}>
            {t('studio.indexes.indexesTitle')}
          </Typography.Title>
          <IndexesTable report={data} label={label} loading={report.isPending} />
          <Typography.Title level={3} style={{ fontSize: 16, margin: '24px 0 8px' }}>
            {t('studio.indexes.shapesTitle')}
          </Typography.Title>
          <ShapesTable report={data} label={label} loading={report.isPending} />
        </>
      )}
    </section>
  );
}
