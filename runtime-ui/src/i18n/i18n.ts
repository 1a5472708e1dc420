import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { setApiLanguage } from '../api/http';
import { en } from './en';
import { zhCN } from './zh-CN';

/** The languages the UI ships; metadata labels carry the same keys. */
export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
] as const;
export type LanguageCode = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'tessera.language';

function initialLanguage(): LanguageCode {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}

const lng = initialLanguage();
setApiLanguage(lng);
document.documentElement.lang = lng;

void i18next.use(initReactI18next).init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
});

i18next.on('languageChanged', (code) => {
  localStorage.setItem(STORAGE_KEY, code);
  setApiLanguage(code);
  document.documentElement.lang = code;
});

export default i18next;
