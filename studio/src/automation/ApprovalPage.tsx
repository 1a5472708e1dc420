import { ArrowLeftOutlined, SaveOutlined } from '@ant-design/icons';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Card, Form, Input, Select, Space, Spin, Switch, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { ProblemAlert } from '../app/ProblemAlert';
import { apiNameFrom, toLabel, toTexts, type LabelTexts } from '../labels/label-value';
import { LabelInputs } from '../labels/LabelInputs';
import { useObjects } from '../objects/use-studio-data';
import { RuleEditor } from '../rules/RuleEditor';
import { actionsFromRows, rowsFromActions, type ActionRow } from './action-rows';
import { ActionList } from './ActionList';
import type { ApprovalProcessDef, Tagged } from './automation.api';
import { generalFieldErrors, problemsUnder, type PointedProblem } from './schema-branch';
import { StepList } from './StepList';
import { rowsFromSteps, stepForm, stepsFromRows, type StepRow } from './step-rows';
import { ACTION_BRANCHES, useActionForms, usePropertyTitle } from './use-branch-forms';
import { useItemSave } from './use-item-save';
import { useItem } from './use-automation';

interface General {
  label: LabelTexts;
  apiName: string;
  object?: string;
  description?: string;
  active: boolean;
}

/** The moments an approval runs actions, as approval-process.schema.json names them. */
const MOMENTS = ['onSubmit', 'onApprove', 'onReject', 'onRecall'] as const;
type Moment = (typeof MOMENTS)[number];

/** /automation/approvals/new, or /automation/approvals/:apiName read with its ETag. */
export default function ApprovalPage() {
  const { apiName = 'new' } = useParams();
  const isNew = apiName === 'new';
  const found = useItem<ApprovalProcessDef>('approval-processes', isNew ? undefined : apiName);
  if (!isNew && found.isPending) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (!isNew && found.error)
    return (
      <div className="tessera-page">
        <ProblemAlert error={found.error} />
      </div>
    );
  return <ApprovalEditor key={apiName} tagged={found.data} />;
}

/**
 * An approval process: its object and entry condition, the steps in order with their approvers
 * and conditions, and the actions on submit, approval, rejection and recall (the same generated
 * action forms as workflows). Saved to the draft with If-Match.
 */
function ApprovalEditor({ tagged }: { tagged?: Tagged<ApprovalProcessDef> }) {
  const { t, i18n } = useTranslation();
  const objects = useObjects();
  const formOf = useActionForms(
    (objects.data ?? []).map((o) => ({ value: o.apiName, label: labelOf(o.label, i18n.language, o.apiName) })),
  );
  const title = usePropertyTitle();
  const lng = i18n.language;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const form = useMemo(() => stepForm(title), [lng]);
  const initial = tagged?.item;
  const [general] = Form.useForm<General>();
  const [nameTouched, setNameTouched] = useState(false);
  const [object, setObject] = useState(initial?.object);
  const [entryCondition, setEntryCondition] = useState<unknown>(initial?.entryCondition);
  const [steps, setSteps] = useState<StepRow[]>(() =>
    initial
      ? rowsFromSteps(initial.steps, form)
      : [{ key: 'first', data: { name: 'step_1' }, label: { en: '', zh: '' } }],
  );
  const [moments, setMoments] = useState<Record<Moment, ActionRow[]>>(
    () =>
      Object.fromEntries(MOMENTS.map((m) => [m, rowsFromActions(initial?.[m], ACTION_BRANCHES, formOf)])) as Record<
        Moment,
        ActionRow[]
      >,
  );
  const saver = useItemSave<ApprovalProcessDef>('approval-processes', '/automation/approvals', initial, tagged);
  const { saving, error, setError } = saver;
  const [problems, setProblems] = useState<PointedProblem[]>([]);

  const save = async () => {
    let v: General;
    try {
      v = await general.validateFields();
    } catch {
      return;
    }
    const bad: string[] = [];
    const def: ApprovalProcessDef = {
      ...initial,
      apiName: initial?.apiName ?? v.apiName,
      label: toLabel(v.label, initial?.label)!,
      object: v.object!,
      active: v.active,
      steps: stepsFromRows(steps, form),
    };
    for (const m of MOMENTS) {
      const { actions, badJson } = actionsFromRows(moments[m], ACTION_BRANCHES, formOf, `/${m}`);
      bad.push(...badJson);
      if (actions.length) def[m] = actions;
      else delete def[m];
    }
    if (v.description) def.description = v.description;
    else delete def.description;
    if (entryCondition === undefined) delete def.entryCondition;
    else def.entryCondition = entryCondition;
    if (bad.length) {
      setProblems(bad.map((field) => ({ field, message: t('studio.automation.badJson') })));
      return;
    }
    setProblems([]);
    const pointed = await saver.save(def);
    setProblems(pointed);
    // The name, object and description: on their inputs (the label's two inputs share /label).
    general.setFields(generalFieldErrors(pointed, ['apiName', 'object', 'description'] as const));
  };

  const heading = initial ? labelOf(initial.label, lng, initial.apiName) : t('studio.automation.newApproval');
  return (
    <div className="tessera-page" data-testid="approval-editor">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Space wrap>
          <Link to="/automation/approvals" aria-label={t('studio.automation.backToApprovals')}>
            <ArrowLeftOutlined />
          </Link>
          <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
            {heading}
          </Typography.Title>
        </Space>
        <Button
          type="primary"
          icon={<SaveOutlined />}
          loading={saving}
          onClick={() => void save()}
          data-testid="save-approval"
        >
          {t('common.save')}
        </Button>
      </Space>
      <ProblemAlert error={error} onReloaded={() => setError(undefined)} />
      <Card size="small" title={t('studio.automation.general')} style={{ marginBottom: 16 }}>
        <Form
          form={general}
          layout="vertical"
          initialValues={{
            label: toTexts(initial?.label),
            apiName: initial?.apiName ?? '',
            object: initial?.object,
            description: initial?.description,
            active: initial?.active ?? true,
          }}
          onValuesChange={(changed: Partial<General>) => {
            if (changed.object !== undefined) setObject(changed.object);
            if (!initial && !nameTouched && changed.label?.en !== undefined)
              general.setFieldValue('apiName', apiNameFrom(changed.label.en));
          }}
        >
          <LabelInputs name="label" label={t('studio.automation.label')} testId="approval-label" />
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
                  title: labelOf(o.label, lng, o.apiName),
                  label: labelOf(o.label, lng, o.apiName),
                }))}
              />
            </Form.Item>
            <Form.Item name="active" label={t('studio.automation.active')} valuePropName="checked">
              <Switch aria-label={t('studio.automation.active')} />
            </Form.Item>
          </Space>
          <Form.Item name="description" label={t('studio.automation.description')}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
        <Typography.Paragraph type="secondary">{t('studio.automation.whoMaySubmit')}</Typography.Paragraph>
        <RuleEditor
          object={object ?? ''}
          kind="condition"
          value={entryCondition}
          onChange={setEntryCondition}
          label={t('studio.automation.entryCondition')}
          id="approval-entry-condition"
        />
        {problemsUnder(problems, '/entryCondition').map((p, i) => (
          <Typography.Text key={i} type="danger" role="alert" style={{ display: 'block' }}>
            {p.message}
          </Typography.Text>
        ))}
      </Card>
      <Card size="small" title={t('studio.automation.steps')} style={{ marginBottom: 16 }}>
        <StepList
          object={object ?? ''}
          rows={steps}
          onRows={setSteps}
          form={form}
          problems={problemsUnder(problems, '/steps')}
        />
      </Card>
      {MOMENTS.map((m) => (
        <Card key={m} size="small" title={t(`studio.automation.moment.${m}`)} style={{ marginBottom: 16 }}>
          <ActionList
            title={t(`studio.automation.moment.${m}`)}
            rows={moments[m]}
            onRows={(rows) => setMoments((all) => ({ ...all, [m]: rows }))}
            formOf={formOf}
            problems={problemsUnder(problems, `/${m}`)}
            idPrefix={m}
            testId={`actions-${m}`}
          />
        </Card>
      ))}
    </div>
  );
}
