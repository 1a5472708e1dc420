import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Checkbox, Form, Input, Modal, Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveObject, type DraftObject } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { toLabel, toTexts, type LabelTexts } from '../labels/label-value';
import { LabelInputs } from '../labels/LabelInputs';
import { useDraftChanged } from '../objects/use-studio-data';
import { RuleEditor } from './RuleEditor';
import { withRule, type ValidationRule } from './validation-rules';

interface Values {
  apiName: string;
  message: LabelTexts;
  errorField?: string;
  active: boolean;
  description?: string;
}

/**
 * Adds or edits one validation rule of an object: its name, its message in both languages, the
 * field the message shows on, and its condition in the rule editor (TRUE refuses the record).
 * Saved with the whole object through its PUT with If-Match, as every studio edit of an object.
 */
export function ValidationRuleDialog({
  object,
  etag,
  rule,
  onClose,
}: {
  object: DraftObject;
  etag: string;
  rule?: ValidationRule;
  onClose: () => void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<Values>();
  const draftChanged = useDraftChanged();
  const [condition, setCondition] = useState<unknown>(rule?.condition);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);

  const save = async (v: Values) => {
    if (condition === undefined) return setError(new Error(t('studio.rules.conditionRequired')));
    const saved: ValidationRule = {
      ...(rule ?? {}),
      apiName: v.apiName,
      condition,
      message: toLabel(v.message, rule?.message)!,
      active: v.active,
    };
    if (v.errorField) saved.errorField = v.errorField;
    else delete saved.errorField;
    if (v.description?.trim()) saved.description = v.description.trim();
    else delete saved.description;
    setSaving(true);
    setError(undefined);
    try {
      const rules = withRule((object.validationRules ?? []) as ValidationRule[], saved, rule);
      await saveObject(object.apiName, { ...object, validationRules: rules }, etag);
      await draftChanged();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal
      open
      width={760}
      title={rule ? t('studio.rules.editRule', { name: rule.apiName }) : t('studio.rules.newRule')}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: saving, 'data-testid': 'save-rule' }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <ProblemAlert error={error} onReloaded={() => setError(undefined)} />
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          apiName: rule?.apiName ?? '',
          message: toTexts(rule?.message),
          errorField: rule?.errorField,
          active: rule?.active ?? true,
          description: rule?.description,
        }}
        onFinish={(v) => void save(v)}
      >
        <Form.Item
          name="apiName"
          label={t('studio.rules.apiName')}
          rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('studio.form.apiNamePattern') }]}
        >
          <Input data-testid="rule-api-name" />
        </Form.Item>
        <LabelInputs name="message" label={t('studio.rules.message')} testId="rule-message" />
        <Form.Item name="errorField" label={t('studio.rules.errorField')} extra={t('studio.rules.errorFieldHelp')}>
          <Select
            allowClear
            aria-label={t('studio.rules.errorField')}
            options={object.fields.map((f) => ({
              value: f.apiName,
              label: `${labelOf(f.label, i18n.language, f.apiName)} (${f.apiName})`,
            }))}
          />
        </Form.Item>
        <Form.Item name="active" valuePropName="checked">
          <Checkbox>{t('studio.rules.active')}</Checkbox>
        </Form.Item>
      </Form>
      <RuleEditor
        object={object.apiName}
        kind="validation"
        value={condition}
        onChange={setCondition}
        label={t('studio.rules.condition')}
        id="validation-rule-condition"
      />
    </Modal>
  );
}
