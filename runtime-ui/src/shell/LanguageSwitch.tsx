import { GlobalOutlined } from '@ant-design/icons';
import { Button, Dropdown } from 'antd';
import { useTranslation } from 'react-i18next';
import { LANGUAGES } from '../i18n/i18n';

/** English / 简体中文: switches UI strings, Ant Design and dayjs locales and metadata labels at once. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  const current = LANGUAGES.find((l) => l.code === i18n.language) ?? LANGUAGES[0];
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [current.code],
        items: LANGUAGES.map((l) => ({ key: l.code, label: <span lang={l.code}>{l.name}</span> })),
        onClick: ({ key }) => void i18n.changeLanguage(key),
      }}
    >
      <Button
        type="text"
        icon={<GlobalOutlined />}
        aria-label={`${t('shell.language')}: ${current.name}`}
        data-testid="language-switch"
      >
        <span className="tessera-hide-xs" lang={current.code}>
          {current.name}
        </span>
      </Button>
    </Dropdown>
  );
}
