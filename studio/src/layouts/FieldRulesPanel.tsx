import { Alert, Button, Card } from 'antd';
import { useTranslation } from 'react-i18next';
import { RuleEditor } from '../rules/RuleEditor';
import { errorsUnder, setFieldRule } from './layout-draft';
import type { LayoutDef } from './layouts.api';

/** The visibility and required rules of one placed field, with the engine's complaints about them. */
export function FieldRulesPanel({
  object,
  field,
  label,
  layout,
  errors,
  onChange,
  onClose,
}: {
  object: string;
  field: string;
  label: string;
  layout: LayoutDef;
  errors: { field: string; message: string }[] | undefined;
  onChange: (layout: LayoutDef) => void;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const rules = layout.fieldRules?.[field] ?? {};
  const problems = errorsUnder(errors, `/fieldRules/${field}`);
  return (
    <Card
      size="small"
      data-testid="field-rules"
      title={t('studio.layouts.rulesOf', { field: label })}
      extra={
        <Button size="small" onClick={onClose}>
          {t('studio.layouts.closeRules')}
        </Button>
      }
      style={{ marginBottom: 12 }}
    >
      {problems.length > 0 && (
        <Alert type="error" showIcon role="alert" title={problems.join(' ')} style={{ marginBottom: 8 }} />
      )}
      <RuleEditor
        object={object}
        kind="visibility"
        id="field-rule-visible"
        label={t('studio.layouts.visibleWhen')}
        value={rules.visibleWhen}
        onChange={(value) => onChange(setFieldRule(layout, field, 'visibleWhen', value))}
      />
      <RuleEditor
        object={object}
        kind="required"
        id="field-rule-required"
        label={t('studio.layouts.requiredWhen')}
        value={rules.requiredWhen}
        onChange={(value) => onChange(setFieldRule(layout, field, 'requiredWhen', value))}
      />
    </Card>
  );
}
