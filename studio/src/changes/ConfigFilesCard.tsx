import { DownloadOutlined, UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Select, Space, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PlanPreview } from '../publish/PlanPreview';
import { previewOf, type PublishPreview } from '../publish/publish-plan';
import { ProblemAlert } from '../app/ProblemAlert';
import { downloadConfig, uploadConfig, type ConfigSource } from './config-files.api';

/**
 * The configuration as files, for moving it between environments through git: the draft or the
 * current release downloaded as a zip of JSON files (one per item, as `tessera metadata export`
 * writes them), and such a zip uploaded into the draft — every file checked first, nothing changed
 * if one is refused — with the plan of publishing it. Publishing stays the header's button.
 */
export function ConfigFilesCard() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [source, setSource] = useState<ConfigSource>('draft');
  const [busy, setBusy] = useState<'download' | 'upload'>();
  const [error, setError] = useState<unknown>();
  const [imported, setImported] = useState<{ name: string; preview: PublishPreview }>();

  const download = async () => {
    setBusy('download');
    setError(undefined);
    try {
      const url = URL.createObjectURL(await downloadConfig(source));
      const link = document.createElement('a');
      link.href = url;
      link.download = source === 'current' ? 'tessera-config-current.zip' : 'tessera-config-draft.zip';
      link.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  const upload = async (file: File) => {
    setBusy('upload');
    setError(undefined);
    setImported(undefined);
    try {
      const result = await uploadConfig(await file.arrayBuffer());
      // Lossy steps are confirmed when publishing (the header's button), not here.
      const preview = previewOf(result);
      setImported({ name: file.name, preview: preview.state === 'confirm' ? { ...preview, state: 'ready' } : preview });
      await queryClient.invalidateQueries();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };

  return (
    <Card title={t('studio.configFiles.title')} style={{ marginTop: 24 }} data-testid="config-files">
      <Typography.Paragraph type="secondary">{t('studio.configFiles.detail')}</Typography.Paragraph>
      <Space wrap>
        <Select<ConfigSource>
          aria-label={t('studio.configFiles.source')}
          value={source}
          onChange={setSource}
          style={{ minWidth: 200 }}
          options={[
            { value: 'draft', label: t('studio.configFiles.draft') },
            { value: 'current', label: t('studio.configFiles.current') },
          ]}
        />
        <Button icon={<DownloadOutlined />} loading={busy === 'download'} onClick={() => void download()}>
          {t('studio.configFiles.download')}
        </Button>
        <Upload
          accept=".zip,application/zip"
          showUploadList={false}
          beforeUpload={(file) => {
            void upload(file);
            return false;
          }}
        >
          <Button icon={<UploadOutlined />} loading={busy === 'upload'} data-testid="upload-config">
            {t('studio.configFiles.upload')}
          </Button>
        </Upload>
      </Space>
      <div style={{ marginTop: 12 }}>
        <ProblemAlert error={error} />
      </div>
      {imported && (
        <div data-testid="imported-plan">
          <Alert
            type="info"
            showIcon
            role="status"
            style={{ marginBottom: 12 }}
            title={t('studio.configFiles.imported', { name: imported.name })}
          />
          <PlanPreview
            preview={imported.preview}
            confirmed={false}
            onConfirmed={() => undefined}
            nothing={t('studio.configFiles.same')}
          />
        </div>
      )}
    </Card>
  );
}
