import dayjs from 'dayjs';
import localizedFormat from 'dayjs/plugin/localizedFormat';
import utc from 'dayjs/plugin/utc';

// 'L' / 'LT' formats follow the active locale (en: 11/23/2026, zh-CN: 2026/11/23).
dayjs.extend(localizedFormat);
dayjs.extend(utc);
