import { RollbackOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Breadcrumb, Button, Empty, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { getRelease, listReleases } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { ChangeList } from '../publish/ChangeList';
import { PlanSteps } from '../publish/PlanPreview';
import { RollbackDialog } from './RollbackDialog';

/** One release: what it changed against the one before and the schema steps it ran; rollback to it. */
export default function ReleasePage() {
  const { t, i18n } = useTranslation();
  const n = Number(useParams().n);
  const release = useQuery({ queryKey: ['releases', n], queryFn: () => getRelease(n) });
  const releases = useQuery({ queryKey: ['releases'], queryFn: listReleases });
  const [rollingBack, setRollingBack] = useState(false);
  const r = release.data;
  const current = releases.data?.[0]?.n;

  return (
    <div className="tessera-page">
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[
          { title: <Link to="/releases">{t('studio.releases.title')}</Link> },
          { title: t('studio.releases.release', { n }) },
        ]}
      />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('studio.releases.release', { n })}
        </Typography.Title>
        <Button
          danger
          icon={<RollbackOutlined />}
          disabled={!r || n === current}
          data-testid="rollback"
          onClick={() => setRollingBack(true)}
        >
          {t('studio.releases.rollback')}
        </Button>
      </Space>
      <ProblemAlert error={release.error} />
      {!r ? (
        release.isPending && <Spin />
      ) : (
        <>
          <Typography.Paragraph type="secondary">
            {r.kind === 'rollback'
              ? t('studio.releases.rollbackTo', { n: r.sourceRelease })
              : t('studio.releases.publish')}
            {' · '}
            {new Date(r.createdAt).toLocaleString(i18n.language)}
          </Typography.Paragraph>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('studio.publish.changes', { count: r.diff.length })}
          </Typography.Title>
          {r.diff.length ? (
            <ChangeList changes={r.diff} testId="release-diff" />
          ) : (
            <Empty description={t('studio.releases.noChanges')} />
          )}
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('studio.publish.steps', { count: r.plan.length })}
          </Typography.Title>
          <PlanSteps plan={r.plan} />
        </>
      )}
      {rollingBack && <RollbackDialog n={n} onClose={() => setRollingBack(false)} />}
    </div>
  );
}
