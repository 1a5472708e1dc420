import { MenuOutlined, SearchOutlined } from '@ant-design/icons';
import { Alert, Button, Grid, Layout, Spin } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, Outlet, useLocation } from 'react-router';
import { useSession } from '../auth/use-session';
import { useMetadata } from '../metadata/use-metadata';
import { useSearchHotkey } from '../search/use-search-hotkey';
import { LanguageSwitch } from './LanguageSwitch';
import { NavMenu } from './NavMenu';
import { NotificationBell } from './NotificationBell';
import { StudioLink } from './StudioLink';

// Only phones open the drawer, and search is opened on demand: neither is part of the first load.
const NavDrawer = lazy(() => import('./NavDrawer'));
const GlobalSearch = lazy(() => import('../search/GlobalSearch'));
import { UserMenu } from './UserMenu';

/**
 * The frame around every signed-in screen: navigation from metadata (a side menu on wide
 * screens, a drawer on phones), global search, the notification bell, language and user menu.
 */
export function AppShell() {
  const { t } = useTranslation();
  const { user, loading } = useSession();
  const meta = useMetadata();
  const location = useLocation();
  const screens = Grid.useBreakpoint();
  const [drawerOpen, setDrawerOpen] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);
  useSearchHotkey(() => setSearchOpen(true));

  if (loading) return <Spin fullscreen />;
  if (!user) return <Navigate to={`/login?next=${encodeURIComponent(location.pathname + location.search)}`} replace />;
  if (!meta) return <Spin fullscreen />;
  if (!meta.objects.length)
    return <Alert type="warning" showIcon title={t('shell.noObjects')} style={{ margin: 24 }} />;

  const wide = screens.lg === true;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a href="#main" className="tessera-skip-link">
        {t('shell.skipToContent')}
      </a>
      <Layout.Header
        style={{
          display: 'flex',
          alignItems: 'center',
          gap: 8,
          padding: '0 12px',
          background: '#fff',
          borderBottom: '1px solid #f0f0f0',
        }}
      >
        {!wide && (
          <Button
            type="text"
            icon={<MenuOutlined />}
            aria-label={t('shell.openMenu')}
            onClick={() => setDrawerOpen(true)}
          />
        )}
        <Link to="/" style={{ fontWeight: 600, fontSize: 18, color: 'inherit' }}>
          Tessera
        </Link>
        <div style={{ flex: 1 }} />
        <Button
          icon={<SearchOutlined />}
          onClick={() => setSearchOpen(true)}
          aria-label={screens.md ? undefined : t('search.open')}
          title={t('search.open')}
          data-testid="open-search"
        >
          {screens.md ? t('search.button') : null}
        </Button>
        <StudioLink />
        <NotificationBell />
        <LanguageSwitch />
        <UserMenu />
      </Layout.Header>
      <Layout>
        {wide && (
          <Layout.Sider width={220} theme="light" style={{ borderInlineEnd: '1px solid #f0f0f0' }}>
            <NavMenu />
          </Layout.Sider>
        )}
        <Layout.Content id="main" style={{ minWidth: 0 }}>
          <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
      <Suspense fallback={null}>
        {!wide && drawerOpen && <NavDrawer onClose={() => setDrawerOpen(false)} />}
        {searchOpen && <GlobalSearch open onClose={() => setSearchOpen(false)} />}
      </Suspense>
    </Layout>
  );
}
