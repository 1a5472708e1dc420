import { CloseOutlined, ReloadOutlined, SyncOutlined } from '@ant-design/icons';
import { Alert, Button, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import type { ApiError } from '../api/api-error';
import { RUN_STATUSES, type RunFilter, type RunStatus, type RunSummary } from '../api/automation.api';
import { formatNumber } from '../fields/format';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { NoPermission } from '../shell/NoPermission';
import { fieldName } from './field-name';
import { formatDuration, inProgress, runDuration, runTime } from './run-format';
import { RunStatusTag } from './RunStatusTag';
import { useRecordNames, useRuns, useWorkflows } from './use-runs';

// The detail (JSON blocks, descriptions) comes with the first run opened.
const RunDrawer = lazy(() => import('./RunDrawer'));

const isStatus = (s: string | null): s is RunStatus => RUN_STATUSES.includes(s as RunStatus);

/**
 * What the workflows did, for admins (manageMetadata): every run, newest first, filtered by
 * workflow and status (kept in the address, as is the run whose detail is open), page by page.
 */
export default function RunsPage() {
  const meta = useMeta();
  if (!meta.hasSystem('manageMetadata')) return <NoPermission permission="manageMetadata" />;
  return <Runs />;
}

function Runs() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const meta = useMeta();
  const [params, setParams] = useSearchParams();
  const status = params.get('status');
  const filter: RunFilter = {
    ...(params.get('workflow') ? { workflow: params.get('workflow')! } : {}),
    ...(isStatus(status) ? { status } : {}),
    ...(params.get('record') ? { record: params.get('record')! } : {}),
  };
  const list = useRuns(filter);
  const workflows = useWorkflows();
  const names = useRecordNames(meta, list.runs);
  const openRun = params.get('run');

  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value === undefined) next.delete(key);
    else next.set(key, value);
    setParams(next, { replace: true });
  };
  const workflowLabel = (apiName: string) => labelOf(workflows.byName.get(apiName)?.label, lng, apiName);

  if ((list.error as ApiError | null)?.status === 403) return <NoPermission permission="manageMetadata" />;

  const live = list.runs.some((r) => inProgress(r.status));
  const filtered = Object.keys(filter).length > 0;
  const columns: ColumnsType<RunSummary> = [
    {
      key: 'status',
      title: t('automation.status'),
      render: (_, r) =>
        r.error ? (
          <Tooltip title={r.error}>
            <span>
              <RunStatusTag status={r.status} />
            </span>
          </Tooltip>
        ) : (
          <RunStatusTag status={r.status} />
        ),
    },
    {
      key: 'workflow',
      title: t('automation.workflow'),
      render: (_, r) => (
        <Button
          type="link"
          style={{ padding: 0, height: 'auto', whiteSpace: 'normal', textAlign: 'start' }}
          onClick={() => setParam('run', r.id)}
          aria-label={t('automation.openRun', { workflow: workflowLabel(r.workflow), time: runTime(r.createdAt) })}
          data-testid="open-run"
        >
          {workflowLabel(r.workflow)}
        </Button>
      ),
    },
    {
      key: 'record',
      title: t('automation.record'),
      render: (_, r) => {
        const object = meta.object(r.object);
        const name = r.recordId ? names.get(r.recordId) || r.recordId.slice(0, 8) + '…' : '';
        return (
          <span>
            <Typography.Text type="secondary">{labelOf(object?.label, lng, r.object)}</Typography.Text>
            <br />
            {object && r.recordId ? (
              <Link to={`/o/${r.object}/${r.recordId}`} className="tessera-wrap">
                {name}
              </Link>
            ) : (
              name
            )}
          </span>
        );
      },
    },
    { key: 'event', title: t('automation.event'), render: (_, r) => t(`record.event.${r.event}`) },
    {
      key: 'changed',
      title: t('automation.changed'),
      render: (_, r) => (
        <span className="tessera-wrap">
          {r.changed.map((f) => fieldName(meta, r.object, f, lng, t('automation.owner'))).join(', ')}
        </span>
      ),
    },
    {
      key: 'depth',
      title: <Tooltip title={t('automation.depthHelp')}>{t('automation.depth')}</Tooltip>,
      align: 'end',
      render: (_, r) => formatNumber(r.depth, lng),
    },
    { key: 'attempts', title: t('automation.attempts'), align: 'end', render: (_, r) => formatNumber(r.attempts, lng) },
    {
      key: 'created',
      title: t('automation.created'),
      render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{runTime(r.createdAt)}</span>,
    },
    {
      key: 'duration',
      title: t('automation.duration'),
      align: 'end',
      render: (_, r) => {
        const ms = runDuration(r);
        return ms === undefined ? '' : <span style={{ whiteSpace: 'nowrap' }}>{formatDuration(ms, lng)}</span>;
      },
    },
  ];

  return (
    <div className="tessera-page">
      <Space wrap style={{ justifyContent: 'space-between', width: '100%', marginBottom: 12 }}>
        <Space wrap align="center">
          <Typography.Title level={2} style={{ margin: 0, fontSize: 20 }}>
            {t('automation.title')}
          </Typography.Title>
          <Select
            aria-label={t('automation.workflow')}
            placeholder={t('automation.allWorkflows')}
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            value={filter.workflow}
            onChange={(v: string | undefined) => setParam('workflow', v)}
            style={{ minWidth: 200 }}
            data-testid="workflow-filter"
            options={[...workflows.byName.values()].map((w) => ({
              value: w.apiName,
              label: labelOf(w.label, lng, w.apiName),
            }))}
          />
          <Select
            aria-label={t('automation.status')}
            placeholder={t('automation.allStatuses')}
            allowClear
            value={filter.status}
            onChange={(v: string | undefined) => setParam('status', v)}
            style={{ minWidth: 150 }}
            data-testid="status-filter"
            options={RUN_STATUSES.map((s) => ({ value: s, label: t(`automation.statuses.${s}`) }))}
          />
          {filter.record && (
            <Tag
              closable={{ closeIcon: <CloseOutlined />, 'aria-label': t('automation.removeRecordFilter') }}
              onClose={() => setParam('record', undefined)}
            >
              {t('automation.recordFilter', { id: filter.record.slice(0, 8) + '…' })}
            </Tag>
          )}
        </Space>
        <Space wrap align="center">
          {live && (
            <Typography.Text type="secondary" data-testid="runs-live">
              <SyncOutlined spin /> {t('automation.autoRefresh')}
            </Typography.Text>
          )}
          <Button
            icon={<ReloadOutlined />}
            onClick={() => void list.refetch()}
            loading={list.isRefetching && !list.isFetchingNextPage}
          >
            {t('automation.refresh')}
          </Button>
        </Space>
      </Space>
      {list.error && (
        <Alert type="error" showIcon title={(list.error as ApiError).display} style={{ marginBottom: 12 }} />
      )}
      <Table<RunSummary>
        size="small"
        rowKey="id"
        data-testid="runs-table"
        columns={columns}
        dataSource={list.runs}
        loading={list.isPending}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: filtered ? t('automation.noMatch') : t('automation.none') }}
      />
      <Space style={{ marginTop: 12 }} wrap>
        {list.runs.length > 0 && (
          <Typography.Text type="secondary" data-testid="runs-shown">
            {t('automation.shown', { count: list.runs.length })}
          </Typography.Text>
        )}
        {list.hasNextPage && (
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="runs-more">
            {t('automation.loadMore')}
          </Button>
        )}
      </Space>
      {openRun && (
        <Suspense fallback={null}>
          <RunDrawer id={openRun} onClose={() => setParam('run', undefined)} />
        </Suspense>
      )}
    </div>
  );
}
