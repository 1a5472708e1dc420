import { PlusOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Button, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { DraftObject } from '../api/studio.api';
import { objectIcon } from './object-icons';
import { ObjectDialog } from './ObjectDialog';
import { useObjects, useRecordCounts } from './use-studio-data';

/** Every object of the draft, with its records in the current release, and "New object". */
export default function ObjectsPage() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const objects = useObjects();
  const counts = useRecordCounts();
  const [creating, setCreating] = useState(false);
  const lng = i18n.language;

  return (
    <div className="tessera-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('studio.objects.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('studio.objects.new')}
        </Button>
      </Space>
      {objects.error && <Alert type="error" showIcon title={objects.error.message} />}
      <Table<DraftObject>
        data-testid="objects-table"
        rowKey="apiName"
        loading={objects.isPending}
        dataSource={objects.data}
        pagination={false}
        scroll={{ x: true }}
        columns={[
          {
            title: t('studio.objects.label'),
            key: 'label',
            render: (_, o) => (
              <Link to={`/objects/${o.apiName}`}>
                {objectIcon(o.icon)} {labelOf(o.pluralLabel, lng, o.apiName)}
              </Link>
            ),
          },
          {
            title: t('studio.objects.apiName'),
            dataIndex: 'apiName',
            render: (name: string) => <Typography.Text code>{name}</Typography.Text>,
          },
          { title: t('studio.objects.fields'), key: 'fields', align: 'right', render: (_, o) => o.fields.length },
          {
            title: t('studio.objects.records'),
            key: 'records',
            align: 'right',
            render: (_, o) => {
              if (!counts.data) return null;
              const n = counts.data[o.apiName];
              return n === undefined ? <Tag>{t('studio.objects.unpublished')}</Tag> : n.toLocaleString(lng);
            },
          },
        ]}
      />
      {creating && (
        <ObjectDialog
          onClose={() => setCreating(false)}
          onSaved={(saved) => {
            setCreating(false);
            void navigate(`/objects/${saved.apiName}`);
          }}
        />
      )}
    </div>
  );
}
