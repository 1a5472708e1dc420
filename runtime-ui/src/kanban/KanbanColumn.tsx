import { useDroppable } from '@dnd-kit/core';
import { Alert, Button, Spin, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../api/api-error';
import type { RecordData } from '../api/records.api';
import { formatNumber } from '../fields/format';
import { cardsOf, useKanbanColumn, type ColumnQuery } from './kanban-columns';

interface Props {
  query: ColumnQuery;
  id: string;
  title: string;
  color?: string;
  /** Count and total of the whole column, from the aggregate API. */
  summary: string;
  /** How many records the column holds (aggregate); undefined while it loads. */
  count: number | undefined;
  card: (record: RecordData) => ReactNode;
}

/** One picklist value: its count and total, its cards page by page ("Load more"). A drop target for cards. */
export function KanbanColumn({ query, id, title, color, summary, count, card }: Props) {
  const { t, i18n } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id });
  const pages = useKanbanColumn(query, id);
  const cards = cardsOf(pages.data);
  return (
    <section
      ref={setNodeRef}
      className={`tessera-kanban-column${isOver ? ' is-over' : ''}`}
      aria-label={title}
      data-testid={`kanban-column-${id}`}
    >
      <header style={{ borderTop: `3px solid ${color ?? '#d9d9d9'}`, paddingTop: 6, marginBottom: 8 }}>
        <Typography.Text strong>{title}</Typography.Text>
        <br />
        <Typography.Text type="secondary" data-testid={`kanban-total-${id}`}>
          {summary}
        </Typography.Text>
      </header>
      {pages.isPending ? (
        <Spin style={{ display: 'block', margin: 16 }} />
      ) : pages.error ? (
        <Alert type="error" title={(pages.error as ApiError).display} />
      ) : (
        cards.map(card)
      )}
      {!pages.isPending && count !== undefined && cards.length > 0 && (
        <Typography.Text
          type="secondary"
          style={{ display: 'block', fontSize: 12 }}
          data-testid={`kanban-shown-${id}`}
          data-shown={cards.length}
        >
          {t('kanban.shown', {
            shown: formatNumber(cards.length, i18n.language),
            total: formatNumber(Math.max(count, cards.length), i18n.language),
          })}
        </Typography.Text>
      )}
      {pages.hasNextPage && (
        <Button
          block
          size="small"
          style={{ marginTop: 4 }}
          loading={pages.isFetchingNextPage}
          onClick={() => void pages.fetchNextPage()}
          data-testid={`kanban-more-${id}`}
        >
          {t('kanban.loadMore')}
        </Button>
      )}
    </section>
  );
}
