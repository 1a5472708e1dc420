import { App as AntApp, ConfigProvider } from 'antd';
import type { ReactNode } from 'react';
import { useUiLocale } from '../i18n/use-ui-locale';

/** Ant Design's theme and locale around everything; AntApp gives message/modal hooks their context. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const locale = useUiLocale();
  return (
    <ConfigProvider locale={locale} theme={{ token: { colorPrimary: '#1668dc' } }}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
