import { GlobalOutlined } from '@ant-design/icons';
import { Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../i18n/i18n';

/** English / 简体中文: switches UI strings, Ant Design and dayjs locales and metadata labels at once. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      aria-label={t('shell.language')}
      value={i18n.language}
      onChange={(code) => void i18n.changeLanguage(code)}
      options={LANGUAGES.map((l) => ({ value: l.code, label: l.name }))}
      suffixIcon={<GlobalOutlined />}
      variant="borderless"
      popupMatchSelectWidth={false}
      data-testid="language-switch"
    />
  );
}
