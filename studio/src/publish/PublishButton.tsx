import { CloudUploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { App, Button, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { publish } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { PlanPreview } from './PlanPreview';
import { previewOf, previewOfRefusal, type PublishPreview } from './publish-plan';

/**
 * Publish the draft: a dry run first, its changes and schema plan shown (lossy steps marked with
 * the rows they touch), a confirmation asked for lossy steps, then the publish itself.
 */
export function PublishButton() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [preview, setPreview] = useState<PublishPreview>();
  const [error, setError] = useState<unknown>();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [confirmed, setConfirmed] = useState(false);

  const dryRun = async () => {
    setOpen(true);
    setBusy(true);
    setPreview(undefined);
    setError(undefined);
    setConfirmed(false);
    try {
      setPreview(previewOf(await publish({ dryRun: true })));
    } catch (e) {
      const blocked = previewOfRefusal(e as ApiError);
      if (blocked) setPreview(blocked);
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const go = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const result = await publish({ confirmLossy: preview?.state === 'confirm' && confirmed });
      await queryClient.invalidateQueries();
      setOpen(false);
      void message.success(t('studio.publish.done', { n: result.release }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const canPublish = preview !== undefined && (preview.state === 'ready' || (preview.state === 'confirm' && confirmed));
  return (
    <>
      <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => void dryRun()} data-testid="publish">
        {t('studio.publish.button')}
      </Button>
      {open && (
        <Modal
          open
          width={720}
          title={t('studio.publish.title')}
          okText={t('studio.publish.confirm')}
          cancelText={t('common.cancel')}
          okButtonProps={{ disabled: !canPublish, 'data-testid': 'confirm-publish' }}
          confirmLoading={busy}
          onOk={() => void go()}
          onCancel={() => setOpen(false)}
        >
          <ProblemAlert error={error} />
          {preview && <PlanPreview preview={preview} confirmed={confirmed} onConfirmed={setConfirmed} />}
        </Modal>
      )}
    </>
  );
}
