import { App as AntApp, ConfigProvider, type ThemeConfig } from 'antd';
import type { ReactNode } from 'react';
import { useUiLocale } from '../i18n/use-ui-locale';

/**
 * Ant Design's default secondary and placeholder greys (45% and 25% black) fall below the WCAG AA
 * contrast of 4.5:1 on white, and so do the default link blue (#1677ff) and error red (#ff4d4f);
 * these pass. Hover colours too: the blue antd derives for a hovered button or link is lighter
 * than the resting one (axe found a hovered button's text under 4.5:1), so hover goes darker.
 */
const THEME: ThemeConfig = {
  token: {
    colorPrimary: '#1668dc',
    colorPrimaryHover: '#0958d9',
    colorPrimaryActive: '#003eb3',
    colorLink: '#0958d9',
    colorLinkHover: '#003eb3',
    colorInfo: '#0958d9',
    colorError: '#cf1322',
    colorTextDescription: 'rgba(0, 0, 0, 0.6)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.6)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.56)',
  },
};

/** Ant Design's theme and locale around everything; AntApp gives message/modal hooks their context. */
export function ThemeProvider({ children }: { children: ReactNode }) {
  const locale = useUiLocale();
  return (
    <ConfigProvider locale={locale} theme={THEME}>
      <AntApp>{children}</AntApp>
    </ConfigProvider>
  );
}
