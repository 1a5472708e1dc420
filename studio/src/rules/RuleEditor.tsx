import { CheckCircleOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Tag, Typography } from 'antd';
import { useEffect, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useObject } from '../objects/use-studio-data';
import { MonacoHost } from './MonacoHost';
import { checkRule, ruleOperators, type RuleCheck, type RuleKind } from './rules.api';
import { parseRule, ruleText } from './rule-text';
import { RuleTester } from './RuleTester';

export type { RuleKind };

export interface RuleEditorProps {
  object: string;
  kind: RuleKind;
  value: unknown;
  onChange(value: unknown): void;
  label: string;
  id?: string;
}

/** System columns every record has, which rules may read. */
const SYSTEM_FIELDS = ['id', 'owner_id', 'created_at', 'updated_at'];
const CHECK_DELAY_MS = 400;

/**
 * A json-logic rule (validation condition, formula, visibility or required rule, workflow
 * condition) in monaco: completion of the object's fields and the engine's operations, the
 * engine's own check shown inline as the admin types (the check saving the rule runs, against the
 * draft), and a Test on a real record. onChange gets the rule whenever the text parses.
 */
export function RuleEditor(props: RuleEditorProps) {
  const { object, kind, value, label, id } = props;
  const { t, i18n } = useTranslation();
  const generatedId = useId();
  const baseId = id ?? `rule-${generatedId}`;
  const draft = useObject(object);
  const operators = useQuery({ queryKey: ['rule-operators'], queryFn: ruleOperators, staleTime: Infinity });
  const [text, setText] = useState(() => ruleText(value));
  // The engine's answer, kept with the rule it is about: a stale one is never shown.
  const [checked, setChecked] = useState<{ rule: string; check: RuleCheck }>();
  const parsed = useMemo(() => parseRule(text), [text]);

  // A value set from outside (another rule chosen, a reset) replaces the text; our own edits do not.
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    const current = parseRule(text);
    if (!current.ok || JSON.stringify(current.value) !== JSON.stringify(value)) setText(ruleText(value));
  }

  const fields = useMemo(
    () => [
      ...(draft.data?.object.fields ?? []).map((f) => ({
        name: f.apiName,
        detail: `${labelOf(f.label, i18n.language, f.apiName)} · ${t(`studio.types.${f.type}`)}`,
      })),
      ...SYSTEM_FIELDS.map((name) => ({ name, detail: t('studio.rules.systemField') })),
    ],
    [draft.data, i18n.language, t],
  );

  // The engine's check, a moment after typing stops; an older answer never overwrites a newer one.
  const rule = parsed.ok ? JSON.stringify(parsed.value) : undefined;
  const check = checked && checked.rule === rule ? checked.check : undefined;
  useEffect(() => {
    if (rule === undefined) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      checkRule({ object, kind, rule: JSON.parse(rule) as unknown }, abort.signal).then(
        (check) => setChecked({ rule, check }),
        (e: unknown) => {
          if (!abort.signal.aborted)
            setChecked({ rule, check: { errors: [{ pointer: '', code: 'request', detail: (e as Error).message }] } });
        },
      );
    }, CHECK_DELAY_MS);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [object, kind, rule]);

  const onText = (next: string) => {
    setText(next);
    const result = parseRule(next);
    if (result.ok) {
      setShown(result.value);
      props.onChange(result.value);
    }
  };

  const errors = useMemo(() => check?.errors ?? [], [check]);
  const completions = useMemo(() => ({ fields, operators: operators.data ?? [] }), [fields, operators.data]);
  return (
    <div className="rule-editor" role="group" aria-labelledby={`${baseId}-label`} data-testid={`rule-editor-${kind}`}>
      <Typography.Text strong id={`${baseId}-label`} style={{ display: 'block', marginBottom: 4 }}>
        {label}
      </Typography.Text>
      <div id={baseId} style={{ border: '1px solid #d9d9d9', borderRadius: 6, padding: '4px 0' }}>
        <MonacoHost
          text={text}
          onText={onText}
          completions={completions}
          errors={errors}
          ariaLabel={label}
          loadingLabel={t('studio.rules.loading')}
          height={140}
        />
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('studio.rules.keyboardHint')}
      </Typography.Text>
      <div aria-live="polite" data-testid="rule-status" style={{ marginTop: 4 }}>
        {!parsed.ok && text.trim() !== '' && (
          <Alert type="warning" showIcon title={t('studio.rules.notJson')} style={{ marginBottom: 4 }} />
        )}
        {errors.length > 0 && (
          <Alert
            type="error"
            showIcon
            data-testid="rule-errors"
            style={{ marginBottom: 4 }}
            title={t('studio.rules.refused')}
            description={
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {errors.map((e, i) => (
                  <li key={i}>
                    {e.pointer && <code>{e.pointer}</code>} {e.detail}
                  </li>
                ))}
              </ul>
            }
          />
        )}
        {parsed.ok && check && !errors.length && (
          <Typography.Text data-testid="rule-ok">
            <CheckCircleOutlined style={{ color: '#389e0d', marginInlineEnd: 6 }} aria-hidden />
            {t('studio.rules.accepted')}
            {check.type && (
              <>
                {' '}
                {t('studio.rules.computes')} <Tag data-testid="rule-type">{check.type}</Tag>
              </>
            )}
          </Typography.Text>
        )}
      </div>
      <RuleTester
        object={object}
        nameField={draft.data?.object.nameField}
        kind={kind}
        rule={parsed.ok && check && !errors.length ? parsed.value : undefined}
      />
    </div>
  );
}
