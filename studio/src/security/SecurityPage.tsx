import { Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';

/** The security screens under one heading, a tab each; each tab is its own route (a link to share). */
export const SECURITY_TABS = ['objects', 'fields', 'defaults', 'roles', 'sharing', 'explain'] as const;

export default function SecurityPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const active = SECURITY_TABS.find((tab) => pathname.startsWith(`/security/${tab}`)) ?? 'objects';
  return (
    <div className="tessera-page">
      <Typography.Title level={1} style={{ fontSize: 22, marginTop: 0 }}>
        {t('studio.security.title')}
      </Typography.Title>
      <Tabs
        activeKey={active}
        onChange={(key) => void navigate(`/security/${key}`)}
        items={SECURITY_TABS.map((key) => ({ key, label: t(`studio.security.tabs.${key}`) }))}
      />
      <Outlet />
    </div>
  );
}
