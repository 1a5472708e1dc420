import Form from '@rjsf/antd';
import type { IChangeEvent } from '@rjsf/core';
import type { WidgetProps } from '@rjsf/utils';
import { Input } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LayoutMeta, ObjectMeta } from '../api/metadata.api';
import { applyLayoutRules, buildForm } from './form-schema';
import { createFormValidator } from './form-validator';
import { SectionsTemplate } from './SectionsTemplate';
import { fields, widgets } from './widgets';

/**
 * The record form exactly as RecordForm draws it (buildForm, the layout's rules, SectionsTemplate,
 * the same widgets), for a layout that is not published yet: the studio's live preview. It saves
 * nothing. A lookup searches published records, which a draft object may not have yet, so it is a
 * plain box here. `object` comes with the fields the previewed user may read, read-only where they
 * may not edit — the caller applies those permissions.
 */
export function LayoutFormPreview({ object, layout }: { object: ObjectMeta; layout: LayoutMeta }) {
  const { t, i18n } = useTranslation();
  const form = useMemo(() => buildForm(object, layout, 'create', i18n.language), [object, layout, i18n.language]);
  const [data, setData] = useState<Record<string, unknown>>({});
  const ruled = useMemo(() => applyLayoutRules(form, data), [form, data]);
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
  return (
    <Form
      schema={ruled.schema}
      uiSchema={ruled.uiSchema}
      formData={data}
      validator={validator}
      widgets={{ ...widgets, lookup: PreviewLookup }}
      fields={fields}
      templates={{ ObjectFieldTemplate: SectionsTemplate }}
      formContext={{ sections: ruled.sections }}
      showErrorList={false}
      noHtml5Validate
      onChange={(e: IChangeEvent) => setData(e.formData as Record<string, unknown>)}
    />
  );
}

function PreviewLookup(props: WidgetProps) {
  return <Input id={props.id} value={typeof props.value === 'string' ? props.value : ''} disabled />;
}
