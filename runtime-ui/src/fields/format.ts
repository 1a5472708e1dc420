import dayjs from 'dayjs';
import type { FieldMeta } from '../api/metadata.api';
import { labelOf } from '../i18n/label';

/** Plain-text renderings of values, shared by tables, cards, charts and history. */

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

/** The text of any value of the field, for places that cannot hold components (charts, titles). */
export function valueText(field: FieldMeta, value: unknown, lng: string, record?: Record<string, unknown>): string {
  if (value === null || value === undefined || value === '') return '';
  switch (field.type) {
    case 'picklist':
      return picklistLabel(field, String(value), lng);
    case 'multipicklist':
      return (value as string[]).map((v) => picklistLabel(field, v, lng)).join(', ');
    case 'currency':
      return formatCurrency(Number(value), record?.[`${field.apiName}__currency`] as string | undefined, lng);
    case 'percent':
      return `${formatNumber(Number(value), lng)} %`;
    case 'integer':
    case 'number':
    case 'rollup':
      return typeof value === 'number' ? formatNumber(value, lng) : String(value);
    case 'date':
      return formatDate(String(value));
    case 'datetime':
      return formatDateTime(String(value));
    case 'boolean':
      return value ? '✓' : '✗';
    case 'lookup':
    case 'masterDetail':
      return typeof value === 'object'
        ? String((value as { name?: unknown }).name ?? (value as { id: string }).id)
        : String(value);
    case 'address':
      return Object.values(value as Record<string, string | null>)
        .filter(Boolean)
        .join(', ');
    case 'geolocation': {
      const g = value as { latitude: number; longitude: number };
      return `${g.latitude}, ${g.longitude}`;
    }
    case 'richtext':
      return new DOMParser().parseFromString(String(value), 'text/html').body.textContent ?? '';
    case 'json':
      return JSON.stringify(value);
    default:
      return String(value);
  }
}
