import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Drawer, Form, Input, Select, Space, Spin } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveObject, usedBy, type DraftField, type DraftObject, type FieldType } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { apiNameFrom, toLabel, toTexts, type LabelTexts } from '../labels/label-value';
import { LabelInputs } from '../labels/LabelInputs';
import { useDraftChanged, useFieldTypes, useObjects } from '../objects/use-studio-data';
import { ChoicesEditor } from './ChoicesEditor';
import { choiceProblems, keptDefault, toChoices, toRows, type ChoiceRow } from './choices';
import { buildField } from './field-def';
import { SettingsForm } from './SettingsForm';
import { fromFormData, hasChoices, settingsForm, toFormData, type Settings } from './settings-schema';
import { checkField } from './type-check';
import type { TypeVerdict } from './type-verdict';
import { VerdictPanel } from './VerdictPanel';

interface Values {
  label: LabelTexts;
  apiName: string;
  required: boolean;
  unique: boolean;
  auditReads: boolean;
}

/**
 * Adds a field or edits one: its type from the picker, labels in both languages, and the
 * settings form the type's own schema draws (a picklist's values in their editor). Relabelling
 * keeps the field's id and API name, so its data stays; a changed type is saved to the draft and
 * the planner's verdict shown, to keep or undo.
 */
export function FieldDrawer({
  object,
  etag,
  field,
  onClose,
}: {
  object: DraftObject;
  /** The ETag the object was read with: a save is refused when someone changed it since. */
  etag: string;
  field?: DraftField;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const types = useFieldTypes();
  const objects = useObjects();
  const draftChanged = useDraftChanged();
  const [form] = Form.useForm<Values>();
  const [type, setType] = useState<FieldType>(field?.type ?? 'text');
  const entry = types.data?.find((e) => e.type === type);
  const spec = useMemo(
    () =>
      entry &&
      settingsForm(
        entry,
        (objects.data ?? []).map((o) => o.apiName),
        (s) => t(`studio.settings.${s}`, { defaultValue: s }),
      ),
    [entry, objects.data, t],
  );
  const [settings, setSettings] = useState<Settings>({});
  const [rows, setRows] = useState<ChoiceRow[]>(() => toRows(field?.values));
  const [defaultValue, setDefaultValue] = useState<unknown>(field?.default);
  const [error, setError] = useState<unknown>();
  const [saving, setSaving] = useState(false);
  const [verdict, setVerdict] = useState<{ verdict: TypeVerdict; before: DraftObject; etag: string }>();
  const [nameTouched, setNameTouched] = useState(false);
  const holding = useQuery({
    queryKey: ['draft', 'used-by', object.apiName, field?.apiName ?? null],
    queryFn: () => usedBy(object.apiName, field!.apiName),
    enabled: !!field,
  });
  // The form's data follows the type: settings the field has, the new type's defaults for the rest.
  const [settingsFor, setSettingsFor] = useState<string>();
  if (spec && settingsFor !== type) {
    setSettingsFor(type);
    setSettings(toFormData(spec, field ?? {}));
  }

  const save = async (v: Values) => {
    if (!entry || !spec) return;
    setError(undefined);
    const { settings: typed, badJson } = fromFormData(spec, settings);
    const choices = hasChoices(entry);
    if (badJson.length || (choices && (choiceProblems(rows).length || !rows.length))) {
      setError(
        new Error(
          badJson.length
            ? t('studio.fields.badJson', { names: badJson.join(', ') })
            : t(rows.length ? 'studio.choices.fix' : 'studio.choices.none'),
        ),
      );
      return;
    }
    const saved = buildField(
      field,
      {
        apiName: v.apiName,
        type,
        label: toLabel(v.label, field?.label)!,
        required: v.required,
        unique: v.unique,
        auditReads: v.auditReads,
      },
      spec,
      typed,
      choices ? { values: toChoices(rows), default: keptDefault(rows, defaultValue, entry.multiValued) } : undefined,
    );
    // By id, not identity: after a reload the object is a fresh copy.
    const same = (f: DraftField) => (f.id ?? f.apiName) === (field?.id ?? field?.apiName);
    const fields = field ? object.fields.map((f) => (same(f) ? saved : f)) : [...object.fields, saved];
    setSaving(true);
    try {
      const stored = await saveObject(object.apiName, { ...object, fields }, etag);
      if (field && field.type !== type) {
        // Now in the draft: the dry run says what publishing it would do to the column.
        setVerdict({ verdict: await checkField(object.apiName, field.apiName), before: object, etag: stored.etag });
        await draftChanged();
        return;
      }
      await draftChanged();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const undo = async () => {
    setSaving(true);
    try {
      await saveObject(object.apiName, verdict!.before, verdict!.etag);
      await draftChanged();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const title = field ? t('studio.fields.edit', { name: field.apiName }) : t('studio.fields.new');
  return (
    <Drawer
      open
      size={720}
      title={title}
      onClose={onClose}
      destroyOnHidden
      extra={
        !verdict && (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" loading={saving} onClick={() => form.submit()} data-testid="save-field">
              {field && field.type !== type ? t('studio.typeChange.checkAndSave') : t('common.save')}
            </Button>
          </Space>
        )
      }
    >
      {!types.data ? (
        <Spin />
      ) : (
        <>
          <ProblemAlert error={error} onReloaded={() => setError(undefined)} />
          {verdict && (
            <VerdictPanel verdict={verdict.verdict} busy={saving} onKeep={onClose} onUndo={() => void undo()} />
          )}
          <fieldset disabled={!!verdict} style={{ border: 0, padding: 0, margin: 0, marginTop: verdict ? 16 : 0 }}>
            <Form
              form={form}
              layout="vertical"
              initialValues={{
                label: toTexts(field?.label),
                apiName: field?.apiName ?? '',
                required: field?.required ?? false,
                unique: field?.unique ?? false,
                auditReads: field?.auditReads ?? false,
              }}
              onFinish={(v) => void save(v)}
              onValuesChange={(changed: Partial<Values>) => {
                if (!field && !nameTouched && changed.label?.en !== undefined)
                  form.setFieldValue('apiName', apiNameFrom(changed.label.en));
              }}
            >
              <Form.Item label={t('studio.fields.type')} required>
                <Select
                  showSearch={{ optionFilterProp: 'label' }}
                  aria-label={t('studio.fields.type')}
                  data-testid="type-picker"
                  value={type}
                  onChange={(next: FieldType) => setType(next)}
                  options={types.data.map((e) => ({ value: e.type, label: t(`studio.types.${e.type}`) }))}
                />
              </Form.Item>
              {field && field.type !== type && (
                <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('studio.typeChange.explain')} />
              )}
              <LabelInputs name="label" label={t('studio.fields.label')} testId="field-label" />
              <Form.Item
                name="apiName"
                label={t('studio.fields.apiName')}
                extra={field ? t('studio.fields.apiNameFixed') : t('studio.form.apiNameHelp')}
                rules={[
                  { required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('studio.form.apiNamePattern') },
                ]}
              >
                <Input disabled={!!field} onChange={() => setNameTouched(true)} />
              </Form.Item>
              {field && (
                <Alert
                  type="info"
                  showIcon
                  style={{ marginBottom: 16 }}
                  data-testid="rename-safe"
                  title={t('studio.fields.renameSafe', { id: field.id, apiName: field.apiName })}
                  description={
                    holding.data?.published
                      ? t('studio.fields.holding', { count: holding.data.records })
                      : t('studio.fields.notPublished')
                  }
                />
              )}
              <Space size="large">
                <Form.Item name="required" valuePropName="checked">
                  <Checkbox disabled={entry?.readOnly}>{t('studio.fields.required')}</Checkbox>
                </Form.Item>
                <Form.Item name="unique" valuePropName="checked">
                  <Checkbox disabled={entry?.readOnly}>{t('studio.fields.unique')}</Checkbox>
                </Form.Item>
                <Form.Item name="auditReads" valuePropName="checked" tooltip={t('studio.fields.auditReadsHelp')}>
                  <Checkbox data-testid="audit-reads">{t('studio.fields.auditReads')}</Checkbox>
                </Form.Item>
              </Space>
            </Form>
            {spec && <SettingsForm form={spec} data={settings} onChange={setSettings} object={object.apiName} />}
            {entry && hasChoices(entry) && (
              <ChoicesEditor
                rows={rows}
                onRows={setRows}
                defaultValue={defaultValue}
                onDefault={setDefaultValue}
                multiple={entry.multiValued}
              />
            )}
          </fieldset>
        </>
      )}
    </Drawer>
  );
}
