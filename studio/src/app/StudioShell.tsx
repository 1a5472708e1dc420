import { AppstoreOutlined, ArrowLeftOutlined } from '@ant-design/icons';
import { useSession } from '@tessera/runtime-ui/auth/use-session';
import { LanguageSwitch } from '@tessera/runtime-ui/shell/LanguageSwitch';
import { Button, Layout, Spin, Typography } from 'antd';
import { Suspense, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { ChangesLink } from '../changes/ChangesLink';
import { UndoRedo } from '../changes/UndoRedo';
import { PublishButton } from '../publish/PublishButton';
import { canUseStudio } from './access';
import { NoAccess } from './NoAccess';
import { StudioNav } from './StudioNav';

/**
 * The frame of every studio screen. Signing in is the runtime UI's (one session cookie for both):
 * without a session the browser goes there and comes back; without manageMetadata the user is
 * told so instead of being shown screens the engine would refuse anyway.
 */
export function StudioShell() {
  const { t } = useTranslation();
  const { user, loading } = useSession();
  const location = useLocation();
  const signedOut = !loading && !user;
  useEffect(() => {
    if (signedOut) window.location.replace(`/login?next=${encodeURIComponent(`/studio${location.pathname}`)}`);
  }, [signedOut, location.pathname]);

  if (!user) return <Spin fullscreen />;
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
        <Link to="/objects" style={{ color: 'inherit', whiteSpace: 'nowrap' }}>
          <Typography.Text strong style={{ fontSize: 18 }}>
            <AppstoreOutlined /> {t('studio.title')}
          </Typography.Text>
        </Link>
        <div style={{ flex: 1 }} />
        {canUseStudio(user) && (
          <>
            <UndoRedo />
            <ChangesLink />
            <PublishButton />
          </>
        )}
        <Button type="text" href="/" icon={<ArrowLeftOutlined />}>
          <span className="tessera-hide-xs">{t('studio.backToApp')}</span>
        </Button>
        <LanguageSwitch />
      </Layout.Header>
      {canUseStudio(user) && <StudioNav />}
      <Layout.Content id="main" style={{ minWidth: 0 }}>
        {canUseStudio(user) ? (
          <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
            <Outlet />
          </Suspense>
        ) : (
          <NoAccess />
        )}
      </Layout.Content>
    </Layout>
  );
}
