import { useQuery } from '@tanstack/react-query';
import { Select } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { searchUsers } from '../api/records.api';
import { useDebounced } from '../search/use-debounced';

/** Picks an active user by name or e-mail (GET /api/v1/users?q=). */
export function UserSelect({
  value,
  onChange,
  ariaLabel,
}: {
  value?: string;
  onChange: (id: string | undefined) => void;
  ariaLabel: string;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const q = useDebounced(text.trim(), 200);
  const users = useQuery({
    queryKey: ['users', q],
    queryFn: ({ signal }) => searchUsers(q, signal),
    staleTime: 30_000,
  });
  return (
    <Select
      aria-label={ariaLabel}
      showSearch={{ filterOption: false, onSearch: setText }}
      value={value}
      onChange={onChange}
      loading={users.isFetching}
      placeholder={t('lookup.placeholder')}
      notFoundContent={users.error ? users.error.message : t('lookup.none')}
      options={(users.data?.data ?? [])
        .filter((u) => u.active !== false)
        .map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
      style={{ width: '100%' }}
    />
  );
}
