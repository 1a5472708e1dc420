import i18next from '@tessera/runtime-ui/i18n/i18n';
import { en } from './en';
import { zhCN } from './zh-CN';

/**
 * The runtime UI's i18next (its languages, the saved choice, Accept-Language for the API, its
 * own strings such as common.save) with the studio's strings added under `studio.`.
 */
i18next.addResourceBundle('en', 'translation', { studio: en }, true, true);
i18next.addResourceBundle('zh-CN', 'translation', { studio: zhCN }, true, true);

export default i18next;
