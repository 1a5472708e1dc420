import { Alert, Form, Select, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { Settings } from '../fields/settings-schema';
import { GeneratedForm, useBranchHelp } from './GeneratedForm';
import {
  branchForm,
  toErrorSchema,
  triggerBranches,
  type ObjectChoice,
  type PointedProblem,
  type TriggerKind,
} from './schema-branch';
import { usePropertyTitle } from './use-branch-forms';

/** The kinds of trigger workflow.schema.json allows, each with its branch. */
export const TRIGGER_BRANCHES = triggerBranches();

export interface TriggerState {
  kind: TriggerKind;
  data: Settings;
}

/** The trigger's form for a kind, generated from its branch of the schema, the object's fields offered. */
export function useTriggerForm(kind: TriggerKind, fields: ObjectChoice[]) {
  const title = usePropertyTitle();
  const branch = TRIGGER_BRANCHES.find((b) => b.key === kind)!;
  const lng = title('on');
  const key = fields.map((f) => `${f.value}:${f.label}`).join(',');
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => ({ branch, form: branchForm(branch, title, { fields }) }), [branch, lng, key]);
}

/**
 * What starts a run: the kind (a record change, a button, a schedule, a date, an inbound POST)
 * and that kind's settings, drawn from its branch of the schema.
 */
export function TriggerEditor({
  value,
  onChange,
  problems,
  fields,
}: {
  /** The fields of the workflow's object, offered where the trigger names fields. */
  fields: ObjectChoice[];
  value: TriggerState;
  onChange: (value: TriggerState) => void;
  /** The engine's problems under /trigger, relative to it. */
  problems: PointedProblem[];
}) {
  const { t } = useTranslation();
  const help = useBranchHelp();
  const { branch, form } = useTriggerForm(value.kind, fields);
  const { errorSchema, rest } = toErrorSchema(form, problems);
  return (
    <div data-testid="trigger-editor">
      <Form.Item label={t('studio.automation.triggerKind')} htmlFor="trigger-kind" layout="vertical">
        <Select
          id="trigger-kind"
          style={{ maxWidth: 360 }}
          value={value.kind}
          options={TRIGGER_BRANCHES.map((b) => ({
            value: b.key,
            label: t(`studio.automation.kind.${b.key}`),
            title: t(`studio.automation.kind.${b.key}`),
          }))}
          onChange={(kind: TriggerKind) => onChange({ kind, data: {} })}
        />
      </Form.Item>
      <Typography.Paragraph type="secondary">{help(branch)}</Typography.Paragraph>
      {rest.map((p, i) => (
        <Alert key={i} type="error" showIcon role="alert" style={{ marginBottom: 8 }} title={p.message} />
      ))}
      <GeneratedForm
        form={form}
        data={value.data}
        onChange={(data) => onChange({ ...value, data })}
        errors={errorSchema}
        idPrefix={`trigger-${value.kind}`}
      />
    </div>
  );
}
