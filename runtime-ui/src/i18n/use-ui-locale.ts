import type { Locale } from 'antd/es/locale';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** A language's locales: Ant Design's (undefined for its built-in English) and the name of dayjs'. */
const localesOf = (language: string): Promise<{ antd: Locale | undefined; dayjs: string }> =>
  language === 'zh-CN'
    ? Promise.all([import('antd/locale/zh_CN'), import('dayjs/locale/zh-cn')]).then(([antdZh]) => ({
        antd: antdZh.default,
        dayjs: 'zh-cn',
      }))
    : Promise.resolve({ antd: undefined, dayjs: 'en' });

/**
 * Ant Design's and dayjs' locale for the UI language. English is built in; Chinese is loaded
 * when first chosen so English users do not download it.
 */
export function useUiLocale(): Locale | undefined {
  const { i18n } = useTranslation();
  const [locale, setLocale] = useState<Locale | undefined>(undefined);
  useEffect(() => {
    let current = true;
    void localesOf(i18n.language).then((loaded) => {
      if (!current) return;
      dayjs.locale(loaded.dayjs);
      setLocale(loaded.antd);
    });
    return () => {
      current = false;
    };
  }, [i18n.language]);
  return locale;
}
