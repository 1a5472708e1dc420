import dayjs from 'dayjs';
import type { FieldMeta } from '../api/metadata.api';
import { labelOf } from '../i18n/label';

/** Plain-text renderings of values, shared by tables, cards, charts and history (field-ui.ts picks one per type). */

export function formatNumber(value: number, lng: string, digits?: number): string {
  return new Intl.NumberFormat(
    lng,
    digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits },
  ).format(value);
}

export function formatCurrency(value: number, currency: string | null | undefined, lng: string): string {
  if (!currency) return formatNumber(value, lng, 2);
  try {
    return new Intl.NumberFormat(lng, { style: 'currency', currency }).format(value);
  } catch {
    return `${currency} ${formatNumber(value, lng, 2)}`;
  }
}

/** Short numbers for chart axes: 80K, 1.2M, or ¥80K. */
export function formatCompact(value: number, lng: string, currency?: string | null): string {
  return new Intl.NumberFormat(lng, {
    notation: 'compact',
    maximumFractionDigits: 1,
    ...(currency ? { style: 'currency', currency } : {}),
  }).format(value);
}

export const formatDate = (value: string) => dayjs(value).format('L');
export const formatDateTime = (value: string) => dayjs(value).format('L LT');

export function picklistLabel(field: FieldMeta, value: string, lng: string): string {
  const option = field.values?.find((v) => v.value === value);
  return option ? labelOf(option.label, lng, option.value) : value;
}

/** The text of rich text (HTML) without its markup. */
export const htmlText = (html: string) => new DOMParser().parseFromString(html, 'text/html').body.textContent ?? '';

/**
 * A value the API sent, as text, where no field type says how to show it (a record's name, a
 * group key): what String() gives, but an object as its JSON rather than "[object Object]".
 */
export const plainText = (value: unknown): string =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value) : String(value);
