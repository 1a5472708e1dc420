import { CloudUploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import type { ApiError } from '@tessera/runtime-ui/api/api-error';
import { App, Button, Checkbox, Empty, List, Modal, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { publish } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
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
          {preview && <PreviewBody preview={preview} confirmed={confirmed} onConfirmed={setConfirmed} />}
        </Modal>
      )}
    </>
  );
}

function PreviewBody({
  preview,
  confirmed,
  onConfirmed,
}: {
  preview: PublishPreview;
  confirmed: boolean;
  onConfirmed: (on: boolean) => void;
}) {
  const { t } = useTranslation();
  if (preview.state === 'nothing') return <Empty description={t('studio.publish.nothing')} />;
  return (
    <div data-testid="publish-plan">
      {preview.diff.length > 0 && (
        <>
          <Typography.Title level={3} style={{ fontSize: 15 }}>
            {t('studio.publish.changes', { count: preview.diff.length })}
          </Typography.Title>
          <List
            size="small"
            bordered
            style={{ marginBottom: 16 }}
            dataSource={preview.diff}
            renderItem={(c) => (
              <List.Item>
                <span>
                  <Tag>{t(`studio.publish.change.${c.change}`)}</Tag>
                  {t(`studio.publish.kind.${c.kind}`, { defaultValue: c.kind })}{' '}
                  <code>{c.object ? `${c.object}.${c.apiName}` : c.apiName}</code>
                  {c.from && (
                    <>
                      {' '}
                      ← <code>{c.from}</code>
                    </>
                  )}
                </span>
              </List.Item>
            )}
          />
        </>
      )}
      <Typography.Title level={3} style={{ fontSize: 15 }}>
        {t('studio.publish.steps', { count: preview.plan.length })}
      </Typography.Title>
      {preview.plan.length ? (
        <List
          size="small"
          bordered
          dataSource={preview.plan}
          renderItem={(p) => (
            <List.Item>
              <span>
                {p.blocked ? (
                  <Tag color="red">{t('studio.publish.blocked')}</Tag>
                ) : p.lossy ? (
                  <Tag color="orange">{t('studio.publish.lossy', { count: p.rows ?? 0 })}</Tag>
                ) : (
                  <Tag color="green">{t('studio.publish.safe')}</Tag>
                )}
                <code>{p.description}</code>
                {p.blocked && <div>{p.blocked}</div>}
              </span>
            </List.Item>
          )}
        />
      ) : (
        <Typography.Paragraph type="secondary">{t('studio.publish.noSteps')}</Typography.Paragraph>
      )}
      {preview.state === 'confirm' && (
        <Checkbox
          style={{ marginTop: 16 }}
          checked={confirmed}
          onChange={(e) => onConfirmed(e.target.checked)}
          data-testid="confirm-lossy"
        >
          {t('studio.publish.confirmLossy', { count: preview.lossyRows })}
        </Checkbox>
      )}
    </div>
  );
}
