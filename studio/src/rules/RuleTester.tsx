import { ExperimentOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Select, Space, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';
import { findRecords, testRule, type RuleKind, type RuleTestResult } from './rules.api';

/**
 * The Test of a rule editor: pick a real record of the object (searched by its name through the
 * records API, as the admin sees records) and the engine evaluates the rule on it as it would at
 * run time; a formula shows its value and type.
 */
export function RuleTester({
  object,
  nameField,
  kind,
  rule,
}: {
  object: string;
  nameField: string | undefined;
  kind: RuleKind;
  /** The rule, once it parses and the engine's check accepts it. */
  rule: unknown;
}) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [search, setSearch] = useState('');
  const [recordId, setRecordId] = useState<string>();
  const [result, setResult] = useState<RuleTestResult>();
  const [error, setError] = useState<unknown>();
  const [running, setRunning] = useState(false);
  const records = useQuery({
    queryKey: ['rule-test-records', object, nameField, search],
    queryFn: ({ signal }) => findRecords(object, nameField!, search, signal),
    enabled: open && !!nameField,
  });

  const run = async () => {
    if (!recordId) return;
    setRunning(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await testRule({ object, kind, rule, recordId }));
    } catch (e) {
      setError(e);
    } finally {
      setRunning(false);
    }
  };

  if (!open)
    return (
      <Button
        size="small"
        icon={<ExperimentOutlined />}
        style={{ marginTop: 8 }}
        onClick={() => setOpen(true)}
        data-testid="rule-test-open"
      >
        {t('studio.rules.test')}
      </Button>
    );
  return (
    <div style={{ marginTop: 8 }} data-testid="rule-tester">
      <Space wrap>
        <Select
          showSearch={{ filterOption: false, onSearch: setSearch }}
          allowClear
          style={{ minWidth: 260 }}
          aria-label={t('studio.rules.record')}
          placeholder={t('studio.rules.record')}
          loading={records.isFetching}
          value={recordId}
          onChange={(v: string | undefined) => {
            setRecordId(v);
            setResult(undefined);
          }}
          data-testid="rule-test-record"
          notFoundContent={records.isError ? t('studio.rules.noRecords') : undefined}
          options={(records.data ?? []).map((r) => ({
            value: r.id,
            label: nameField && r[nameField] != null ? String(r[nameField] as string) : r.id,
          }))}
        />
        <Button
          type="primary"
          size="small"
          icon={<ExperimentOutlined />}
          disabled={!recordId || rule === undefined}
          loading={running}
          onClick={() => void run()}
          data-testid="rule-test-run"
        >
          {t('studio.rules.runTest')}
        </Button>
      </Space>
      {rule === undefined && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>
          {t('studio.rules.testNeedsValid')}
        </Typography.Paragraph>
      )}
      <div aria-live="polite" style={{ marginTop: 8 }}>
        <ProblemAlert error={error} />
        {result && <TestAnswer kind={kind} result={result} />}
      </div>
    </div>
  );
}

function TestAnswer({ kind, result }: { kind: RuleKind; result: RuleTestResult }) {
  const { t } = useTranslation();
  if ('value' in result)
    return (
      <Typography.Text data-testid="rule-test-result">
        {t('studio.rules.value')} <code data-testid="rule-test-value">{JSON.stringify(result.value)}</code>{' '}
        {t('studio.rules.type')} <Tag data-testid="rule-test-type">{result.type}</Tag>
      </Typography.Text>
    );
  const text =
    kind === 'validation'
      ? t(result.result ? 'studio.rules.refuses' : 'studio.rules.passes')
      : t(result.result ? 'studio.rules.isTrue' : 'studio.rules.isFalse');
  return (
    <Alert
      type={result.result ? 'warning' : 'success'}
      showIcon
      title={<span data-testid="rule-test-result">{text}</span>}
    />
  );
}
