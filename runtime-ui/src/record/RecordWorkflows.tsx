import { useQueryClient } from '@tanstack/react-query';
import { App, Grid } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { ApiError } from '../api/api-error';
import { runManualWorkflow } from '../api/automation.api';
import type { ManualWorkflowMeta } from '../api/metadata.api';
import type { RecordData } from '../api/records.api';
import { skipReasonKey, waitForChanges } from '../automation/manual-runs';
import { ManualWorkflowButtons } from '../automation/ManualWorkflowButtons';
import { RunsLink, runsUrl } from '../automation/RunsLink';
import { useMeta } from '../metadata/use-metadata';

interface Props {
  object: string;
  record: RecordData;
  /** The record's name, for the confirmation. */
  name: string;
}

/**
 * The object's manual workflows in the record page's header (one drop-down on a phone). A start
 * is confirmed, then said in a message (with a link to the run for those who may see runs), and
 * the page reads the record again once the run has changed it, which takes a moment: the run
 * happens in the background.
 */
export function RecordWorkflows({ object, record, name }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const meta = useMeta();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const screens = Grid.useBreakpoint();
  const workflows = meta.manualWorkflows(object);
  const nameField = meta.object(object)?.nameField ?? 'name';

  const refreshWhenChanged = async (before: RecordData) => {
    await waitForChanges(object, nameField, new Map([[before.id, before.version]]));
    void queryClient.invalidateQueries({ queryKey: ['records', object] });
    void queryClient.invalidateQueries({ queryKey: ['history', object, before.id] });
  };

  const run = async (workflow: ManualWorkflowMeta, label: string) => {
    let started: string | undefined;
    try {
      const result = await runManualWorkflow(workflow.apiName, [record.id]);
      started = result.runs[0]?.runId;
      if (!started) {
        const reason = result.skipped[0]?.reason ?? '';
        const key = skipReasonKey(reason);
        message.warning(t('manual.notStarted', { reason: key ? t(key) : reason }));
        return;
      }
    } catch (e) {
      message.error(e instanceof ApiError ? e.display : String(e));
      return;
    }
    const canSeeRuns = meta.hasSystem('manageMetadata');
    message.success({
      content: (
        <span data-testid="workflow-started">
          {t('manual.started', { workflow: label })}
          {canSeeRuns && (
            <>
              {' · '}
              <RunsLink to={runsUrl(workflow.apiName, started)} navigate={navigate}>
                {t('manual.viewRun')}
              </RunsLink>
            </>
          )}
        </span>
      ),
      duration: canSeeRuns ? 8 : 3,
    });
    void refreshWhenChanged(record);
  };

  return (
    <ManualWorkflowButtons
      workflows={workflows}
      collapsed={!screens.sm}
      confirmContent={t('manual.confirmRecord', { name })}
      onRun={run}
    />
  );
}
