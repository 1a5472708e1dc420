import { DeleteOutlined, LayoutOutlined, PlusOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Form, Input, Modal, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { LabelInputs } from '../labels/LabelInputs';
import { apiNameFrom, toLabel, type LabelTexts } from '../labels/label-value';
import { useDraftChanged } from '../objects/use-studio-data';
import { createLayout, deleteLayout, getLayout, type LayoutDef } from './layouts.api';
import { useLayouts } from './use-layouts';

/** The object's layouts in the draft (which roles see each), to open in the builder, create or delete. */
export function LayoutsPanel({ object }: { object: DraftObject }) {
  const { t, i18n } = useTranslation();
  const layouts = useLayouts(object.apiName);
  const draftChanged = useDraftChanged();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>();

  const remove = async (apiName: string) => {
    setError(undefined);
    try {
      // Deleted with the ETag it has now: a layout someone changed meanwhile is still deleted on purpose.
      const { etag } = await getLayout(apiName);
      await deleteLayout(apiName, etag);
      void draftChanged();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="layouts-title" style={{ marginTop: 24 }}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Title id="layouts-title" level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('studio.layouts.title')}
        </Typography.Title>
        <Button icon={<PlusOutlined />} data-testid="new-layout" onClick={() => setCreating(true)}>
          {t('studio.layouts.new')}
        </Button>
      </Space>
      <ProblemAlert error={error ?? layouts.error} />
      <Table<LayoutDef>
        data-testid="layouts-table"
        rowKey="apiName"
        size="small"
        loading={layouts.isPending}
        dataSource={layouts.data}
        pagination={false}
        columns={[
          {
            title: t('studio.layouts.label'),
            key: 'label',
            render: (_, l) => (
              <Link to={`/objects/${object.apiName}/layouts/${l.apiName}`}>
                <LayoutOutlined /> {labelOf(l.label, i18n.language, l.apiName)}
              </Link>
            ),
          },
          {
            title: t('studio.layouts.apiName'),
            dataIndex: 'apiName',
            render: (name: string) => <Typography.Text code>{name}</Typography.Text>,
          },
          {
            title: t('studio.layouts.roles'),
            key: 'roles',
            render: (_, l) =>
              l.roles?.length ? l.roles.map((r) => <Tag key={r}>{r}</Tag>) : t('studio.layouts.everyone'),
          },
          {
            title: t('studio.fields.actions'),
            key: 'actions',
            render: (_, l) => (
              <Popconfirm
                title={t('studio.layouts.deleteConfirm', { layout: l.apiName })}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                onConfirm={() => remove(l.apiName)}
              >
                <Button
                  type="link"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={`${t('common.delete')} ${l.apiName}`}
                />
              </Popconfirm>
            ),
          },
        ]}
      />
      {creating && (
        <NewLayoutDialog
          object={object}
          onClose={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            void draftChanged();
            void navigate(`/objects/${object.apiName}/layouts/${name}`);
          }}
        />
      )}
    </section>
  );
}

function NewLayoutDialog({
  object,
  onClose,
  onCreated,
}: {
  object: DraftObject;
  onClose: () => void;
  onCreated: (apiName: string) => void;
}) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ apiName: string; label: LabelTexts }>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const submit = async (values: { apiName: string; label: LabelTexts }) => {
    setSaving(true);
    setError(undefined);
    try {
      // A layout starts with one two-column section holding the name field (a layout needs a section).
      const created = await createLayout({
        apiName: values.apiName,
        object: object.apiName,
        label: toLabel(values.label) ?? values.apiName,
        sections: [{ label: { en: 'Details', 'zh-CN': '详细信息' }, columns: 2, fields: [object.nameField] }],
      });
      onCreated(created.layout.apiName);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={t('studio.layouts.new')}
      okText={t('studio.layouts.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onCancel={onClose}
      onOk={() => form.submit()}
    >
      <ProblemAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ apiName: `${object.apiName}_layout_2`, label: { en: '', zh: '' } }}
        onValuesChange={(changed: { label?: Partial<LabelTexts> }) => {
          if (changed.label?.en !== undefined && !form.isFieldTouched('apiName'))
            form.setFieldValue('apiName', apiNameFrom(`${object.apiName} ${changed.label.en}`));
        }}
        onFinish={(v) => void submit(v)}
      >
        <LabelInputs name="label" label={t('studio.layouts.label')} testId="layout-label" />
        <Form.Item
          name="apiName"
          label={t('studio.layouts.apiName')}
          rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('studio.layouts.apiNameRule') }]}
        >
          <Input data-testid="layout-api-name" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
