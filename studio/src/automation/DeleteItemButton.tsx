import { DeleteOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Popconfirm } from 'antd';
import { useTranslation } from 'react-i18next';
import { deleteItem, getItem, type AutomationPath } from './automation.api';

/**
 * Deletes a workflow or an approval process from the draft after a confirmation. It is read
 * first for its ETag and deleted with it, so a change another admin made just now is refused.
 */
export function DeleteItemButton({ path, apiName, name }: { path: AutomationPath; apiName: string; name: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const remove = async () => {
    try {
      const { etag } = await getItem(path, apiName);
      await deleteItem(path, apiName, etag);
      await queryClient.invalidateQueries({ queryKey: ['draft'] });
      void message.success(t('studio.automation.deleted', { name }));
    } catch (e) {
      void message.error((e as Error).message);
    }
  };
  return (
    <Popconfirm
      title={t('studio.automation.confirmDelete', { name })}
      okText={t('studio.automation.delete')}
      cancelText={t('common.cancel')}
      okButtonProps={{ danger: true }}
      onConfirm={remove}
    >
      <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('studio.automation.deleteNamed', { name })} />
    </Popconfirm>
  );
}
