import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';
import { LabelInputs } from '../labels/LabelInputs';
import { apiNameFrom, toLabel, toTexts, type LabelTexts } from '../labels/label-value';
import { useDraftChanged } from '../objects/use-studio-data';
import { selfAndBelow } from './role-tree';
import { createItem, saveItem, type Role, type Tagged } from './security.api';

interface Values {
  label: LabelTexts;
  apiName: string;
  parent?: string;
}

/** A new role (name, labels, parent) or an existing one renamed: its labels in both languages. */
export function RoleDialog({
  editing,
  roles,
  onClose,
}: {
  editing?: Tagged<Role>;
  roles: readonly Role[];
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const changed = useDraftChanged();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [nameTouched, setNameTouched] = useState(false);
  const role = editing?.item;

  const submit = async (v: Values) => {
    setSaving(true);
    setError(undefined);
    try {
      if (role) await saveItem('roles', role.apiName, { ...role, label: toLabel(v.label, role.label)! }, editing.etag);
      else
        await createItem<Role>('roles', {
          apiName: v.apiName,
          label: toLabel(v.label)!,
          ...(v.parent ? { parent: v.parent } : {}),
        });
      await changed();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const below = role ? selfAndBelow(roles, role.apiName) : new Set<string>();
  return (
    <Modal
      open
      title={role ? t('studio.security.roles.rename') : t('studio.security.roles.new')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={error} onReloaded={() => setError(undefined)} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{ label: toTexts(role?.label), apiName: role?.apiName ?? '', parent: role?.parent }}
        onFinish={(v) => void submit(v)}
        onValuesChange={(c: Partial<Values>) => {
          if (!role && !nameTouched && c.label?.en !== undefined)
            form.setFieldValue('apiName', apiNameFrom(c.label.en));
        }}
      >
        <LabelInputs name="label" label={t('studio.security.roles.label')} testId="role-label" />
        <Form.Item
          name="apiName"
          label={t('studio.objects.apiName')}
          extra={role ? undefined : t('studio.form.apiNameHelp')}
          rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('studio.form.apiNamePattern') }]}
        >
          <Input disabled={!!role} onChange={() => setNameTouched(true)} />
        </Form.Item>
        {!role && (
          <Form.Item name="parent" label={t('studio.security.roles.parent')}>
            <Select
              allowClear
              placeholder={t('studio.security.roles.top')}
              options={roles
                .filter((r) => !below.has(r.apiName))
                .map((r) => ({ value: r.apiName, label: labelOf(r.label, i18n.language, r.apiName) }))}
            />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}
