import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Form, Input, Modal, Radio, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';
import { recipientOf, ruleFrom, type RecipientKind, type RuleValues } from './sharing-rules';
import type { Group, Role, SharingRule } from './security.api';

/**
 * One criteria sharing rule: its name, the json-logic criteria over the record's fields, whom it
 * shares with (a role, a role and the roles below it, or a group) and the access given. The engine
 * checks the criteria when the object is saved; its 422 is shown here.
 */
export function SharingRuleDialog({
  rule,
  roles,
  groups,
  onSave,
  onClose,
  error,
  saving,
}: {
  rule?: SharingRule;
  roles: readonly Role[];
  groups: readonly Group[];
  onSave: (rule: SharingRule) => void;
  onClose: () => void;
  error: unknown;
  saving: boolean;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<RuleValues>();
  const [kind, setKind] = useState<RecipientKind>(rule ? recipientOf(rule).kind : 'role');
  const [jsonError, setJsonError] = useState<string>();
  const initial: RuleValues = {
    apiName: rule?.apiName ?? '',
    criteria: rule ? JSON.stringify(rule.criteria, null, 2) : '',
    kind,
    recipient: rule ? recipientOf(rule).name : undefined,
    access: rule?.access ?? 'read',
  };
  const recipients =
    kind === 'group'
      ? groups.map((g) => ({ value: g.apiName, label: labelOf(g.label, i18n.language, g.apiName) }))
      : roles.map((r) => ({ value: r.apiName, label: labelOf(r.label, i18n.language, r.apiName) }));

  return (
    <Modal
      open
      width={640}
      title={rule ? t('studio.security.sharing.edit') : t('studio.security.sharing.new')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={error} />
      <Form
        form={form}
        layout="vertical"
        initialValues={initial}
        onFinish={(v) => {
          const made = ruleFrom(v, rule);
          if ('error' in made) return setJsonError(t('studio.security.sharing.badJson'));
          setJsonError(undefined);
          onSave(made.rule);
        }}
      >
        <Form.Item
          name="apiName"
          label={t('studio.objects.apiName')}
          rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('studio.form.apiNamePattern') }]}
        >
          <Input />
        </Form.Item>
        <Form.Item
          name="criteria"
          label={t('studio.security.sharing.criteria')}
          extra={t('studio.security.sharing.criteriaHelp')}
          validateStatus={jsonError ? 'error' : undefined}
          help={jsonError}
          rules={[{ required: true, message: t('studio.form.required') }]}
        >
          <Input.TextArea rows={4} spellCheck={false} style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Form.Item name="kind" label={t('studio.security.sharing.shareWith')}>
          <Radio.Group
            onChange={(e) => {
              setKind(e.target.value as RecipientKind);
              form.setFieldValue('recipient', undefined);
            }}
            options={(['role', 'roleAndSubordinates', 'group'] as const).map((k) => ({
              value: k,
              label: t(`studio.security.sharing.kinds.${k}`),
            }))}
          />
        </Form.Item>
        <Form.Item
          name="recipient"
          label={t(`studio.security.sharing.kinds.${kind}`)}
          rules={[{ required: true, message: t('studio.form.required') }]}
        >
          <Select options={recipients} />
        </Form.Item>
        <Form.Item name="access" label={t('studio.security.sharing.access')}>
          <Radio.Group
            options={(['read', 'edit'] as const).map((a) => ({
              value: a,
              label: t(`studio.security.sharing.accessLevels.${a}`),
            }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
