import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { App, Button, Form, Input, Modal, Popconfirm, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { ProblemAlert } from '../app/ProblemAlert';
import { errorsAt } from '../views/view-draft';
import type { DraftDashboard } from './dashboard-draft';
import { createDashboard, deleteDashboard, getDashboard, listDashboards } from './dashboards.api';

/** The draft's dashboards: open one to edit its widgets, add one, delete one. */
export default function DashboardsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const list = useQuery({ queryKey: ['draft', 'dashboards'], queryFn: listDashboards });
  const remove = useMutation({
    // Deleted with the tag of the copy read just now: the list answers no tags.
    mutationFn: async (apiName: string) => deleteDashboard(apiName, (await getDashboard(apiName)).etag),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['draft'] });
      void message.success(t('studio.views.dashboards.deleted'));
    },
  });
  return (
    <div className="tessera-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('studio.views.dashboards.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-dashboard">
          {t('studio.views.dashboards.new')}
        </Button>
      </Space>
      <ProblemAlert error={list.error ?? remove.error} />
      <Table<DraftDashboard>
        data-testid="dashboards-table"
        rowKey="apiName"
        loading={list.isPending}
        dataSource={list.data}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          {
            title: t('studio.views.dashboards.label'),
            key: 'label',
            render: (_, d) => <Link to={`/dashboards/${d.apiName}`}>{labelOf(d.label, i18n.language, d.apiName)}</Link>,
          },
          {
            title: t('studio.views.dashboards.apiName'),
            dataIndex: 'apiName',
            render: (name: string) => <Typography.Text code>{name}</Typography.Text>,
          },
          { title: t('studio.views.dashboards.widgets'), key: 'widgets', render: (_, d) => d.widgets.length },
          {
            title: t('studio.fields.actions'),
            key: 'actions',
            render: (_, d) => (
              <Space size={0}>
                <Button
                  type="link"
                  icon={<EditOutlined />}
                  aria-label={`${t('common.edit')} ${d.apiName}`}
                  onClick={() => void navigate(`/dashboards/${d.apiName}`)}
                />
                <Popconfirm
                  title={t('studio.views.dashboards.confirmDelete', { name: d.apiName })}
                  onConfirm={() => remove.mutate(d.apiName)}
                  okText={t('common.delete')}
                >
                  <Button
                    type="link"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={`${t('common.delete')} ${d.apiName}`}
                  />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {creating && (
        <NewDashboardDialog
          onClose={() => setCreating(false)}
          onCreated={(d) => void navigate(`/dashboards/${d.apiName}`)}
        />
      )}
    </div>
  );
}

function NewDashboardDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (d: DraftDashboard) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [apiName, setApiName] = useState('');
  const [label, setLabel] = useState('');
  const create = useMutation({
    mutationFn: () => createDashboard({ apiName, label: { en: label }, widgets: [] }),
    onSuccess: ({ dashboard }) => {
      void queryClient.invalidateQueries({ queryKey: ['draft'] });
      onCreated(dashboard);
    },
  });
  const problem = (p: string) => errorsAt(create.error, p);
  return (
    <Modal
      open
      title={t('studio.views.dashboards.new')}
      onCancel={onClose}
      onOk={() => create.mutate()}
      okText={t('studio.views.dashboards.create')}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'create-dashboard' }}
    >
      <ProblemAlert error={create.error} />
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('studio.views.dashboards.labelEn')}
          htmlFor="new-dashboard-label"
          validateStatus={problem('/label') ? 'error' : undefined}
          help={problem('/label')}
        >
          <Input id="new-dashboard-label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </Form.Item>
        <Form.Item
          label={t('studio.views.dashboards.apiName')}
          htmlFor="new-dashboard-api-name"
          validateStatus={problem('/apiName') ? 'error' : undefined}
          help={problem('/apiName')}
        >
          <Input id="new-dashboard-api-name" value={apiName} onChange={(e) => setApiName(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
