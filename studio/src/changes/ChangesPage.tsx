import { UndoOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Empty, Modal, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { discardDraft } from '../api/studio.api';
import { ProblemAlert } from '../app/ProblemAlert';
import { useDraftChanges } from '../objects/use-studio-data';
import { ChangeList } from '../publish/ChangeList';
import { ConfigFilesCard } from './ConfigFilesCard';

/**
 * The changes panel: what the draft changes against the current release, as the engine works it
 * out (GET /meta/draft/changes), discarding all of them after a confirmation, and the
 * configuration as a zip of files, down and up.
 */
export default function ChangesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const changes = useDraftChanges();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const list = changes.data?.changes ?? [];

  const discard = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { release } = await discardDraft();
      await queryClient.invalidateQueries();
      setConfirming(false);
      void message.success(t('studio.changes.discarded', { n: release }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="tessera-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 12 }} wrap>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {t('studio.changes.title')}
        </Typography.Title>
        <Button
          danger
          icon={<UndoOutlined />}
          disabled={!list.length}
          data-testid="discard-draft"
          onClick={() => setConfirming(true)}
        >
          {t('studio.changes.discard')}
        </Button>
      </Space>
      <ProblemAlert error={changes.error} />
      {changes.data && (
        <Typography.Paragraph type="secondary">
          {t('studio.changes.against', { n: changes.data.release ?? '—' })}
        </Typography.Paragraph>
      )}
      {changes.isPending ? (
        <Spin />
      ) : list.length ? (
        <ChangeList changes={list} testId="draft-changes" />
      ) : (
        <Empty description={t('studio.changes.none')} />
      )}
      <ConfigFilesCard />
      {confirming && (
        <Modal
          open
          title={t('studio.changes.discardTitle', { count: list.length })}
          okText={t('studio.changes.discard')}
          okButtonProps={{ danger: true, 'data-testid': 'confirm-discard' }}
          cancelText={t('common.cancel')}
          confirmLoading={busy}
          onOk={() => void discard()}
          onCancel={() => setConfirming(false)}
        >
          <ProblemAlert error={error} />
          <Typography.Paragraph>{t('studio.changes.discardDetail')}</Typography.Paragraph>
        </Modal>
      )}
    </div>
  );
}
