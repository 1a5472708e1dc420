import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { afterEach, describe, expect, it } from 'vitest';
import { timeAgo } from './time-ago';

const at = (iso: string) => Date.parse(iso);
const CREATED = '2026-12-06T10:00:00.000Z';

describe('how long ago a notification came', () => {
  afterEach(() => void dayjs.locale('en'));

  it('in English', () => {
    expect(timeAgo(CREATED, at('2026-12-06T10:00:20.000Z'))).toBe('a few seconds ago');
    expect(timeAgo(CREATED, at('2026-12-06T10:03:00.000Z'))).toBe('3 minutes ago');
    expect(timeAgo(CREATED, at('2026-12-08T10:00:00.000Z'))).toBe('2 days ago');
  });

  it('in Chinese, once the UI has switched dayjs to it', () => {
    dayjs.locale('zh-cn');
    expect(timeAgo(CREATED, at('2026-12-06T10:03:00.000Z'))).toBe('3 分钟前');
    expect(timeAgo(CREATED, at('2026-12-08T10:00:00.000Z'))).toBe('2 天前');
  });
});
