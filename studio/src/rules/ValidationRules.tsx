import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveObject, type DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { useDraftChanged } from '../objects/use-studio-data';
import { ValidationRuleDialog } from './ValidationRuleDialog';
import { withoutRule, type ValidationRule } from './validation-rules';

/** The object page's validation rules: listed, added, edited and deleted in the draft. */
export function ValidationRules({ object, etag }: { object: DraftObject; etag: string }) {
  const { t, i18n } = useTranslation();
  const draftChanged = useDraftChanged();
  const [editing, setEditing] = useState<{ rule?: ValidationRule }>();
  const [error, setError] = useState<unknown>();
  const rules = (object.validationRules ?? []) as ValidationRule[];

  const remove = async (rule: ValidationRule) => {
    setError(undefined);
    try {
      await saveObject(object.apiName, { ...object, validationRules: withoutRule(rules, rule) }, etag);
      await draftChanged();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <section aria-labelledby="validation-rules-title" style={{ marginTop: 24 }} data-testid="validation-rules">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
        <Typography.Title level={2} id="validation-rules-title" style={{ fontSize: 18, margin: 0 }}>
          {t('studio.rules.title')}
        </Typography.Title>
        <Button icon={<PlusOutlined />} onClick={() => setEditing({})} data-testid="new-rule">
          {t('studio.rules.newRule')}
        </Button>
      </Space>
      <ProblemAlert error={error} onReloaded={() => setError(undefined)} />
      {/* An empty table's placeholder is drawn too faint to read: say it in plain text instead. */}
      {rules.length === 0 ? (
        <Typography.Paragraph data-testid="no-rules">{t('studio.rules.none')}</Typography.Paragraph>
      ) : (
        <Table<ValidationRule>
          rowKey={(r) => r.id ?? r.apiName}
          dataSource={rules}
          pagination={false}
          size="small"
          columns={[
            {
              title: t('studio.rules.apiName'),
              dataIndex: 'apiName',
              render: (name: string, r) => (
                <Space size={4}>
                  <Typography.Text code>{name}</Typography.Text>
                  {r.active === false && <Tag>{t('studio.rules.inactive')}</Tag>}
                </Space>
              ),
            },
            { title: t('studio.rules.message'), key: 'message', render: (_, r) => labelOf(r.message, i18n.language) },
            {
              title: t('studio.rules.errorField'),
              dataIndex: 'errorField',
              render: (f?: string) => (f ? <code>{f}</code> : '—'),
            },
            {
              title: t('studio.fields.actions'),
              key: 'actions',
              render: (_, r) => (
                <Space size={0}>
                  <Button
                    type="link"
                    icon={<EditOutlined />}
                    aria-label={`${t('common.edit')} ${r.apiName}`}
                    onClick={() => setEditing({ rule: r })}
                  />
                  <Popconfirm
                    title={t('studio.rules.deleteConfirm', { name: r.apiName })}
                    okText={t('common.delete')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => remove(r)}
                  >
                    <Button
                      type="link"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={`${t('common.delete')} ${r.apiName}`}
                    />
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      )}
      {editing && (
        <ValidationRuleDialog object={object} etag={etag} rule={editing.rule} onClose={() => setEditing(undefined)} />
      )}
    </section>
  );
}
