import Form from '@rjsf/antd';
import type { ErrorSchema } from '@rjsf/utils';
import { createFormValidator } from '@tessera/runtime-ui/form/form-validator';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../fields/settings-schema';
import type { BranchForm } from './schema-branch';

/**
 * One branch of the meta-model's schema (a trigger, an action, an approval step) drawn by
 * react-jsonschema-form, checked as typed with the runtime UI's CSP-safe validator; the engine's
 * own refusals on save appear on the property they name (`extraErrors`).
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
  const { t } = useTranslation();
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
        schema={form.schema}
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
