import { Card, Modal, Skeleton, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import type { ApiError } from '../api/api-error';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { useRecord } from '../record/use-record';
import { NotFound } from '../shell/NotFound';
import { RecordForm } from './RecordForm';
import { useUnsavedWarning } from './use-unsaved-warning';
import { plainText } from '../fields/format';

/** /o/:object/new and /o/:object/:id/edit. `?<lookup>=<id>` pre-fills a new record's parent. */
export default function RecordFormPage() {
  const { object = '', id } = useParams();
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const obj = meta.object(object);
  const record = useRecord(object, id);
  const [dirty, setDirty] = useState(false);
  const { blocker, release } = useUnsavedWarning(dirty);
  const prefill = useMemo(() => {
    const values: Record<string, unknown> = {};
    for (const [key, value] of params)
      if (obj?.fields.some((f) => f.apiName === key && !f.readOnly)) values[key] = value;
    return values;
  }, [params, obj]);

  if (!obj || (id ? !meta.can(object, 'edit') : !meta.can(object, 'create'))) return <NotFound />;
  if (id && record.error) return <NotFound detail={(record.error as ApiError).display} />;
  const name = record.data ? plainText(record.data[obj.nameField] ?? '') : '';
  const title = id ? t('form.editTitle', { name }) : t('form.newTitle', { object: labelOf(obj.label, i18n.language) });
  const back = () => (id ? navigate(`/o/${object}/${id}`) : navigate(-1));

  return (
    <div className="tessera-page" style={{ maxWidth: 1000 }}>
      <Typography.Title level={2} style={{ fontSize: 20 }} className="tessera-wrap">
        {title}
      </Typography.Title>
      {id && !record.data ? (
        <Card>
          <Skeleton active />
        </Card>
      ) : (
        <RecordForm
          key={record.data?.version ?? 'new'}
          object={object}
          record={record.data}
          prefill={prefill}
          onDirtyChange={setDirty}
          onCancel={back}
          onSaved={(saved) => {
            setDirty(false);
            release();
            void navigate(`/o/${object}/${saved.id}`, { replace: true });
          }}
        />
      )}
      <Modal
        open={blocker.state === 'blocked'}
        title={t('form.unsaved')}
        okText={t('form.leave')}
        cancelText={t('form.stay')}
        onOk={() => blocker.proceed?.()}
        onCancel={() => blocker.reset?.()}
        okButtonProps={{ danger: true }}
      />
    </div>
  );
}
