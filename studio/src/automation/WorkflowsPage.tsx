import { PlusOutlined } from '@ant-design/icons';
import type { RunSummary } from '@tessera/runtime-ui/api/automation.api';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ProblemAlert } from '../app/ProblemAlert';
import type { WorkflowDef } from './automation.api';
import { AutomationTabs } from './AutomationTabs';
import { DeleteItemButton } from './DeleteItemButton';
import { RunStatus, runsHref } from './RecentRuns';
import { triggerSummary } from './trigger-summary';
import { useItems, useRuns } from './use-automation';

/** The runs the list reads for "last run": one page of the newest; older workflows show none. */
const LAST_RUNS = 200;

/** The draft's workflows: object, trigger in words, active, last run; new and delete. */
export default function WorkflowsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const workflows = useItems<WorkflowDef>('workflows');
  const runs = useRuns({}, LAST_RUNS);
  const lastRun = new Map<string, RunSummary>();
  for (const r of runs.data?.runs ?? []) if (!lastRun.has(r.workflow)) lastRun.set(r.workflow, r);
  const lng = i18n.language;
  const summary = (w: WorkflowDef) => {
    const s = triggerSummary(w.trigger);
    return t(`studio.automation.summary.${s.key}`, s.params);
  };

  return (
    <div className="tessera-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('studio.automation.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/automation/workflows/new')}>
          {t('studio.automation.newWorkflow')}
        </Button>
      </Space>
      <AutomationTabs active="workflows" />
      <ProblemAlert error={workflows.error} />
      <Table<WorkflowDef>
        data-testid="workflows-table"
        rowKey="apiName"
        loading={workflows.isPending}
        dataSource={workflows.data}
        pagination={false}
        scroll={{ x: true }}
        // antd's placeholder grey is below AA contrast: the text is drawn in the body colour.
        locale={{ emptyText: <Typography.Text>{t('studio.automation.noWorkflows')}</Typography.Text> }}
        columns={[
          {
            title: t('studio.automation.label'),
            key: 'label',
            render: (_, w) => <Link to={`/automation/workflows/${w.apiName}`}>{labelOf(w.label, lng, w.apiName)}</Link>,
          },
          { title: t('studio.automation.object'), dataIndex: 'object' },
          { title: t('studio.automation.trigger'), key: 'trigger', render: (_, w) => summary(w) },
          {
            title: t('studio.automation.active'),
            key: 'active',
            render: (_, w) =>
              w.active === false ? <Tag>{t('studio.automation.inactive')}</Tag> : t('studio.automation.isActive'),
          },
          {
            title: t('studio.automation.lastRun'),
            key: 'lastRun',
            render: (_, w) => {
              const r = lastRun.get(w.apiName);
              return r ? (
                <a href={runsHref(w.apiName, r.id)}>
                  <RunStatus status={r.status} />
                </a>
              ) : null;
            },
          },
          {
            title: <span className="tessera-visually-hidden">{t('studio.automation.delete')}</span>,
            key: 'delete',
            align: 'right',
            render: (_, w) => (
              <DeleteItemButton path="workflows" apiName={w.apiName} name={labelOf(w.label, lng, w.apiName)} />
            ),
          },
        ]}
      />
    </div>
  );
}
