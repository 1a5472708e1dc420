import { RedoOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Grid,
  Row,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ApiError } from '../api/api-error';
import { retryRun, type RunDetail, type RunStatus, type RunStep } from '../api/automation.api';
import { fetchUser } from '../api/records.api';
import { formatNumber, plainText } from '../fields/format';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { fieldName } from './field-name';
import { JsonBlock } from './JsonBlock';
import { attemptsByAction, formatDuration, runDuration, runTime, triggerChanges, type FieldChange } from './run-format';
import { RunStatusTag } from './RunStatusTag';
import { SnapshotValue } from './SnapshotValue';
import { useRun } from './use-runs';

/**
 * One run in a drawer: what started it (the trigger, and the changed fields' values before and
 * after), its condition, and every attempt of every action with what went in, what came out and
 * why it failed. A failed run can be retried from here.
 */
export default function RunDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const screens = Grid.useBreakpoint();
  const run = useRun(id);
  const [retrying, setRetrying] = useState(false);
  const data = run.data;
  const label = data ? labelOf(data.definition.label, i18n.language, data.workflow) : '';
  // When the open run moves on (a retry finished), the list behind shows it too, filtered or not.
  const shown = useRef<{ id: string; status: RunStatus } | undefined>(undefined);
  useEffect(() => {
    if (!data) return;
    if (shown.current?.id === data.id && shown.current.status !== data.status)
      void queryClient.invalidateQueries({ queryKey: ['automation', 'runs'] });
    shown.current = { id: data.id, status: data.status };
  }, [data, queryClient]);

  const retry = async () => {
    setRetrying(true);
    try {
      await retryRun(id);
      message.success(t('automation.retried'));
    } catch (e) {
      message.error((e as ApiError).display);
    } finally {
      setRetrying(false);
      // Whatever the answer, the run's status may have moved on: read it again.
      void queryClient.invalidateQueries({ queryKey: ['automation'] });
    }
  };

  return (
    <Drawer
      open
      onClose={onClose}
      size={screens.md ? 820 : '100%'}
      title={data ? t('automation.runTitle', { workflow: label }) : t('common.loading')}
      extra={
        data?.status === 'failed' && (
          <Button icon={<RedoOutlined />} onClick={retry} loading={retrying} data-testid="retry-run">
            {t('automation.retry')}
          </Button>
        )
      }
      data-testid="run-drawer"
    >
      {run.error ? (
        <Alert type="error" showIcon title={(run.error as ApiError).display} />
      ) : !data ? (
        <Skeleton active />
      ) : (
        <RunBody run={data} label={label} />
      )}
    </Drawer>
  );
}

function RunBody({ run, label }: { run: RunDetail; label: string }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const meta = useMeta();
  const object = meta.object(run.object);
  const user = useQuery({
    queryKey: ['users', run.userId],
    queryFn: () => fetchUser(run.userId!),
    enabled: !!run.userId,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const nameField = object?.nameField;
  const named = nameField ? run.record?.[nameField] : undefined;
  const recordName = named === undefined || named === null ? run.recordId : plainText(named);
  const duration = runDuration(run);
  const section = (text: string) => (
    <Typography.Title level={3} style={{ fontSize: 16, marginTop: 24 }}>
      {text}
    </Typography.Title>
  );

  return (
    <div data-testid="run-detail" data-status={run.status}>
      {run.error && (
        <Alert type="error" showIcon title={run.error} style={{ marginBottom: 16 }} data-testid="run-error" />
      )}
      <Descriptions
        size="small"
        bordered
        column={{ xs: 1, sm: 2 }}
        items={[
          { key: 'status', label: t('automation.status'), children: <RunStatusTag status={run.status} /> },
          {
            key: 'workflow',
            label: t('automation.workflow'),
            children: (
              <span className="tessera-wrap">
                {label} <Typography.Text code>{run.workflow}</Typography.Text>
              </span>
            ),
          },
          {
            key: 'record',
            label: t('automation.record'),
            children: (
              <span className="tessera-wrap">
                {labelOf(object?.label, lng, run.object)}:{' '}
                {object && run.recordId ? (
                  <Link to={`/o/${run.object}/${run.recordId}`}>{recordName}</Link>
                ) : (
                  recordName
                )}
              </span>
            ),
          },
          { key: 'event', label: t('automation.event'), children: t(`record.event.${run.event}`) },
          {
            key: 'user',
            label: t('automation.triggeredBy'),
            children: user.data ? `${user.data.name} <${user.data.email}>` : (run.userId ?? ''),
          },
          { key: 'depth', label: t('automation.depth'), children: formatNumber(run.depth, lng) },
          { key: 'attempts', label: t('automation.attempts'), children: formatNumber(run.attempts, lng) },
          { key: 'release', label: t('automation.release'), children: formatNumber(run.release, lng) },
          { key: 'created', label: t('automation.created'), children: runTime(run.createdAt) },
          { key: 'started', label: t('automation.started'), children: run.startedAt ? runTime(run.startedAt) : '' },
          { key: 'finished', label: t('automation.finished'), children: run.finishedAt ? runTime(run.finishedAt) : '' },
          {
            key: 'duration',
            label: t('automation.duration'),
            children: duration === undefined ? '' : formatDuration(duration, lng),
          },
        ]}
      />

      {section(t('automation.trigger'))}
      <Trigger run={run} />

      {section(t('automation.condition'))}
      {run.definition.condition === undefined ? (
        <Typography.Text type="secondary">{t('automation.noCondition')}</Typography.Text>
      ) : (
        <JsonBlock value={run.definition.condition} label={t('automation.condition')} />
      )}

      {section(t('automation.actions'))}
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        {attemptsByAction(run).map((a) => (
          <Card
            key={a.step}
            size="small"
            title={`${a.step + 1}. ${t(`automation.actionTypes.${a.action}`, { defaultValue: a.action })}`}
            extra={a.attempts.length === 0 && <Tag>{t('automation.notRun')}</Tag>}
            data-testid="run-action"
            data-action={a.action}
          >
            {a.attempts.length === 0 ? (
              <JsonBlock value={run.definition.actions[a.step]} label={t('automation.input')} />
            ) : (
              <Space orientation="vertical" style={{ width: '100%' }} size={16}>
                {a.attempts.map((s) => (
                  <Attempt key={s.attempt} step={s} />
                ))}
              </Space>
            )}
          </Card>
        ))}
      </Space>
    </div>
  );
}

/** The workflow's trigger as defined, and the change that met it. */
function Trigger({ run }: { run: RunDetail }) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const meta = useMeta();
  const { trigger } = run.definition;
  const name = (f: string) => fieldName(meta, run.object, f, lng, t('automation.owner'));
  const changes = triggerChanges(run);
  return (
    <>
      <Descriptions
        size="small"
        column={1}
        items={[
          {
            key: 'on',
            label: t('automation.on'),
            children:
              'on' in trigger
                ? t(`automation.triggerOn.${trigger.on}`)
                : 'schedule' in trigger
                  ? t('automation.triggerOn.schedule', { schedule: trigger.schedule, zone: trigger.timezone ?? 'UTC' })
                  : 'relativeTo' in trigger
                    ? t('automation.triggerOn.relative', { offset: trigger.offset, field: name(trigger.relativeTo) })
                    : 'inbound' in trigger
                      ? t('automation.triggerOn.inbound')
                      : run.event === 'approval'
                        ? t('automation.triggerOn.approval')
                        : t('automation.triggerOn.manual'),
          },
          ...('fields' in trigger && trigger.fields
            ? [{ key: 'fields', label: t('automation.onlyFields'), children: trigger.fields.map(name).join(', ') }]
            : []),
          ...('changedTo' in trigger && trigger.changedTo
            ? [
                {
                  key: 'changedTo',
                  label: t('automation.changedTo'),
                  children: (
                    <Space wrap>
                      {Object.entries(trigger.changedTo).map(([f, v]) => (
                        <span key={f}>
                          {name(f)} = <SnapshotValue object={run.object} field={f} value={v} record={run.record} />
                        </span>
                      ))}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <Typography.Paragraph strong style={{ marginTop: 12, marginBottom: 8 }}>
        {t('automation.changes')}
      </Typography.Paragraph>
      {run.event === 'created' && changes.length === 0 ? (
        <Typography.Text type="secondary">{t('automation.newRecord')}</Typography.Text>
      ) : changes.length === 0 ? (
        <Typography.Text type="secondary">{t('automation.noChanges')}</Typography.Text>
      ) : (
        <Table<FieldChange>
          size="small"
          rowKey="field"
          pagination={false}
          data-testid="run-changes"
          dataSource={changes}
          scroll={{ x: 'max-content' }}
          columns={[
            { key: 'field', title: t('automation.field'), render: (_, c) => name(c.field) },
            {
              key: 'before',
              title: t('automation.before'),
              render: (_, c) => (
                <SnapshotValue object={run.object} field={c.field} value={c.before} record={run.oldRecord} />
              ),
            },
            {
              key: 'after',
              title: t('automation.after'),
              render: (_, c) => (
                <SnapshotValue object={run.object} field={c.field} value={c.after} record={run.record} />
              ),
            },
          ]}
        />
      )}
    </>
  );
}

/** One attempt of one action: status, timing, input and output, and the error in red. */
function Attempt({ step }: { step: RunStep }) {
  const { t, i18n } = useTranslation();
  return (
    <div data-testid="run-attempt" data-status={step.status}>
      <Space wrap style={{ marginBottom: 8 }}>
        <Typography.Text strong>{t('automation.attempt', { n: step.attempt })}</Typography.Text>
        <RunStatusTag status={step.status === 'replayed' ? 'succeeded' : step.status} />
        <Typography.Text type="secondary">
          {runTime(step.startedAt)} · {formatDuration(step.durationMs, i18n.language)}
        </Typography.Text>
      </Space>
      <Row gutter={[12, 8]}>
        <Col xs={24} md={step.output === null ? 24 : 12}>
          <Typography.Text type="secondary">{t('automation.input')}</Typography.Text>
          <JsonBlock
            value={step.input}
            label={`${t('automation.attempt', { n: step.attempt })}: ${t('automation.input')}`}
          />
        </Col>
        {step.output !== null && (
          <Col xs={24} md={12}>
            <Typography.Text type="secondary">{t('automation.output')}</Typography.Text>
            <JsonBlock
              value={step.output}
              label={`${t('automation.attempt', { n: step.attempt })}: ${t('automation.output')}`}
            />
          </Col>
        )}
      </Row>
      {step.error && (
        <Alert type="error" showIcon title={step.error} style={{ marginTop: 8 }} data-testid="run-attempt-error" />
      )}
    </div>
  );
}
