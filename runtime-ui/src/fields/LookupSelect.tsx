import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { listRecords } from '../api/records.api';
import { useMeta } from '../metadata/use-metadata';
import { useDebounced } from '../search/use-debounced';
import { plainText } from './format';

interface Props {
  target: string;
  value?: string | string[] | null;
  onChange: (value: string | string[] | undefined) => void;
  multiple?: boolean;
  disabled?: boolean;
  id?: string;
  ariaLabel?: string;
  status?: 'error';
}

/**
 * Type-ahead over the target object's name field (GET /records/{target}?filter=name contains …).
 * The chosen records' names are fetched by id, so a saved value shows its name, not its id.
 */
export function LookupSelect({ target, value, onChange, multiple, disabled, id, ariaLabel, status }: Props) {
  const { t } = useTranslation();
  const meta = useMeta();
  const nameField = meta.object(target)?.nameField ?? 'name';
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 200);
  const ids = (Array.isArray(value) ? value : value ? [value] : []).filter(Boolean);

  const matches = useQuery({
    queryKey: ['records', target, 'lookup', q],
    queryFn: ({ signal }) =>
      listRecords(
        target,
        { filter: q ? { [nameField]: { contains: q } } : undefined, fields: nameField, sort: nameField, limit: 20 },
        signal,
      ),
    staleTime: 30_000,
  });
  const chosen = useQuery({
    queryKey: ['records', target, 'names', ids],
    queryFn: ({ signal }) =>
      listRecords(target, { filter: { id: { in: ids } }, fields: nameField, limit: ids.length }, signal),
    enabled: ids.length > 0,
    staleTime: 60_000,
  });

  const options = new Map<string, string>();
  for (const r of chosen.data?.data ?? []) options.set(r.id, plainText(r[nameField] ?? r.id));
  for (const r of matches.data?.data ?? []) options.set(r.id, plainText(r[nameField] ?? r.id));

  return (
    <Select
      id={id}
      aria-label={ariaLabel}
      status={status}
      mode={multiple ? 'multiple' : undefined}
      showSearch={{ filterOption: false, onSearch: setText }}
      allowClear
      disabled={disabled}
      value={multiple ? ids : (ids[0] ?? undefined)}
      onChange={(v) => onChange(v ?? undefined)}
      loading={matches.isFetching}
      placeholder={t('lookup.placeholder')}
      notFoundContent={matches.isFetching ? t('common.loading') : t('lookup.none')}
      options={[...options].map(([value, label]) => ({ value, label }))}
      style={{ width: '100%', minWidth: 160 }}
    />
  );
}
