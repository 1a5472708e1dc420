import { DatePicker, Input, InputNumber, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { FieldMeta, FilterOperator } from '../api/metadata.api';
import { uiOf } from '../fields/field-ui';
import { LookupSelect } from '../fields/LookupSelect';
import { labelOf } from '../i18n/label';
import { LIST_OPERATORS } from './filter-model';

/** Relative date literals the engine understands (worked out when the query runs). */
export const DATE_LITERALS = [
  'today',
  'yesterday',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'this_quarter',
  'last_quarter',
  'this_year',
  'last_year',
  'last_n_days:30',
  'next_n_days:30',
];

interface Props {
  field: FieldMeta;
  operator: FilterOperator;
  value: unknown;
  onChange: (value: unknown) => void;
  label: string;
}

/** The value part of a filter row, shaped by the field's type and the operator. */
export function FilterValueInput({ field, operator, value, onChange, label }: Props) {
  const { t, i18n } = useTranslation();
  const ui = uiOf(field);
  const many = LIST_OPERATORS.has(operator) || (ui.choice === 'many' && operator === 'contains');
  if (operator === 'isNull') {
    return (
      <Select
        aria-label={label}
        value={value as boolean | undefined}
        onChange={onChange}
        style={{ minWidth: 140 }}
        options={[
          { value: true, label: t('filter.isEmpty') },
          { value: false, label: t('filter.isNotEmpty') },
        ]}
      />
    );
  }
  if (operator === 'between') {
    const pair: unknown[] = Array.isArray(value) ? value : [undefined, undefined];
    const set = (i: number, v: unknown) => onChange(i === 0 ? [v, pair[1]] : [pair[0], v]);
    return (
      <Space.Compact>
        <SingleValue field={field} value={pair[0]} onChange={(v) => set(0, v)} label={`${label} ${t('filter.from')}`} />
        <SingleValue field={field} value={pair[1]} onChange={(v) => set(1, v)} label={`${label} ${t('filter.to')}`} />
      </Space.Compact>
    );
  }
  const kind = ui.filterInput;
  if (kind === 'choice') {
    return (
      <Select
        aria-label={label}
        mode={many || ui.choice === 'many' ? 'multiple' : undefined}
        value={value as string}
        onChange={onChange}
        style={{ minWidth: 180 }}
        options={(field.values ?? []).map((v) => ({ value: v.value, label: labelOf(v.label, i18n.language, v.value) }))}
      />
    );
  }
  if (kind === 'lookup')
    return (
      <LookupSelect
        target={field.target!}
        value={value as string}
        onChange={onChange}
        multiple={many}
        ariaLabel={label}
      />
    );
  if (many) {
    return (
      <Select
        aria-label={label}
        mode="tags"
        value={(value as string[]) ?? []}
        onChange={onChange}
        style={{ minWidth: 180 }}
        open={false}
        placeholder={t('filter.typeValues')}
      />
    );
  }
  return <SingleValue field={field} value={value} onChange={onChange} label={label} />;
}

function SingleValue({
  field,
  value,
  onChange,
  label,
}: {
  field: FieldMeta;
  value: unknown;
  onChange: (v: unknown) => void;
  label: string;
}) {
  const { t } = useTranslation();
  const kind = uiOf(field).filterInput;
  if (kind === 'number')
    return (
      <InputNumber
        aria-label={label}
        value={value as number}
        onChange={(v) => onChange(v ?? undefined)}
        style={{ minWidth: 120 }}
      />
    );
  if (kind === 'boolean') {
    return (
      <Select
        aria-label={label}
        value={value as boolean}
        onChange={onChange}
        style={{ minWidth: 100 }}
        options={[
          { value: true, label: t('common.yes') },
          { value: false, label: t('common.no') },
        ]}
      />
    );
  }
  if (kind === 'date' || kind === 'datetime') {
    const literal = typeof value === 'string' && DATE_LITERALS.includes(value);
    return (
      <Space.Compact>
        <Select
          aria-label={`${label} ${t('filter.period')}`}
          value={literal ? value : 'custom'}
          style={{ minWidth: 150 }}
          onChange={(v) => onChange(v === 'custom' ? undefined : v)}
          options={[
            { value: 'custom', label: t('filter.pickDate') },
            ...DATE_LITERALS.map((l) => ({ value: l, label: t(`dateLiteral.${l.replace(':', '_')}`) })),
          ]}
        />
        {!literal && (
          <DatePicker
            aria-label={label}
            showTime={kind === 'datetime'}
            value={value ? dayjs(value as string) : null}
            onChange={(d) => onChange(d ? (kind === 'date' ? d.format('YYYY-MM-DD') : d.toISOString()) : undefined)}
          />
        )}
      </Space.Compact>
    );
  }
  return (
    <Input
      aria-label={label}
      value={(value as string) ?? ''}
      onChange={(e) => onChange(e.target.value)}
      style={{ minWidth: 140 }}
    />
  );
}
