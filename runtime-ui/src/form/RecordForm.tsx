import Form from '@rjsf/antd';
import type { IChangeEvent } from '@rjsf/core';
import type { ErrorSchema } from '@rjsf/utils';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Space } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';
import { editRefusal, isApprovalPending } from '../approvals/approval-state';
import { createRecord, updateRecord, type RecordData } from '../api/records.api';
import { useMeta } from '../metadata/use-metadata';
import { applyLayoutRules, buildForm, toFormData, toRequestBody } from './form-schema';
import { createFormValidator } from './form-validator';
import { SectionsTemplate } from './SectionsTemplate';
import { serverErrors } from './server-errors';
import { fields, widgets } from './widgets';

interface Props {
  object: string;
  /** The record being edited; none to create one. */
  record?: RecordData;
  /** Values a new record starts with (the parent of a related list's "New"). */
  prefill?: Record<string, unknown>;
  onSaved: (record: RecordData) => void;
  onCancel: () => void;
  onDirtyChange: (dirty: boolean) => void;
}

/** A record form generated from the object's layout; client checks first, then the engine's. */
export function RecordForm({ object, record, prefill, onSaved, onCancel, onDirtyChange }: Props) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const queryClient = useQueryClient();
  const obj = meta.object(object)!;
  const form = useMemo(
    () => buildForm(obj, meta.layout(object), record ? 'edit' : 'create', i18n.language),
    [obj, meta, object, record, i18n.language],
  );
  const initial = useMemo(
    () => ({ ...toFormData(record, form.fields), ...(record ? {} : prefill) }),
    [record, form.fields, prefill],
  );
  const [data, setData] = useState<Record<string, unknown>>(initial);
  // The layout's rules re-run on every change: a field shows, hides or becomes required as the user types.
  const ruled = useMemo(() => applyLayoutRules(form, data), [form, data]);
  const [extraErrors, setExtraErrors] = useState<ErrorSchema>();
  const [general, setGeneral] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
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

  const onChange = (e: IChangeEvent, id?: string) => {
    const next = e.formData as Record<string, unknown>;
    setData(next);
    onDirtyChange(JSON.stringify(next) !== JSON.stringify(initial));
    // A field the user touched loses the server's complaint about it.
    const name = id?.replace(/^root_/, '').split('_')[0];
    if (extraErrors && name && name in extraErrors) {
      const { [name]: _gone, ...rest } = extraErrors as Record<string, unknown>;
      setExtraErrors(rest as ErrorSchema);
    }
  };

  const submit = async () => {
    setSaving(true);
    setGeneral([]);
    try {
      const body = toRequestBody(data, form.fields, record ? initial : undefined);
      const saved = record
        ? await updateRecord(object, record.id, body, record.version)
        : await createRecord(object, body);
      void queryClient.invalidateQueries({ queryKey: ['records', object] });
      onDirtyChange(false);
      onSaved(saved);
    } catch (e) {
      const error = e as ApiError;
      if (error.status === 412 || isApprovalPending(error)) setGeneral([editRefusal(error, t)]);
      else {
        const mapped = serverErrors(error.errors ?? [], new Set(form.fields.map((f) => f.apiName)));
        setExtraErrors(mapped.errorSchema);
        setGeneral(
          mapped.general.length || !error.errors?.length ? [error.display, ...mapped.general] : [t('form.fixErrors')],
        );
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <>
      {general.length > 0 && (
        <Alert type="error" showIcon role="alert" title={general.join(' ')} style={{ marginBottom: 12 }} />
      )}
      <Form
        schema={ruled.schema}
        uiSchema={form.uiSchema}
        formData={data}
        validator={validator}
        widgets={widgets}
        fields={fields}
        templates={{ ObjectFieldTemplate: SectionsTemplate }}
        formContext={{ sections: ruled.sections }}
        extraErrors={extraErrors}
        showErrorList={false}
        noHtml5Validate
        onChange={onChange}
        onSubmit={() => void submit()}
      >
        <Space
          style={{
            position: 'sticky',
            bottom: 0,
            background: '#fff',
            padding: '8px 12px',
            width: '100%',
            borderTop: '1px solid #f0f0f0',
            zIndex: 2,
            boxSizing: 'border-box',
          }}
        >
          <Button type="primary" htmlType="submit" loading={saving} data-testid="form-save">
            {t('common.save')}
          </Button>
          <Button onClick={onCancel}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </>
  );
}
