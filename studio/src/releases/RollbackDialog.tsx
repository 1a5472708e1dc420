import { useQueryClient } from '@tanstack/react-query';
import { App, Modal, Spin, Typography } from 'antd';
import { useCallback, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { rollback, type PublishCall } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { PlanPreview } from '../publish/PlanPreview';
import { StalePlanAlert } from '../publish/StalePlanAlert';
import { usePlannedPublish } from '../publish/use-planned-publish';

/**
 * Rolling back to release `n`: the engine's dry run first (what changes, the schema steps, lossy
 * ones with their rows), then the rollback of that plan as a new release — if someone published
 * meanwhile, the plan is drawn again to be confirmed again. A refusal (a rollback that changes
 * roles or permission sets is an admin's) is shown as the engine words it. The draft becomes that
 * release, so unpublished edits go with it: the dialog says so.
 */
export function RollbackDialog({ n, onClose }: { n: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const plan = usePlannedPublish(useCallback((options: PublishCall) => rollback(n, options), [n]));
  const { open } = plan;

  useEffect(() => {
    void open();
  }, [open]);

  const go = async () => {
    const result = await plan.apply();
    if (!result) return;
    await queryClient.invalidateQueries();
    onClose();
    void message.success(t('studio.releases.rolledBack', { n, release: result.release }));
  };

  const { preview, error, busy } = plan;
  return (
    <Modal
      open
      width={720}
      title={t('studio.releases.rollbackTitle', { n })}
      okText={t('studio.releases.rollback')}
      okButtonProps={{ danger: true, disabled: !plan.ready || !!error, 'data-testid': 'confirm-rollback' }}
      cancelText={t('common.cancel')}
      confirmLoading={busy && !!preview}
      onOk={() => void go()}
      onCancel={onClose}
    >
      <StalePlanAlert stale={plan.stale} />
      <ProblemAlert error={error} />
      <Typography.Paragraph type="secondary">{t('studio.releases.rollbackDetail')}</Typography.Paragraph>
      {busy && !preview && !error && <Spin />}
      {preview && (
        <PlanPreview
          preview={preview}
          confirmed={plan.confirmed}
          onConfirmed={plan.setConfirmed}
          nothing={t('studio.releases.nothing')}
        />
      )}
    </Modal>
  );
}
