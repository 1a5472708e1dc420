import { SaveOutlined } from '@ant-design/icons';
import { Button, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Names the current filter, sort and columns as one of the user's own views. */
export function SaveViewButton({ onSave }: { onSave: (label: string) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState('');
  const save = () => {
    if (!label.trim()) return;
    onSave(label.trim());
    setOpen(false);
    setLabel('');
  };
  return (
    <>
      <Button icon={<SaveOutlined />} onClick={() => setOpen(true)}>{t('views.save')}</Button>
      <Modal open={open} title={t('views.saveTitle')} onCancel={() => setOpen(false)} onOk={save} okButtonProps={{ disabled: !label.trim() }} okText={t('common.save')}>
        <Form layout="vertical" onFinish={save}>
          <Form.Item label={t('views.name')} htmlFor="my-view-name">
            <Input id="my-view-name" autoFocus value={label} maxLength={80} onChange={(e) => setLabel(e.target.value)} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
