import { InboxOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Modal, Progress, Radio, Select, Space, Table, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';
import { downloadImportErrors, fetchImportJob, startImport } from '../api/records.api';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { csvHeader, guessField } from './csv-header';

/**
 * CSV import: pick a file, map its columns to fields (guessed from API names and labels in every
 * language), choose all-or-none or skip bad rows, then watch the engine's job to the end and
 * download its error report.
 */
export function ImportModal({ object, open, onClose }: { object: string; open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File>();
  const [headers, setHeaders] = useState<string[]>([]);
  const [mapping, setMapping] = useState<Record<string, string | null>>({});
  const [mode, setMode] = useState<'allOrNone' | 'skipBadRows'>('allOrNone');
  const [jobId, setJobId] = useState<string>();
  const [error, setError] = useState<string>();
  const [starting, setStarting] = useState(false);
  const fields = (meta.object(object)?.fields ?? []).filter((f) => !f.readOnly);

  const job = useQuery({
    queryKey: ['import', jobId],
    queryFn: () => fetchImportJob(jobId!),
    enabled: !!jobId,
    // Poll until the job ends.
    refetchInterval: (q) =>
      q.state.data && (q.state.data.status === 'completed' || q.state.data.status === 'failed') ? false : 500,
  });
  const finished = job.data?.status === 'completed' || job.data?.status === 'failed';
  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: ['records', object] });
  }, [finished, object, queryClient]);

  const reset = () => {
    setFile(undefined);
    setHeaders([]);
    setMapping({});
    setJobId(undefined);
    setError(undefined);
  };
  const pick = async (f: File) => {
    const head = csvHeader(await f.slice(0, 64 * 1024).text());
    const candidates = fields.map((x) => ({
      apiName: x.apiName,
      labels: typeof x.label === 'string' ? [x.label] : Object.values(x.label),
    }));
    setFile(f);
    setHeaders(head);
    setMapping(Object.fromEntries(head.map((h) => [h, guessField(h, candidates) ?? null])));
    return false;
  };
  const start = async () => {
    if (!file) return;
    setStarting(true);
    setError(undefined);
    try {
      setJobId((await startImport(object, file, { mapping, mode })).id);
    } catch (e) {
      setError((e as ApiError).display);
    } finally {
      setStarting(false);
    }
  };
  const data = job.data;
  const percent = data?.rowsTotal
    ? Math.round((100 * data.rowsProcessed) / data.rowsTotal)
    : data?.status === 'completed'
      ? 100
      : 0;

  return (
    <Modal
      open={open}
      title={t('import.title', { object: labelOf(meta.object(object)?.pluralLabel, i18n.language) })}
      onCancel={() => {
        reset();
        onClose();
      }}
      width={680}
      footer={
        jobId ? (
          <Button
            type="primary"
            onClick={() => {
              reset();
              onClose();
            }}
            disabled={!finished}
          >
            {t('common.close')}
          </Button>
        ) : (
          <Button
            type="primary"
            onClick={start}
            disabled={!file || !Object.values(mapping).some(Boolean)}
            loading={starting}
            data-testid="import-start"
          >
            {t('import.start')}
          </Button>
        )
      }
    >
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
      {!file && (
        <Upload.Dragger accept=".csv,text/csv" beforeUpload={pick} showUploadList={false} maxCount={1}>
          <p className="ant-upload-drag-icon">
            <InboxOutlined />
          </p>
          <p>{t('import.drop')}</p>
        </Upload.Dragger>
      )}
      {file && !jobId && (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{file.name}</Typography.Text>
          <Table
            size="small"
            pagination={false}
            rowKey="header"
            scroll={{ y: 280 }}
            dataSource={headers.map((header) => ({ header }))}
            columns={[
              { title: t('import.column'), dataIndex: 'header' },
              {
                title: t('import.field'),
                render: (_: unknown, row: { header: string }) => (
                  <Select
                    aria-label={t('import.fieldFor', { column: row.header })}
                    value={mapping[row.header] ?? ''}
                    style={{ width: '100%' }}
                    onChange={(v) => setMapping({ ...mapping, [row.header]: v || null })}
                    options={[
                      { value: '', label: t('import.skip') },
                      ...fields.map((f) => ({ value: f.apiName, label: labelOf(f.label, i18n.language) })),
                    ]}
                  />
                ),
              },
            ]}
          />
          <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as typeof mode)}>
            <Radio value="allOrNone">{t('import.allOrNone')}</Radio>
            <Radio value="skipBadRows">{t('import.skipBadRows')}</Radio>
          </Radio.Group>
        </Space>
      )}
      {jobId && (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="import-progress">
          <Progress
            percent={percent}
            status={data?.status === 'failed' ? 'exception' : finished ? 'success' : 'active'}
          />
          {data && (
            <Typography.Text>
              {t(`import.status.${data.status}`)} ·{' '}
              {t('import.counts', {
                processed: data.rowsProcessed,
                total: data.rowsTotal ?? '…',
                created: data.rowsCreated,
                updated: data.rowsUpdated,
                failed: data.rowsFailed,
              })}
            </Typography.Text>
          )}
          {data?.error && <Alert type="error" title={data.error} />}
          {data?.errorReportUrl && (
            <Button onClick={() => void downloadImportErrors(data.id)}>{t('import.errorReport')}</Button>
          )}
        </Space>
      )}
    </Modal>
  );
}
