import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { App, Button, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { errorsAt, newListView, type DraftListView } from './view-draft';
import { createView, deleteView, getView, listViews } from './views.api';

/** The object's list views in the draft: open one to edit it, add one, delete one. */
export function ListViewsSection({ object }: { object: DraftObject }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const views = useQuery({
    queryKey: ['draft', 'list-views', object.apiName],
    queryFn: () => listViews(object.apiName),
  });
  const remove = useMutation({
    // Deleted with the tag of the copy read just now: the list answers no tags.
    mutationFn: async (apiName: string) => deleteView(apiName, (await getView(apiName)).etag),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['draft'] });
      void message.success(t('studio.views.deleted'));
    },
  });
  const open = (v: DraftListView) => void navigate(`/objects/${object.apiName}/list-views/${v.apiName}`);
  return (
    <section aria-labelledby="list-views-title" style={{ marginTop: 24 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Title id="list-views-title" level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('studio.views.title')}
        </Typography.Title>
        <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-list-view">
          {t('studio.views.new')}
        </Button>
      </Space>
      <ProblemAlert error={views.error ?? remove.error} />
      <Table<DraftListView>
        data-testid="list-views-table"
        rowKey="apiName"
        loading={views.isPending}
        dataSource={views.data}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          {
            title: t('studio.views.label'),
            key: 'label',
            render: (_, v) => (
              <Link to={`/objects/${object.apiName}/list-views/${v.apiName}`}>
                {labelOf(v.label, i18n.language, v.apiName)}
              </Link>
            ),
          },
          {
            title: t('studio.views.apiName'),
            dataIndex: 'apiName',
            render: (name: string) => <Typography.Text code>{name}</Typography.Text>,
          },
          {
            title: t('studio.views.columns'),
            key: 'columns',
            render: (_, v) => v.columns.length,
          },
          {
            title: t('studio.views.visibility'),
            key: 'visibility',
            render: (_, v) => <Tag>{t(`studio.views.${v.visibility ?? 'shared'}`)}</Tag>,
          },
          {
            title: t('studio.fields.actions'),
            key: 'actions',
            render: (_, v) => (
              <Space size={0}>
                <Button
                  type="link"
                  icon={<EditOutlined />}
                  aria-label={`${t('common.edit')} ${v.apiName}`}
                  onClick={() => open(v)}
                />
                <Popconfirm
                  title={t('studio.views.confirmDelete', { name: v.apiName })}
                  onConfirm={() => remove.mutate(v.apiName)}
                  okText={t('common.delete')}
                >
                  <Button
                    type="link"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={`${t('common.delete')} ${v.apiName}`}
                  />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {creating && <NewViewDialog object={object} onClose={() => setCreating(false)} onCreated={open} />}
    </section>
  );
}

function NewViewDialog({
  object,
  onClose,
  onCreated,
}: {
  object: DraftObject;
  onClose: () => void;
  onCreated: (v: DraftListView) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [apiName, setApiName] = useState('');
  const [label, setLabel] = useState('');
  const create = useMutation({
    mutationFn: () => createView(newListView(object.apiName, object.nameField, apiName, label)),
    onSuccess: ({ view }) => {
      void queryClient.invalidateQueries({ queryKey: ['draft'] });
      onCreated(view);
    },
  });
  const problem = (p: string) => errorsAt(create.error, p);
  return (
    <Modal
      open
      title={t('studio.views.new')}
      onCancel={onClose}
      onOk={() => create.mutate()}
      okText={t('studio.views.create')}
      okButtonProps={{ loading: create.isPending, 'data-testid': 'create-view' }}
    >
      <ProblemAlert error={create.error} />
      <Form layout="vertical" component="div">
        <Form.Item
          label={t('studio.views.labelEn')}
          htmlFor="new-view-label"
          validateStatus={problem('/label') ? 'error' : undefined}
          help={problem('/label')}
        >
          <Input id="new-view-label" value={label} onChange={(e) => setLabel(e.target.value)} />
        </Form.Item>
        <Form.Item
          label={t('studio.views.apiName')}
          htmlFor="new-view-api-name"
          validateStatus={problem('/apiName') ? 'error' : undefined}
          help={problem('/apiName')}
        >
          <Input id="new-view-api-name" value={apiName} onChange={(e) => setApiName(e.target.value)} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
