import { CloudUploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { publish } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { PlanPreview } from './PlanPreview';
import { StalePlanAlert } from './StalePlanAlert';
import { usePlannedPublish } from './use-planned-publish';

/**
 * Publish the draft: a dry run first, its changes and schema plan shown (lossy steps marked with
 * the rows they touch), a confirmation asked for lossy steps, then the publish of that plan — if
 * another admin changed the draft meanwhile, the plan is drawn again to be confirmed again.
 */
export function PublishButton() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const plan = usePlannedPublish(publish);

  const go = async () => {
    const result = await plan.apply();
    if (!result) return;
    await queryClient.invalidateQueries();
    setOpen(false);
    void message.success(t('studio.publish.done', { n: result.release }));
  };

  return (
    <>
      <Button
        type="primary"
        icon={<CloudUploadOutlined />}
        onClick={() => {
          setOpen(true);
          void plan.open();
        }}
        data-testid="publish"
      >
        {t('studio.publish.button')}
      </Button>
      {open && (
        <Modal
          open
          width={720}
          title={t('studio.publish.title')}
          okText={t('studio.publish.confirm')}
          cancelText={t('common.cancel')}
          okButtonProps={{ disabled: !plan.ready, 'data-testid': 'confirm-publish' }}
          confirmLoading={plan.busy}
          onOk={() => void go()}
          onCancel={() => setOpen(false)}
        >
          <StalePlanAlert stale={plan.stale} />
          <ProblemAlert error={plan.error} />
          {plan.preview && (
            <PlanPreview preview={plan.preview} confirmed={plan.confirmed} onConfirmed={plan.setConfirmed} />
          )}
        </Modal>
      )}
    </>
  );
}
