import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Breadcrumb, Button, Descriptions, Space, Spin, Table, Tabs, Tag, Tooltip, Typography } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import type { DraftField, DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { FieldDrawer } from '../fields/FieldDrawer';
import { ValidationRules } from '../rules/ValidationRules';
import { LayoutsPanel } from '../layouts/LayoutsPanel';
import { DeleteDialog } from '../usage/DeleteDialog';
import { ListViewsSection } from '../views/ListViewsSection';
import { objectIcon } from './object-icons';
import { ObjectDialog } from './ObjectDialog';
import { useObject, useRecordCounts } from './use-studio-data';

type Editing = { field?: DraftField } | undefined;
/** Loaded when its tab is first opened. */
const ObjectIndexes = lazy(() => import('./ObjectIndexes'));

/** One object of the draft: its settings and its fields, each to edit or delete. */
export default function ObjectPage() {
  const { apiName = '' } = useParams();
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const object = useObject(apiName);
  const counts = useRecordCounts();
  const [editingObject, setEditingObject] = useState(false);
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<{ field?: DraftField } | undefined>();
  const lng = i18n.language;
  // The tab is in the address (?tab=indexes), so a link opens it and Back returns to the definition.
  const [params, setParams] = useSearchParams();
  const tab = params.get('tab') === 'indexes' ? 'indexes' : 'design';

  if (object.error)
    return (
      <div className="tessera-page">
        <ProblemAlert error={object.error} />
      </div>
    );
  const obj: DraftObject | undefined = object.data?.object;
  const etag = object.data?.etag ?? '';
  const records = counts.data?.[apiName];
  // Fields, rules, list views and layouts: the object as the draft defines it.
  const definition = (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('studio.fields.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} disabled={!obj} onClick={() => setEditing({})}>
          {t('studio.fields.new')}
        </Button>
      </Space>
      <Table<DraftField>
        data-testid="fields-table"
        rowKey={(f) => f.id ?? f.apiName}
        loading={object.isPending}
        dataSource={obj?.fields}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          {
            title: t('studio.fields.label'),
            key: 'label',
            render: (_, f) => (
              <Space size={4}>
                {labelOf(f.label, lng, f.apiName)}
                {obj?.nameField === f.apiName && <Tag color="blue">{t('studio.fields.isName')}</Tag>}
                {f.required && <Tag>{t('studio.fields.required')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('studio.fields.apiName'),
            dataIndex: 'apiName',
            render: (name: string) => <Typography.Text code>{name}</Typography.Text>,
          },
          { title: t('studio.fields.type'), dataIndex: 'type', render: (type: string) => t(`studio.types.${type}`) },
          {
            title: t('studio.fields.actions'),
            key: 'actions',
            render: (_, f) => (
              <Space size={0}>
                <Button
                  type="link"
                  icon={<EditOutlined />}
                  aria-label={`${t('common.edit')} ${f.apiName}`}
                  onClick={() => setEditing({ field: f })}
                />
                <Tooltip title={obj?.nameField === f.apiName ? t('studio.fields.nameNotDeletable') : undefined}>
                  <Button
                    type="link"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={`${t('common.delete')} ${f.apiName}`}
                    disabled={obj?.nameField === f.apiName}
                    onClick={() => setDeleting({ field: f })}
                  />
                </Tooltip>
              </Space>
            ),
          },
        ]}
      />
      {obj && <ValidationRules object={obj} etag={etag} />}
      {obj && <ListViewsSection object={obj} />}
      {obj && <LayoutsPanel object={obj} />}
    </>
  );

  return (
    <div className="tessera-page">
      <Breadcrumb
        style={{ marginBottom: 8 }}
        items={[{ title: <Link to="/objects">{t('studio.objects.title')}</Link> }, { title: apiName }]}
      />
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {obj && objectIcon(obj.icon)} {obj ? labelOf(obj.label, lng, apiName) : apiName}
        </Typography.Title>
        <Space wrap>
          <Button icon={<EditOutlined />} disabled={!obj} onClick={() => setEditingObject(true)}>
            {t('studio.objects.edit')}
          </Button>
          <Button danger icon={<DeleteOutlined />} disabled={!obj} onClick={() => setDeleting({})}>
            {t('studio.objects.delete')}
          </Button>
        </Space>
      </Space>
      {obj && (
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2, lg: 4 }}
          style={{ marginBottom: 16 }}
          items={[
            { key: 'api', label: t('studio.objects.apiName'), children: <code>{obj.apiName}</code> },
            { key: 'plural', label: t('studio.objects.plural'), children: labelOf(obj.pluralLabel, lng) },
            { key: 'name', label: t('studio.objects.nameField'), children: <code>{obj.nameField}</code> },
            {
              key: 'sharing',
              label: t('studio.objects.sharing'),
              children: t(`studio.sharing.${obj.sharing?.default ?? 'private'}`),
            },
            {
              key: 'records',
              label: t('studio.objects.records'),
              children: records === undefined ? t('studio.objects.unpublished') : records.toLocaleString(lng),
            },
          ]}
        />
      )}
      <Tabs
        activeKey={tab}
        onChange={(key) => setParams(key === 'indexes' ? { tab: key } : {})}
        items={[
          {
            key: 'design',
            label: t('studio.indexes.tabs.design'),
            children: definition,
          },
          {
            key: 'indexes',
            label: t('studio.indexes.tabs.indexes'),
            children: (
              <Suspense fallback={<Spin />}>
                <ObjectIndexes apiName={apiName} label={obj ? labelOf(obj.label, lng, apiName) : apiName} />
              </Suspense>
            ),
          },
        ]}
      />
      {obj && editingObject && (
        <ObjectDialog
          object={obj}
          etag={etag}
          onClose={() => setEditingObject(false)}
          onSaved={() => setEditingObject(false)}
        />
      )}
      {obj && editing && (
        <FieldDrawer object={obj} etag={etag} field={editing.field} onClose={() => setEditing(undefined)} />
      )}
      {obj && deleting && (
        <DeleteDialog
          object={obj}
          etag={etag}
          field={deleting.field}
          onClose={() => setDeleting(undefined)}
          onDeleted={() => {
            setDeleting(undefined);
            if (!deleting.field) void navigate('/objects');
          }}
        />
      )}
    </div>
  );
}
