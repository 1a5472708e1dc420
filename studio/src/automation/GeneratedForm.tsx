import Form from '@rjsf/antd';
import type { ErrorSchema } from '@rjsf/utils';
import { createFormValidator } from '@tessera/runtime-ui/form/form-validator';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../fields/settings-schema';
import { localizeSchema } from '../i18n/schema-texts';
import { AUTOMATION_BRANCH_TEXTS_ZH, AUTOMATION_TEXTS_ZH } from '../i18n/schema-texts.zh-CN';
import type { Branch, BranchForm } from './schema-branch';

/**
 * One branch of the meta-model's schema (a trigger, an action, an approval step) drawn by
 * react-jsonschema-form, checked as typed with the runtime UI's CSP-safe validator; the engine's
 * own refusals on save appear on the property they name (`extraErrors`). In Chinese the schema's
 * English help texts give way to the studio's (i18n/schema-texts.zh-CN.ts).
 */
export function GeneratedForm({
  form,
  data,
  onChange,
  errors,
  idPrefix,
}: {
  form: BranchForm;
  data: Settings;
  onChange: (data: Settings) => void;
  errors?: ErrorSchema;
  /** Unique on the page: several forms are drawn side by side. */
  idPrefix: string;
}) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language === 'zh-CN';
  const schema = useMemo(
    () => (zh ? localizeSchema(form.schema, AUTOMATION_TEXTS_ZH, form.context) : form.schema),
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
  if (!Object.keys(form.schema.properties ?? {}).length) return null;
  return (
    <div className="studio-settings" data-testid="generated-form">
      <Form
        tagName="div"
        idPrefix={idPrefix}
        schema={schema}
        uiSchema={form.uiSchema}
        formData={data}
        validator={validator}
        extraErrors={errors}
        showErrorList={false}
        noHtml5Validate
        experimental_defaultFormStateBehavior={{
          constAsDefaults: 'never',
          emptyObjectFields: 'skipEmptyDefaults',
          arrayMinItems: { populate: 'never' },
        }}
        onChange={(e) => onChange((e.formData ?? {}) as Settings)}
      />
    </div>
  );
}

/** What a trigger, action or step does, in the studio's language (the schema's text is English). */
export function useBranchHelp(): (branch: Branch) => string {
  const { i18n } = useTranslation();
  const zh = i18n.language === 'zh-CN';
  return (branch) => (zh ? (AUTOMATION_BRANCH_TEXTS_ZH[branch.key] ?? branch.description) : branch.description);
}
