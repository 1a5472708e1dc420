import { ArrowLeftOutlined, SaveOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Card, Form, Input, Select, Space, Spin, Switch, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ProblemAlert } from '../app/ProblemAlert';
import { apiNameFrom, toLabel, toTexts, type LabelTexts } from '../labels/label-value';
import { LabelInputs } from '../labels/LabelInputs';
import { useObjects } from '../objects/use-studio-data';
import { RuleEditor } from '../rules/RuleEditor';
import { actionsFromRows, rowsFromActions, type ActionRow } from './action-rows';
import { ActionList } from './ActionList';
import type { Tagged, WorkflowDef } from './automation.api';
import { RecentRuns } from './RecentRuns';
import {
  branchForm,
  fromFormData,
  generalFieldErrors,
  problemsUnder,
  toFormData,
  triggerKindOf,
  type PointedProblem,
} from './schema-branch';
import { TRIGGER_BRANCHES, TriggerEditor, type TriggerState } from './TriggerEditor';
import { ACTION_BRANCHES, useActionForms, usePropertyTitle } from './use-branch-forms';
import { useItem } from './use-automation';
import { useItemSave } from './use-item-save';

interface General {
  label: LabelTexts;
  apiName: string;
  object?: string;
  description?: string;
  active: boolean;
  runAs: 'triggeringUser' | 'system';
}

/** /automation/workflows/new, or /automation/workflows/:apiName read with its ETag. */
export default function WorkflowPage() {
  const { apiName = 'new' } = useParams();
  const isNew = apiName === 'new';
  const found = useItem<WorkflowDef>('workflows', isNew ? undefined : apiName);
  if (!isNew && found.isPending) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!isNew && found.error)
    return (
      <div className="tessera-page">
        <ProblemAlert error={found.error} />
      </div>
    );
  return <WorkflowBuilder key={apiName} tagged={found.data} />;
}

/**
 * The builder: name and object, the trigger, the condition, the ordered actions and whether it
 * is active; saved to the draft with the ETag last read (a 412 keeps what was typed). The
 * engine's 422 lands where its pointer says: /trigger/…, /condition, /actions/1/values.
 */
function WorkflowBuilder({ tagged }: { tagged?: Tagged<WorkflowDef> }) {
  const { t, i18n } = useTranslation();
  const objects = useObjects();
  const formOf = useActionForms(
    (objects.data ?? []).map((o) => ({ value: o.apiName, label: labelOf(o.label, i18n.language, o.apiName) })),
  );
  const title = usePropertyTitle();
  const initial = tagged?.item;
  const [form] = Form.useForm<General>();
  const [nameTouched, setNameTouched] = useState(false);
  const [trigger, setTrigger] = useState<TriggerState>(() => {
    const kind = triggerKindOf(initial?.trigger);
    const branch = TRIGGER_BRANCHES.find((b) => b.key === kind)!;
    return { kind, data: initial ? toFormData(branchForm(branch, title), initial.trigger) : { on: 'create' } };
  });
  const [condition, setCondition] = useState<unknown>(initial?.condition);
  const [rows, setRows] = useState<ActionRow[]>(() => rowsFromActions(initial?.actions, ACTION_BRANCHES, formOf));
  const saver = useItemSave<WorkflowDef>('workflows', '/automation/workflows', initial, tagged);
  const { saving, error, setError } = saver;
  const [problems, setProblems] = useState<PointedProblem[]>([]);
  const [object, setObject] = useState(initial?.object);

  const save = async () => {
    let general: General;
    try {
      general = await form.validateFields();
    } catch {
      return;
    }
    const branch = TRIGGER_BRANCHES.find((b) => b.key === trigger.kind)!;
    const triggerValue = fromFormData(branchForm(branch, title), trigger.data);
    const actions = actionsFromRows(rows, ACTION_BRANCHES, formOf, '/actions');
    const bad = [...triggerValue.badJson.map((n) => `/trigger/${n}`), ...actions.badJson];
    if (bad.length) {
      setError(undefined);
      setProblems(bad.map((field) => ({ field, message: t('studio.automation.badJson') })));
      return;
    }
    const def: WorkflowDef = {
      ...initial,
      apiName: initial?.apiName ?? general.apiName,
      label: toLabel(general.label, initial?.label)!,
      object: general.object!,
      active: general.active,
      runAs: general.runAs,
      trigger: { ...branch.fixed, ...triggerValue.value },
      actions: actions.actions,
    };
    if (general.description) def.description = general.description;
    else delete def.description;
    if (condition === undefined) delete def.condition;
    else def.condition = condition;
    setProblems([]);
    const pointed = await saver.save(def);
    setProblems(pointed);
    // The name, object and description: on their inputs (the label's two inputs share /label).
    form.setFields(generalFieldErrors(pointed, ['apiName', 'object', 'description'] as const));
  };

  const labelText = initial
    ? labelOf(initial.label, i18n.language, initial.apiName)
    : t('studio.automation.newWorkflow');
  return (
    <div className="tessera-page" data-testid="workflow-builder">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Space wrap>
          <Link to="/automation/workflows" aria-label={t('studio.automation.backToWorkflows')}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {labelText}
          </Typography.Title>
        </Space>
        <Button
          type="primary"
          icon={<SaveOutlined />}
          loading={saving}
          onClick={() => void save()}
          data-testid="save-workflow"
        >
          {t('common.save')}
        </Button>
      </Space>
      <ProblemAlert error={error} onReloaded={() => setError(undefined)} />
      <Card size="small" title={t('studio.automation.general')} style={{ marginBottom: 16 }}>
        <Form
          form={form}
          layout="vertical"
          initialValues={{
            label: toTexts(initial?.label),
            apiName: initial?.apiName ?? '',
            object: initial?.object,
            description: initial?.description,
            active: initial?.active ?? true,
            runAs: initial?.runAs ?? 'triggeringUser',
          }}
          onValuesChange={(changed: Partial<General>) => {
            if (changed.object !== undefined) setObject(changed.object);
            if (!initial && !nameTouched && changed.label?.en !== undefined)
              form.setFieldValue('apiName', apiNameFrom(changed.label.en));
          }}
        >
          <LabelInputs name="label" label={t('studio.automation.label')} testId="workflow-label" />
          <Space wrap size="middle" style={{ width: '100%' }} styles={{ item: { minWidth: 220 } }}>
            <Form.Item
              name="apiName"
              label={t('studio.objects.apiName')}
              rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('studio.form.apiNamePattern') }]}
            >
              <Input disabled={!!initial} onChange={() => setNameTouched(true)} />
            </Form.Item>
            <Form.Item
              name="object"
              label={t('studio.automation.object')}
              rules={[{ required: true, message: t('studio.form.required') }]}
            >
              <Select
                aria-label={t('studio.automation.object')}
                showSearch={{ optionFilterProp: 'title' }}
                style={{ minWidth: 220 }}
                options={(objects.data ?? []).map((o) => ({
                  value: o.apiName,
                  title: labelOf(o.label, i18n.language, o.apiName),
                  label: labelOf(o.label, i18n.language, o.apiName),
                }))}
              />
            </Form.Item>
            <Form.Item name="runAs" label={t('studio.automation.runAs')}>
              <Select
                aria-label={t('studio.automation.runAs')}
                style={{ minWidth: 200 }}
                options={(['triggeringUser', 'system'] as const).map((v) => ({
                  value: v,
                  label: t(`studio.automation.runAsValue.${v}`),
                }))}
              />
            </Form.Item>
            <Form.Item name="active" label={t('studio.automation.active')} valuePropName="checked">
              <Switch aria-label={t('studio.automation.active')} data-testid="workflow-active" />
            </Form.Item>
          </Space>
          <Form.Item name="description" label={t('studio.automation.description')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Card>
      <Card size="small" title={t('studio.automation.trigger')} style={{ marginBottom: 16 }}>
        <TriggerEditor
          value={trigger}
          onChange={setTrigger}
          problems={problemsUnder(problems, '/trigger')}
          fields={(objects.data?.find((o) => o.apiName === object)?.fields ?? []).map((f) => ({
            value: f.apiName,
            label: labelOf(f.label, i18n.language, f.apiName),
          }))}
        />
      </Card>
      <Card size="small" title={t('studio.automation.condition')} style={{ marginBottom: 16 }}>
        <Typography.Paragraph type="secondary">{t('studio.automation.conditionHelp')}</Typography.Paragraph>
        <RuleEditor
          object={object ?? ''}
          kind="condition"
          value={condition}
          onChange={setCondition}
          label={t('studio.automation.condition')}
          id="workflow-condition"
        />
        {problemsUnder(problems, '/condition').map((p, i) => (
          <Typography.Text key={i} type="danger" role="alert" style={{ display: 'block' }}>
            {p.message}
          </Typography.Text>
        ))}
      </Card>
      <Card size="small" title={t('studio.automation.actions')} style={{ marginBottom: 16 }}>
        {problemsUnder(problems, '/actions')
          .filter((p) => !/^\/\d+/.test(p.field))
          .map((p, i) => (
            <Typography.Text key={i} type="danger" role="alert" style={{ display: 'block' }}>
              {p.message}
            </Typography.Text>
          ))}
        <ActionList
          title={t('studio.automation.actions')}
          rows={rows}
          onRows={setRows}
          formOf={formOf}
          problems={problemsUnder(problems, '/actions')}
          idPrefix="action"
          testId="workflow-actions"
        />
      </Card>
      {initial && (
        <Card size="small" title={t('studio.automation.recentRuns')}>
          <RecentRuns workflow={initial.apiName} />
        </Card>
      )}
    </div>
  );
}
