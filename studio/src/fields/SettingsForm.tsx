import Form from '@rjsf/antd';
import { createFormValidator } from '@tessera/runtime-ui/form/form-validator';
import { Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { localizeSchema } from '../i18n/schema-texts';
import { FIELD_SETTING_TEXTS_ZH } from '../i18n/schema-texts.zh-CN';
import { RuleWidget, type RuleFormContext } from '../rules/RuleWidget';
import type { Settings, SettingsForm as SettingsFormSpec } from './settings-schema';

// Widgets the settings schemas name beyond rjsf's own: json-logic rules in the rule editor.
const WIDGETS = { rule: RuleWidget };

/**
 * A field type's settings, drawn by react-jsonschema-form from the schema the type declares in
 * the engine (settings-schema.ts adapts it); checked as typed with the runtime UI's CSP-safe
 * validator, and again by the engine on save. In Chinese the engine's English help texts give way
 * to the studio's (i18n/schema-texts.zh-CN.ts).
 */
export function SettingsForm({
  form,
  data,
  onChange,
  object,
}: {
  form: SettingsFormSpec;
  data: Settings;
  onChange: (data: Settings) => void;
  /** The object the field belongs to, for rule settings (their completion, check and test). */
  object?: string;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === 'zh-CN';
  const schema = useMemo(
    () => (zh ? localizeSchema(form.schema, FIELD_SETTING_TEXTS_ZH, form.type ?? '') : form.schema),
    [form, zh],
  );
  const validator = useMemo(
    () =>
      createFormValidator({
        required: t('form.required'),
        tooLong: (max) => t('form.tooLong', { max }),
        notNumber: t('form.notNumber'),
        notInteger: t('form.notInteger'),
        min: (min) => t('form.min', { min }),
        max: (max) => t('form.max', { max }),
        email: t('form.email'),
        format: t('form.format'),
      }),
    [t],
  );
  const formContext = useMemo<RuleFormContext | undefined>(() => (object ? { object } : undefined), [object]);
  if (!Object.keys(form.schema.properties ?? {}).length) return null;
  return (
    <div data-testid="settings-form" className="studio-settings">
      <Typography.Text strong>{t('studio.fields.settings')}</Typography.Text>
      <Form
        tagName="div"
        schema={schema}
        uiSchema={form.uiSchema}
        formData={data}
        validator={validator}
        widgets={WIDGETS}
        formContext={formContext}
        liveValidate
        showErrorList={false}
        noHtml5Validate
        onChange={(e) => onChange((e.formData ?? {}) as Settings)}
      />
    </div>
  );
}
