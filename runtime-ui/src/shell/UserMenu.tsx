import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { logout } from '../api/auth.api';
import { useSession } from '../auth/use-session';

export function UserMenu() {
  const { t } = useTranslation();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const signOut = async () => {
    try {
      await logout();
    } finally {
      queryClient.clear();
      queryClient.setQueryData(['session'], null);
    }
  };
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'who', label: user?.email, disabled: true },
          { key: 'logout', icon: <LogoutOutlined />, label: t('shell.logout'), onClick: () => void signOut() },
        ],
      }}
    >
      <Button type="text" icon={<UserOutlined />} aria-label={`${t('shell.userMenu')}: ${user?.name ?? ''}`}>
        <span className="tessera-hide-xs">{user?.name}</span>
      </Button>
    </Dropdown>
  );
}
