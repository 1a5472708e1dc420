import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { App, Modal, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { rollback } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { PlanPreview } from '../publish/PlanPreview';
import { previewOf, previewOfRefusal, type PublishPreview } from '../publish/publish-plan';

/**
 * Rolling back to release `n`: the engine's dry run first (what changes, the schema steps, lossy
 * ones with their rows), then the rollback itself as a new release. A refusal (a rollback that
 * changes roles or permission sets is an admin's) is shown as the engine words it. The draft
 * becomes that release, so unpublished edits go with it: the dialog says so.
 */
export function RollbackDialog({ n, onClose }: { n: number; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [preview, setPreview] = useState<PublishPreview>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(true);
  const [confirmed, setConfirmed] = useState(false);

  useEffect(() => {
    let live = true;
    rollback(n, { dryRun: true })
      .then((result) => live && setPreview(previewOf(result)))
      .catch((e: unknown) => {
        if (!live) return;
        setPreview(previewOfRefusal(e as ApiError));
        setError(e);
      })
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [n]);

  const go = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await rollback(n, { confirmLossy: preview?.state === 'confirm' && confirmed });
      await queryClient.invalidateQueries();
      onClose();
      void message.success(t('studio.releases.rolledBack', { n, release: result.release }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const ready = preview && !error && (preview.state === 'ready' || (preview.state === 'confirm' && confirmed));
  return (
    <Modal
      open
      width={720}
      title={t('studio.releases.rollbackTitle', { n })}
      okText={t('studio.releases.rollback')}
      okButtonProps={{ danger: true, disabled: !ready, 'data-testid': 'confirm-rollback' }}
      cancelText={t('common.cancel')}
      confirmLoading={busy && !!preview}
      onOk={() => void go()}
      onCancel={onClose}
    >
      <ProblemAlert error={error} />
      <Typography.Paragraph type="secondary">{t('studio.releases.rollbackDetail')}</Typography.Paragraph>
      {busy && !preview && !error && <Spin />}
      {preview && (
        <PlanPreview
          preview={preview}
          confirmed={confirmed}
          onConfirmed={setConfirmed}
          nothing={t('studio.releases.nothing')}
        />
      )}
    </Modal>
  );
}
