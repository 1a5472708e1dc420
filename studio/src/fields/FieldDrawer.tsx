import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Drawer, Form, Input, List, Select, Space, Spin, Tag, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { saveObject, usedBy, type DraftField, type DraftObject, type FieldType, type UsedBy } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { apiNameFrom, toLabel, toTexts, type LabelTexts } from '../labels/label-value';
import { LabelInputs } from '../labels/LabelInputs';
import { useDraftChanged, useFieldTypes, useObjects } from '../objects/use-studio-data';
import { ChoicesEditor } from './ChoicesEditor';
import { choiceProblems, keptDefault, toChoices, toRows, type ChoiceRow } from './choices';
import { buildField, reachesSchema, withField } from './field-def';
import { SettingsForm } from './SettingsForm';
import { fromFormData, hasChoices, settingsForm, toFormData, type Settings } from './settings-schema';
import { checkField } from './type-check';
import { savable } from './type-verdict';
import { VerdictPanel } from './VerdictPanel';

interface Values {
  label: LabelTexts;
  apiName: string;
  required: boolean;
  unique: boolean;
  auditReads: boolean;
}

const API_NAME = /^[a-z][a-z0-9_]{0,39}$/;

/** `value` once it has stayed the same for `ms`: the planner is asked when typing pauses. */
function useSettled<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/**
 * Adds a field or edits one: its type from the picker, labels in both languages, its API name,
 * and the settings form the type's own schema draws (a picklist's values in their editor). An
 * edit keeps the field's id, so a new API name renames its column and its data stays. Before an
 * edit that reaches the column (type, API name, settings) is saved, the engine's planner says
 * what publishing it would do — safe, lossy (Save needs a tick), blocked (no Save) — without
 * anything being written.
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
  const values = Form.useWatch([], form);
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
  const [nameTouched, setNameTouched] = useState(false);
  /** The proposal whose loss of data the admin accepted; any further edit asks again. */
  const [confirmedFor, setConfirmedFor] = useState<string>();
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

  /** The field and object as Save would send them, or what stops them being sent. */
  const build = (v: Partial<Values>): { field: DraftField; object: DraftObject } | { problem: Error } | undefined => {
    if (!entry || !spec) return undefined;
    const { settings: typed, badJson } = fromFormData(spec, settings);
    const choices = hasChoices(entry);
    if (badJson.length || (choices && (choiceProblems(rows).length || !rows.length)))
      return {
        problem: new Error(
          badJson.length
            ? t('studio.fields.badJson', { names: badJson.join(', ') })
            : t(rows.length ? 'studio.choices.fix' : 'studio.choices.none'),
        ),
      };
    const texts = { en: v.label?.en ?? '', zh: v.label?.zh ?? '' };
    const saved = buildField(
      field,
      {
        apiName: v.apiName ?? '',
        type,
        label: toLabel(texts, field?.label)!,
        required: v.required,
        unique: v.unique,
        auditReads: v.auditReads,
      },
      spec,
      typed,
      choices ? { values: toChoices(rows), default: keptDefault(rows, defaultValue, entry.multiValued) } : undefined,
    );
    return { field: saved, object: withField(object, field, saved) };
  };

  // What the planner is asked about: an existing field's edit that reaches its column.
  const proposal = values && field ? build(values) : undefined;
  const planned =
    proposal && 'field' in proposal && API_NAME.test(proposal.field.apiName) && reachesSchema(field!, proposal.field)
      ? proposal
      : undefined;
  const plannedKey = planned ? JSON.stringify(planned) : undefined;
  const askedKey = useSettled(plannedKey, 300);
  const plan = useQuery({
    queryKey: ['field-plan', object.apiName, etag, askedKey],
    queryFn: () => {
      const asked = JSON.parse(askedKey!) as { field: DraftField; object: DraftObject };
      return checkField(object.apiName, etag, asked.object, asked.field.apiName);
    },
    enabled: askedKey !== undefined,
    retry: false,
    gcTime: 0,
  });
  const verdict = plannedKey && askedKey === plannedKey && !plan.isFetching ? plan.data : undefined;
  const renamed = !!field && !!values?.apiName && values.apiName !== field.apiName;
  const showVerdict =
    !!planned &&
    !plan.error &&
    (field!.type !== type || renamed || !verdict || verdict.verdict !== 'safe' || verdict.steps.length > 0);
  const confirmed = confirmedFor !== undefined && confirmedFor === plannedKey;
  const canSave = !planned || !!plan.error || (!!verdict && savable(verdict, confirmed));

  const save = async (v: Values) => {
    setError(undefined);
    const built = build(v);
    if (!built) return;
    if ('problem' in built) return setError(built.problem);
    setSaving(true);
    try {
      await saveObject(object.apiName, built.object, etag);
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
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={saving}
            disabled={!canSave}
            onClick={() => form.submit()}
            data-testid="save-field"
          >
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {!types.data ? (
        <Spin />
      ) : (
        <>
          <ProblemAlert error={error ?? plan.error} onReloaded={() => setError(undefined)} />
          {showVerdict && (
            <VerdictPanel
              verdict={verdict}
              confirmed={confirmed}
              onConfirm={(yes) => setConfirmedFor(yes ? plannedKey : undefined)}
            />
          )}
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
              extra={field ? t('studio.fields.apiNameRename') : t('studio.fields.apiNameHelp')}
              rules={[{ required: true, pattern: API_NAME, message: t('studio.form.apiNamePattern') }]}
            >
              <Input data-testid="field-api-name" onChange={() => setNameTouched(true)} />
            </Form.Item>
            {field && (
              <Alert
                type="info"
                showIcon
                style={{ marginBottom: 16 }}
                data-testid="rename-safe"
                title={
                  renamed
                    ? t('studio.fields.renaming', { id: field.id, from: field.apiName, to: values?.apiName })
                    : t('studio.fields.renameSafe', { id: field.id })
                }
                description={
                  <>
                    <p style={{ marginTop: 0 }}>
                      {holding.data?.published
                        ? t('studio.fields.holding', { count: holding.data.records })
                        : t('studio.fields.notPublished')}
                    </p>
                    {renamed && holding.data && <Follows usage={holding.data.usedBy} />}
                  </>
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
        </>
      )}
    </Drawer>
  );
}

/** What names the field and follows its rename in the same save (used-by), as the delete dialog lists it. */
function Follows({ usage }: { usage: UsedBy['usedBy'] }) {
  const { t } = useTranslation();
  return (
    <div data-testid="rename-follows">
      <Typography.Text strong>{t('studio.fields.follows', { count: usage.length })}</Typography.Text>
      {usage.length > 0 && (
        <List
          size="small"
          dataSource={usage}
          renderItem={(u) => (
            <List.Item>
              <span>
                <Tag>{t(`studio.usage.kinds.${u.kind}`)}</Tag>
                <code>{u.object && u.kind !== 'object' ? `${u.object}.${u.apiName}` : u.apiName}</code>
              </span>
              <Typography.Text type="secondary">
                {u.places.map((p) => t(`studio.usage.places.${p}`)).join(', ')}
              </Typography.Text>
            </List.Item>
          )}
        />
      )}
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('studio.fields.followsHow')}
      </Typography.Paragraph>
    </div>
  );
}
