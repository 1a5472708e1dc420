import { Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';
import { LabelInputs } from '../labels/LabelInputs';
import { apiNameFrom, toLabel, type LabelTexts } from '../labels/label-value';
import { useDraftChanged } from '../objects/use-studio-data';
import { createItem, type PermissionSet } from './security.api';

interface Values {
  label: LabelTexts;
  apiName: string;
  description?: string;
}

/**
 * A new permission set: its names and what it is for, granting nothing yet — the matrix then
 * ticks what it grants. The engine lets a set grant only what its author holds.
 */
export function PermissionSetDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (apiName: string) => void;
}) {
  const { t } = useTranslation();
  const changed = useDraftChanged();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [nameTouched, setNameTouched] = useState(false);

  const submit = async (v: Values) => {
    setSaving(true);
    setError(undefined);
    try {
      await createItem<PermissionSet>('permission-sets', {
        apiName: v.apiName,
        label: toLabel(v.label)!,
        ...(v.description ? { description: v.description } : {}),
        objects: {},
      });
      await changed();
      onCreated(v.apiName);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      title={t('studio.security.sets.new')}
      okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'save-permission-set' }}
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
        initialValues={{ label: { en: '', zh: '' }, apiName: '' }}
        onFinish={(v) => void submit(v)}
        onValuesChange={(c: Partial<Values>) => {
          if (!nameTouched && c.label?.en !== undefined) form.setFieldValue('apiName', apiNameFrom(c.label.en));
        }}
      >
        <LabelInputs name="label" label={t('studio.security.permissionSet')} testId="set-label" />
        <Form.Item
          name="apiName"
          label={t('studio.objects.apiName')}
          extra={t('studio.form.apiNameHelp')}
          rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('studio.form.apiNamePattern') }]}
        >
          <Input onChange={() => setNameTouched(true)} />
        </Form.Item>
        <Form.Item name="description" label={t('studio.security.sets.description')}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
