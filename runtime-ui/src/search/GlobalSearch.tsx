import { ClockCircleOutlined, FileTextOutlined, SearchOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Empty, Input, Modal, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { search } from '../api/records.api';
import { labelOf } from '../i18n/label';
import { useMeta } from '../metadata/use-metadata';
import { useRecentItems } from './recent-items';
import { useDebounced } from './use-debounced';

interface Hit {
  object: string;
  id: string;
  name: string;
}

/** Ctrl/Cmd+K: search every object's searchable fields; before typing, the recent items. */
export default function GlobalSearch({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  const meta = useMeta();
  const navigate = useNavigate();
  const recent = useRecentItems();
  const [text, setText] = useState('');
  const [active, setActive] = useState(0);
  const q = useDebounced(text.trim());
  const { data, isFetching } = useQuery({
    queryKey: ['search', q],
    queryFn: ({ signal }) => search(q, signal),
    enabled: open && q.length >= 2,
    staleTime: 10_000,
  });

  // Results only for what is typed now: while the query settles, nothing is offered, so Enter
  // never opens a result of an older query (or a recent item).
  const searching = text.trim().length >= 2;
  const settled = searching && q === text.trim() && !isFetching;
  const hits: Hit[] = searching
    ? (settled ? (data?.data ?? []) : [])
        .filter((g) => meta.object(g.object))
        .flatMap((g) => g.records.map((r) => ({ object: g.object, id: r.id, name: r.name ?? r.id })))
    : recent.filter((r) => meta.object(r.object));

  const go = (hit: Hit) => {
    onClose();
    setText('');
    void navigate(`/o/${hit.object}/${hit.id}`);
  };
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((a) => Math.min(a + 1, hits.length - 1));
    else if (e.key === 'ArrowUp') setActive((a) => Math.max(a - 1, 0));
    else if (e.key === 'Enter' && hits[active]) go(hits[active]);
    else return;
    e.preventDefault();
  };

  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t('search.title')} destroyOnHidden width={560}>
      <Input
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the search dialog opens to type in; focus is its point
        autoFocus
        prefix={<SearchOutlined />}
        allowClear
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        placeholder={t('search.placeholder')}
        aria-label={t('search.placeholder')}
        data-testid="search-input"
      />
      <Typography.Text type="secondary" style={{ display: 'block', margin: '12px 0 4px' }}>
        {searching ? t('search.results') : t('search.recent')} {searching && !settled && <Spin size="small" />}
      </Typography.Text>
      {hits.length === 0 ? (
        <Empty
          image={Empty.PRESENTED_IMAGE_SIMPLE}
          description={searching ? (settled ? t('search.none') : t('common.loading')) : t('search.noRecent')}
        />
      ) : (
        <ul
          role="listbox"
          aria-label={searching ? t('search.results') : t('search.recent')}
          style={{ listStyle: 'none', margin: 0, padding: 0 }}
          data-testid="search-results"
        >
          {hits.map((hit, i) => (
            // eslint-disable-next-line jsx-a11y/click-events-have-key-events -- arrows and Enter act in the search box
            <li
              key={`${hit.object}/${hit.id}`}
              role="option"
              aria-selected={i === active}
              onClick={() => go(hit)}
              onMouseEnter={() => setActive(i)}
              style={{
                cursor: 'pointer',
                background: i === active ? '#e6f4ff' : undefined,
                padding: '8px',
                borderRadius: 6,
                display: 'flex',
                gap: 12,
                alignItems: 'center',
              }}
            >
              {searching ? <FileTextOutlined /> : <ClockCircleOutlined />}
              <span style={{ flex: 1, minWidth: 0 }} className="tessera-wrap">
                {hit.name}
              </span>
              <Typography.Text type="secondary">
                {labelOf(meta.object(hit.object)?.label, i18n.language)}
              </Typography.Text>
            </li>
          ))}
        </ul>
      )}
    </Modal>
  );
}
