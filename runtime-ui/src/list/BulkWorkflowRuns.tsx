import { useQueryClient } from '@tanstack/react-query';
import { App, Modal, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { runManualWorkflow } from '../api/automation.api';
import type { ManualWorkflowMeta } from '../api/metadata.api';
import type { RecordData } from '../api/records.api';
import {
  groupByReason,
  skipReasonKey,
  startInChunks,
  waitForChanges,
  WATCHED_RECORDS,
  type ManualOutcome,
} from '../automation/manual-runs';
import { ManualWorkflowButtons } from '../automation/ManualWorkflowButtons';
import { RunsLink, runsUrl } from '../automation/RunsLink';
import { formatNumber, plainText } from '../fields/format';
import { useMeta } from '../metadata/use-metadata';
import { BulkProgress, type BulkProgressState } from './BulkProgress';

interface Props {
  object: string;
  selected: RecordData[];
  /** Called when the user is done with the outcome: the selection goes. */
  onDone: () => void;
  disabled?: boolean;
}

/** Names of skipped records listed per reason; the rest are counted. */
const NAMES_SHOWN = 10;

/**
 * The object's manual workflows in the bulk bar ("Run: Escalate"): started for the selected rows,
 * 200 a request. All started: a message. Some skipped: a dialog with the counts and the skipped
 * records grouped by the engine's reason. The list is read again at once and once more when the
 * runs (which happen in the background) have changed the records, or after a few seconds.
 */
export function BulkWorkflowRuns({ object, selected, onDone, disabled }: Props) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const meta = useMeta();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [progress, setProgress] = useState<BulkProgressState>();
  const [summary, setSummary] = useState<{ workflow: ManualWorkflowMeta; label: string } & ManualOutcome>();
  const lng = i18n.language;
  const nameField = meta.object(object)?.nameField ?? 'name';
  const canSeeRuns = meta.hasSystem('manageMetadata');
  const names = new Map(selected.map((r) => [r.id, plainText(r[nameField] ?? t('record.untitled'))]));
  const reasonText = (reason: string) => {
    const key = skipReasonKey(reason);
    return key ? t(key) : reason;
  };

  const start = async (workflow: ManualWorkflowMeta, label: string) => {
    const rows = selected;
    const outcome = await startInChunks(
      rows.map((r) => r.id),
      (chunk) => runManualWorkflow(workflow.apiName, chunk),
      (done, total) => setProgress({ done, total }),
    );
    setProgress(undefined);
    const refresh = () => queryClient.invalidateQueries({ queryKey: ['records', object] });
    void refresh();
    const versions = new Map(rows.map((r) => [r.id, r.version]));
    const watched = new Map(
      outcome.runs.slice(0, WATCHED_RECORDS).map((r) => [r.recordId, versions.get(r.recordId) ?? -1]),
    );
    void waitForChanges(object, nameField, watched).then(refresh);

    if (outcome.skipped.length) {
      setSummary({ workflow, label, ...outcome });
      return;
    }
    message.success({
      content: (
        <span data-testid="workflow-started">
          {t('manual.startedCount', {
            workflow: label,
            count: outcome.runs.length,
            n: formatNumber(outcome.runs.length, lng),
          })}
          {canSeeRuns && (
            <>
              {' · '}
              <RunsLink to={runsUrl(workflow.apiName)} navigate={navigate}>
                {t('manual.viewRuns')}
              </RunsLink>
            </>
          )}
        </span>
      ),
      duration: canSeeRuns ? 8 : 3,
    });
    onDone();
  };
  const closeSummary = () => {
    setSummary(undefined);
    onDone();
  };

  return (
    <>
      <ManualWorkflowButtons
        workflows={meta.manualWorkflows(object)}
        buttonText={(label) => t('manual.runNamed', { workflow: label })}
        confirmContent={t('manual.confirmRecords', { count: selected.length, n: formatNumber(selected.length, lng) })}
        // The confirmation closes at once; the progress dialog takes over.
        onRun={(workflow, label) => {
          void start(workflow, label);
          return Promise.resolve();
        }}
        disabled={disabled || progress !== undefined}
      />
      <BulkProgress progress={progress} />
      <Modal
        open={summary !== undefined}
        onCancel={closeSummary}
        onOk={closeSummary}
        cancelButtonProps={{ style: { display: 'none' } }}
        okText={t('common.close')}
        width={720}
        title={
          summary &&
          t('manual.summary', {
            workflow: summary.label,
            started: formatNumber(summary.runs.length, lng),
            skipped: formatNumber(summary.skipped.length, lng),
          })
        }
      >
        {summary && (
          <Space orientation="vertical" style={{ width: '100%' }}>
            {canSeeRuns && summary.runs.length > 0 && (
              <Link to={runsUrl(summary.workflow.apiName)} data-testid="runs-link">
                {t('manual.viewRuns')}
              </Link>
            )}
            <Table
              data-testid="workflow-skipped"
              size="small"
              rowKey="reason"
              pagination={false}
              dataSource={groupByReason(summary.skipped)}
              columns={[
                { key: 'reason', title: t('bulk.reason'), render: (_, g) => reasonText(g.reason) },
                {
                  key: 'records',
                  title: t('manual.records'),
                  render: (_, g) => (
                    <span className="tessera-wrap">
                      <Typography.Text strong>{formatNumber(g.recordIds.length, lng)}</Typography.Text>
                      {': '}
                      {g.recordIds.slice(0, NAMES_SHOWN).map((id, i) => (
                        <span key={id}>
                          {i > 0 && ', '}
                          <Link to={`/o/${object}/${id}`}>{names.get(id) ?? id}</Link>
                        </span>
                      ))}
                      {g.recordIds.length > NAMES_SHOWN &&
                        ' ' + t('manual.andMore', { n: formatNumber(g.recordIds.length - NAMES_SHOWN, lng) })}
                    </span>
                  ),
                },
              ]}
            />
          </Space>
        )}
      </Modal>
    </>
  );
}
