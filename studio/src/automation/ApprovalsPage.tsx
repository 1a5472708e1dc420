import { PlusOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ProblemAlert } from '../app/ProblemAlert';
import type { ApprovalProcessDef } from './automation.api';
import { AutomationTabs } from './AutomationTabs';
import { DeleteItemButton } from './DeleteItemButton';
import { useItems } from './use-automation';

/** The draft's approval processes: object, steps, active; new and delete. */
export default function ApprovalsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const processes = useItems<ApprovalProcessDef>('approval-processes');
  const lng = i18n.language;
  return (
    <div className="tessera-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('studio.automation.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/automation/approvals/new')}>
          {t('studio.automation.newApproval')}
        </Button>
      </Space>
      <AutomationTabs active="approvals" />
      <ProblemAlert error={processes.error} />
      <Table<ApprovalProcessDef>
        data-testid="approvals-table"
        rowKey="apiName"
        loading={processes.isPending}
        dataSource={processes.data}
        pagination={false}
        scroll={{ x: true }}
        // antd's placeholder grey is below AA contrast: the text is drawn in the body colour.
        locale={{ emptyText: <Typography.Text>{t('studio.automation.noApprovals')}</Typography.Text> }}
        columns={[
          {
            title: t('studio.automation.label'),
            key: 'label',
            render: (_, p) => <Link to={`/automation/approvals/${p.apiName}`}>{labelOf(p.label, lng, p.apiName)}</Link>,
          },
          { title: t('studio.automation.object'), dataIndex: 'object' },
          { title: t('studio.automation.steps'), key: 'steps', align: 'right', render: (_, p) => p.steps.length },
          {
            title: t('studio.automation.active'),
            key: 'active',
            render: (_, p) =>
              p.active === false ? <Tag>{t('studio.automation.inactive')}</Tag> : t('studio.automation.isActive'),
          },
          {
            title: <span className="tessera-visually-hidden">{t('studio.automation.delete')}</span>,
            key: 'delete',
            align: 'right',
            render: (_, p) => (
              <DeleteItemButton path="approval-processes" apiName={p.apiName} name={labelOf(p.label, lng, p.apiName)} />
            ),
          },
        ]}
      />
    </div>
  );
}
