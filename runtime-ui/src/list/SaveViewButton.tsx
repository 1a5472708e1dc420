import { DeleteOutlined, EditOutlined, MoreOutlined, SaveOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Form, Input, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';

/** Names the current filter, sort and columns as one of the user's own views. */
export function SaveViewButton({ onSave }: { onSave: (label: string) => Promise<void> }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<SaveOutlined />} onClick={() => setOpen(true)}>
        {t('views.save')}
      </Button>
      <ViewNameModal
        open={open}
        title={t('views.saveTitle')}
        initial=""
        onSave={onSave}
        onClose={() => setOpen(false)}
      />
    </>
  );
}

/** What can be done with the private view on screen: save the list into it, rename it, delete it. */
export function MyViewMenu({
  label,
  onUpdate,
  onRename,
  onDelete,
}: {
  label: string;
  onUpdate: () => Promise<void>;
  onRename: (label: string) => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const [renaming, setRenaming] = useState(false);
  const run = async (action: () => Promise<void>, done: string) => {
    try {
      await action();
      message.success(done);
    } catch (e) {
      message.error((e as ApiError).display ?? String(e));
    }
  };
  const items = [
    { key: 'update', icon: <SaveOutlined />, label: t('views.update', { label }) },
    { key: 'rename', icon: <EditOutlined />, label: t('views.rename') },
    { key: 'delete', icon: <DeleteOutlined />, danger: true, label: t('views.delete') },
  ];
  const choose = ({ key }: { key: string }) => {
    if (key === 'update') void run(onUpdate, t('views.updated'));
    if (key === 'rename') setRenaming(true);
    if (key === 'delete') {
      modal.confirm({
        title: t('views.confirmDelete', { label }),
        okText: t('common.delete'),
        okButtonProps: { danger: true },
        cancelText: t('common.cancel'),
        onOk: () => run(onDelete, t('views.deleted')),
      });
    }
  };
  return (
    <>
      <Dropdown menu={{ items, onClick: choose }} trigger={['click']}>
        <Button type="text" icon={<MoreOutlined />} aria-label={t('views.actions')} data-testid="my-view-menu" />
      </Dropdown>
      <ViewNameModal
        open={renaming}
        title={t('views.renameTitle')}
        initial={label}
        onClose={() => setRenaming(false)}
        onSave={async (next) => {
          await onRename(next);
          message.success(t('views.renamed'));
        }}
      />
    </>
  );
}

/** Asks for a view's name; a refusal (a name already used) shows under the field and keeps the dialog open. */
function ViewNameModal({
  open,
  title,
  initial,
  onSave,
  onClose,
}: {
  open: boolean;
  title: string;
  initial: string;
  onSave: (label: string) => Promise<void>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const [label, setLabel] = useState(initial);
  const [error, setError] = useState<string>();
  const [saving, setSaving] = useState(false);
  const save = async () => {
    if (!label.trim() || saving) return;
    setSaving(true);
    try {
      await onSave(label.trim());
      setError(undefined);
      onClose();
    } catch (e) {
      const problem = e as ApiError;
      setError(problem.errors?.find((p) => p.field === '/label')?.message ?? problem.display ?? String(e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={save}
      okButtonProps={{ disabled: !label.trim(), loading: saving }}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      afterOpenChange={(visible) => {
        if (visible) return;
        setLabel(initial);
        setError(undefined);
      }}
    >
      <Form layout="vertical" onFinish={save}>
        <Form.Item
          label={t('views.name')}
          htmlFor="my-view-name"
          validateStatus={error ? 'error' : undefined}
          help={error}
        >
          <Input
            id="my-view-name"
            // eslint-disable-next-line jsx-a11y/no-autofocus -- the dialog opens to name the view
            autoFocus
            value={label}
            maxLength={80}
            onChange={(e) => {
              setLabel(e.target.value);
              setError(undefined);
            }}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
