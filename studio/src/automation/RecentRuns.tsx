import { Button, Space, Table, Tag, Typography } from 'antd';
import type { RunStatus, RunSummary } from '@tessera/runtime-ui/api/automation.api';
import { useTranslation } from 'react-i18next';
import { useRuns } from './use-automation';

/** A run's status in the runtime UI's words; plain, so its contrast holds whatever the status. */
export function RunStatus({ status }: { status: RunStatus }) {
  const { t } = useTranslation();
  return (
    <Tag data-status={status} style={{ marginInlineEnd: 0 }}>
      {t(`automation.statuses.${status}`)}
    </Tag>
  );
}

/** The runtime UI's runs page (outside the studio), filtered by the workflow, a run open when given. */
export const runsHref = (workflow: string, run?: string) =>
  `/automation/runs?workflow=${encodeURIComponent(workflow)}${run ? `&run=${encodeURIComponent(run)}` : ''}`;

/** The workflow's latest runs, each opening in the runtime UI's runs page, and a link to all of them. */
export function RecentRuns({ workflow }: { workflow: string }) {
  const { t, i18n } = useTranslation();
  const runs = useRuns({ workflow }, 5);
  return (
    <div data-testid="recent-runs">
      <Table<RunSummary>
        size="small"
        rowKey="id"
        loading={runs.isPending}
        dataSource={runs.data?.runs}
        pagination={false}
        // antd's placeholder grey is below AA contrast: the text is drawn in the body colour.
        locale={{ emptyText: <Typography.Text>{t('studio.automation.noRuns')}</Typography.Text> }}
        columns={[
          { key: 'status', title: t('studio.automation.runStatus'), render: (_, r) => <RunStatus status={r.status} /> },
          {
            key: 'when',
            title: t('studio.automation.runAt'),
            render: (_, r) => (
              <a href={runsHref(workflow, r.id)}>{new Date(r.createdAt).toLocaleString(i18n.language)}</a>
            ),
          },
          { key: 'event', title: t('studio.automation.runEvent'), render: (_, r) => t(`record.event.${r.event}`) },
          { key: 'error', title: t('studio.automation.runError'), render: (_, r) => r.error ?? '' },
        ]}
      />
      <Space style={{ marginTop: 8 }}>
        <Button href={runsHref(workflow)} data-testid="all-runs">
          {t('studio.automation.allRuns')}
        </Button>
        <Button onClick={() => void runs.refetch()}>{t('studio.automation.refreshRuns')}</Button>
        {runs.error && <Typography.Text type="danger">{runs.error.message}</Typography.Text>}
      </Space>
    </div>
  );
}
