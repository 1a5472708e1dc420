import { useSession } from '@tessera/runtime-ui/auth/use-session';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Form, Input, Modal, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { createObject, saveObject, type DraftObject, type SharingDefault } from '../api/studio.api';
import { canChangeSharing } from '../app/access';
import { ProblemAlert } from '../app/ProblemAlert';
import { apiNameFrom, toLabel, toTexts, type LabelTexts } from '../labels/label-value';
import { LabelInputs } from '../labels/LabelInputs';
import { OBJECT_ICONS } from './object-icons';
import { useDraftChanged, useFieldTypes } from './use-studio-data';

interface Values {
  label: LabelTexts;
  pluralLabel: LabelTexts;
  apiName: string;
  icon?: string;
  nameField: string;
  sharing: SharingDefault;
  description?: string;
}

const SHARING: SharingDefault[] = ['private', 'read', 'readWrite'];

/**
 * Creates an object (with a required text name field, as every object needs one) or edits one:
 * labels in both languages, plural, icon, name field, sharing default. Saved to the draft.
 */
export function ObjectDialog({
  object,
  onClose,
  onSaved,
  etag,
}: {
  object?: DraftObject;
  onClose: () => void;
  onSaved: (saved: DraftObject) => void;
  /** The ETag the object was read with (when editing one). */
  etag?: string;
}) {
  const { t, i18n } = useTranslation();
  const { user } = useSession();
  const types = useFieldTypes();
  const draftChanged = useDraftChanged();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [nameTouched, setNameTouched] = useState(false);
  const sharingAllowed = user ? canChangeSharing(user) : false;
  const nameCapable = new Set(types.data?.filter((e) => e.nameField).map((e) => e.type));

  const initial: Values = {
    label: toTexts(object?.label),
    pluralLabel: toTexts(object?.pluralLabel),
    apiName: object?.apiName ?? '',
    icon: object?.icon,
    nameField: object?.nameField ?? 'name',
    sharing: object?.sharing?.default ?? 'private',
    description: object?.description,
  };

  const submit = async (v: Values) => {
    setSaving(true);
    setError(undefined);
    const sharing =
      sharingAllowed && (object?.sharing || v.sharing !== 'private')
        ? { ...object?.sharing, default: v.sharing }
        : object?.sharing;
    const nameLabel = (lng: string) => i18n.getFixedT(lng)('studio.objects.defaultNameField');
    const def: DraftObject = {
      ...object,
      apiName: object?.apiName ?? v.apiName,
      label: toLabel(v.label, object?.label)!,
      pluralLabel: toLabel(v.pluralLabel, object?.pluralLabel)!,
      // A new object's name field is the one created with it.
      nameField: object ? v.nameField : 'name',
      fields: object?.fields ?? [
        { apiName: 'name', type: 'text', label: { en: nameLabel('en'), 'zh-CN': nameLabel('zh-CN') }, required: true },
      ],
      ...(v.icon ? { icon: v.icon } : {}),
      ...(v.description ? { description: v.description } : {}),
      ...(sharing ? { sharing } : {}),
    };
    if (!v.icon) delete def.icon;
    if (!v.description) delete def.description;
    try {
      const saved = object ? await saveObject(object.apiName, def, etag ?? '') : await createObject(def);
      await draftChanged();
      onSaved(saved.object);
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={640}
      title={object ? t('studio.objects.edit') : t('studio.objects.new')}
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
        initialValues={initial}
        onFinish={(v) => void submit(v)}
        onValuesChange={(changed: Partial<Values>) => {
          if (!object && !nameTouched && changed.label?.en !== undefined)
            form.setFieldValue('apiName', apiNameFrom(changed.label.en));
        }}
      >
        <LabelInputs name="label" label={t('studio.objects.singular')} testId="object-label" />
        <LabelInputs name="pluralLabel" label={t('studio.objects.plural')} testId="object-plural" />
        <Form.Item
          name="apiName"
          label={t('studio.objects.apiName')}
          extra={object ? t('studio.objects.apiNameFixed') : t('studio.form.apiNameHelp')}
          rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('studio.form.apiNamePattern') }]}
        >
          <Input disabled={!!object} onChange={() => setNameTouched(true)} />
        </Form.Item>
        <Space wrap size="middle" style={{ width: '100%' }} styles={{ item: { minWidth: 180 } }}>
          <Form.Item name="icon" label={t('studio.objects.icon')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'value' }}
              aria-label={t('studio.objects.icon')}
              options={Object.entries(OBJECT_ICONS).map(([name, icon]) => ({
                value: name,
                title: name,
                label: (
                  <span>
                    {icon} {name}
                  </span>
                ),
              }))}
            />
          </Form.Item>
          {object && (
            <Form.Item name="nameField" label={t('studio.objects.nameField')}>
              <Select
                aria-label={t('studio.objects.nameField')}
                options={object.fields
                  .filter((f) => nameCapable.has(f.type))
                  .map((f) => ({ value: f.apiName, label: labelOf(f.label, i18n.language, f.apiName) }))}
              />
            </Form.Item>
          )}
          <Form.Item
            name="sharing"
            label={t('studio.objects.sharing')}
            extra={sharingAllowed ? undefined : t('studio.objects.sharingNeedsUsers')}
          >
            <Select
              aria-label={t('studio.objects.sharing')}
              disabled={!sharingAllowed}
              options={SHARING.map((s) => ({ value: s, label: t(`studio.sharing.${s}`) }))}
            />
          </Form.Item>
        </Space>
        <Form.Item name="description" label={t('studio.objects.description')}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
