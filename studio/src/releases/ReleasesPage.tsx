import { EyeOutlined, RollbackOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { listReleases, type ReleaseSummary } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { TAG_COLORS } from '../publish/tag-colors';
import { summaryLine } from './release-summary';
import { RollbackDialog } from './RollbackDialog';

/** Every release, newest first: who made it, when, what it changed; each opens to its diff or is rolled back to. */
export default function ReleasesPage() {
  const { t, i18n } = useTranslation();
  const releases = useQuery({ queryKey: ['releases'], queryFn: listReleases });
  const [rollingBack, setRollingBack] = useState<number>();
  const current = releases.data?.[0]?.n;

  return (
    <div className="tessera-page">
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('studio.releases.title')}
      </Typography.Title>
      <ProblemAlert error={releases.error} />
      <Table<ReleaseSummary>
        data-testid="releases-table"
        rowKey="n"
        loading={releases.isPending}
        dataSource={releases.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        scroll={{ x: true }}
        columns={[
          {
            title: t('studio.releases.number'),
            dataIndex: 'n',
            render: (n: number) => (
              <Space size={4}>
                <Link to={`/releases/${n}`}>{t('studio.releases.release', { n })}</Link>
                {n === current && <Tag color={TAG_COLORS.safe}>{t('studio.releases.current')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('studio.releases.kind'),
            key: 'kind',
            render: (_, r) =>
              r.kind === 'rollback'
                ? t('studio.releases.rollbackTo', { n: r.sourceRelease })
                : t('studio.releases.publish'),
          },
          { title: t('studio.releases.by'), key: 'by', render: (_, r) => r.createdByName ?? '—' },
          {
            title: t('studio.releases.when'),
            dataIndex: 'createdAt',
            render: (at: string) => new Date(at).toLocaleString(i18n.language),
          },
          {
            title: t('studio.releases.summary'),
            key: 'summary',
            render: (_, r) =>
              summaryLine(r.summary, (c) => t(`studio.publish.change.${c}`)) || t('studio.releases.noChanges'),
          },
          {
            title: t('studio.fields.actions'),
            key: 'actions',
            render: (_, r) => (
              <Space size={0}>
                <Link to={`/releases/${r.n}`} aria-label={t('studio.releases.open', { n: r.n })}>
                  <EyeOutlined />
                </Link>
                <Button
                  type="link"
                  icon={<RollbackOutlined />}
                  disabled={r.n === current}
                  data-testid={`rollback-${r.n}`}
                  onClick={() => setRollingBack(r.n)}
                >
                  {t('studio.releases.rollback')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      {rollingBack !== undefined && <RollbackDialog n={rollingBack} onClose={() => setRollingBack(undefined)} />}
    </div>
  );
}
