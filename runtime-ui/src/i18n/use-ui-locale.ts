import type { Locale } from 'antd/es/locale';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * Ant Design's and dayjs' locale for the UI language. English is built in; Chinese is loaded
 * when first chosen so English users do not download it.
 */
export function useUiLocale(): Locale | undefined {
  const { i18n } = useTranslation();
  const [locale, setLocale] = useState<Locale | undefined>(undefined);
  useEffect(() => {
    let current = true;
    if (i18n.language === 'zh-CN') {
      void Promise.all([import('antd/locale/zh_CN'), import('dayjs/locale/zh-cn')]).then(([antdZh]) => {
        if (!current) return;
        dayjs.locale('zh-cn');
        setLocale(antdZh.default);
      });
    } else {
      dayjs.locale('en');
      setLocale(undefined);
    }
    return () => {
      current = false;
    };
  }, [i18n.language]);
  return locale;
}
