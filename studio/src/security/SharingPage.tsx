import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Popconfirm, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import type { DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { SharingRuleDialog } from './SharingRuleDialog';
import { recipientOf, withRule } from './sharing-rules';
import type { SharingRule } from './security.api';
import { useGroups, useRoles, useSaveItem, useTaggedObjects } from './use-security-data';

/**
 * Criteria sharing rules of one object (object.sharing.rules): records matching the criteria are
 * shared with a role, a role and those below it, or a group. Each add, edit or removal saves the
 * object through its PUT with the ETag it was read with.
 */
export default function SharingPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const objects = useTaggedObjects();
  const roles = useRoles();
  const groups = useGroups();
  const save = useSaveItem<DraftObject>('objects');
  const [params, setParams] = useSearchParams();
  const objectName = params.get('object') ?? objects.data?.[0]?.item.apiName;
  const tagged = objects.data?.find((o) => o.item.apiName === objectName);
  const rules = (tagged?.item.sharing?.rules ?? []) as SharingRule[];
  const [dialog, setDialog] = useState<{ rule?: SharingRule }>();

  if (objects.error) return <ProblemAlert error={objects.error} />;
  const saveRules = (next: SharingRule[], after?: () => void) => {
    if (!tagged) return;
    const { item } = tagged;
    save.mutate(
      {
        apiName: item.apiName,
        etag: tagged.etag,
        item: { ...item, sharing: { default: item.sharing?.default ?? 'private', rules: next } },
      },
      { onSuccess: after },
    );
  };
  const whom = (rule: SharingRule) => {
    const { kind, name } = recipientOf(rule);
    const item =
      kind === 'group'
        ? groups.data?.find((g) => g.item.apiName === name)?.item
        : roles.data?.find((r) => r.item.apiName === name)?.item;
    return `${t(`studio.security.sharing.kinds.${kind}`)}: ${item ? labelOf(item.label, lng, name) : name}`;
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 12 }}>
        <label htmlFor="sharing-object">{t('studio.objects.label')}</label>
        <Select
          id="sharing-object"
          style={{ minWidth: 220 }}
          loading={objects.isPending}
          value={objectName}
          onChange={(v: string) => setParams({ object: v })}
          options={objects.data?.map(({ item }) => ({
            value: item.apiName,
            label: labelOf(item.label, lng, item.apiName),
          }))}
        />
        <Button
          icon={<PlusOutlined />}
          disabled={!tagged}
          onClick={() => {
            save.reset();
            setDialog({});
          }}
        >
          {t('studio.security.sharing.new')}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('studio.security.sharing.help')}</Typography.Paragraph>
      {!dialog && <ProblemAlert error={save.error} />}
      <Table<SharingRule>
        data-testid="sharing-rules"
        rowKey="apiName"
        size="small"
        loading={objects.isPending || save.isPending}
        dataSource={rules}
        pagination={false}
        scroll={{ x: true }}
        // antd's placeholder grey is below AA contrast on white: the text sets its own.
        locale={{ emptyText: <span style={{ color: '#595959' }}>{t('studio.security.sharing.none')}</span> }}
        columns={[
          { key: 'name', title: t('studio.objects.apiName'), render: (_, r) => <code>{r.apiName}</code> },
          {
            key: 'criteria',
            title: t('studio.security.sharing.criteria'),
            render: (_, r) => <code>{JSON.stringify(r.criteria)}</code>,
          },
          { key: 'whom', title: t('studio.security.sharing.shareWith'), render: (_, r) => whom(r) },
          {
            key: 'access',
            title: t('studio.security.sharing.access'),
            render: (_, r) => t(`studio.security.sharing.accessLevels.${r.access}`),
          },
          {
            key: 'actions',
            title: t('studio.fields.actions'),
            render: (_, r) => (
              <Space>
                <Button
                  size="small"
                  type="text"
                  icon={<EditOutlined />}
                  aria-label={t('studio.security.sharing.editOf', { rule: r.apiName })}
                  onClick={() => {
                    save.reset();
                    setDialog({ rule: r });
                  }}
                />
                <Popconfirm
                  title={t('studio.security.sharing.confirmDelete', { rule: r.apiName })}
                  okText={t('common.delete')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => saveRules(rules.filter((x) => x.apiName !== r.apiName))}
                >
                  <Button
                    size="small"
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t('studio.security.sharing.deleteOf', { rule: r.apiName })}
                  />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {dialog && (
        <SharingRuleDialog
          rule={dialog.rule}
          roles={roles.data?.map((r) => r.item) ?? []}
          groups={groups.data?.map((g) => g.item) ?? []}
          error={save.error}
          saving={save.isPending}
          onClose={() => setDialog(undefined)}
          onSave={(rule) => saveRules(withRule(rules, rule, dialog.rule?.apiName), () => setDialog(undefined))}
        />
      )}
    </>
  );
}
