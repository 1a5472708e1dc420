import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, useSearchParams } from 'react-router';
import { login } from '../api/auth.api';
import type { ApiError } from '../api/api-error';
import { LanguageSwitch } from '../shell/LanguageSwitch';
import { useSession } from './use-session';

/** Sign in; the engine answers with an httpOnly session cookie, so nothing is stored here. */
export default function LoginPage() {
  const { t } = useTranslation();
  const { user } = useSession();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const next = params.get('next');
  // Only a path on this site: an absolute URL in ?next= must not send the user elsewhere.
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  // The studio is an app of its own: back there with a page load, not a route of this one.
  const toStudio = user !== undefined && (target === '/studio' || target.startsWith('/studio/'));
  useEffect(() => {
    if (toStudio) window.location.replace(target);
  }, [toStudio, target]);
  if (toStudio) return null;
  if (user) return <Navigate to={target} replace />;

  const submit = async (values: { email: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      const session = await login(values.email, values.password);
      queryClient.setQueryData(['session'], session.user);
      // Fetch the full user (with permissions) in the background.
      void queryClient.invalidateQueries({ queryKey: ['session'] });
    } catch (e) {
      setError((e as ApiError).status === 401 ? t('login.failed') : (e as ApiError).display);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main
      style={{
        minHeight: '100vh',
        display: 'grid',
        placeItems: 'center',
        background: '#f0f2f5',
        padding: 16,
        boxSizing: 'border-box',
      }}
    >
      <Card style={{ width: '100%', maxWidth: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
          <Typography.Title level={1} style={{ margin: 0, fontSize: 24 }}>
            Tessera
          </Typography.Title>
          <LanguageSwitch />
        </div>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} role="alert" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item
            name="email"
            label={t('login.email')}
            rules={[{ required: true, type: 'email', message: t('login.emailRequired') }]}
          >
            {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the sign-in page is this form; typing starts here */}
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item
            name="password"
            label={t('login.password')}
            rules={[{ required: true, message: t('login.passwordRequired') }]}
          >
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </main>
  );
}
