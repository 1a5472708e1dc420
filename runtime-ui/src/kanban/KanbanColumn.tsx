import { useDroppable } from '@dnd-kit/core';
import { Typography } from 'antd';
import type { ReactNode } from 'react';

interface Props {
  id: string;
  title: string;
  color?: string;
  summary: string;
  children: ReactNode;
}

/** One picklist value: its cards, its count and total. A drop target for cards. */
export function KanbanColumn({ id, title, color, summary, children }: Props) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return (
    <section ref={setNodeRef} className={`tessera-kanban-column${isOver ? ' is-over' : ''}`} aria-label={title} data-testid={`kanban-column-${id}`}>
      <header style={{ borderTop: `3px solid ${color ?? '#d9d9d9'}`, paddingTop: 6, marginBottom: 8 }}>
        <Typography.Text strong>{title}</Typography.Text>
        <br />
        <Typography.Text type="secondary" data-testid={`kanban-total-${id}`}>{summary}</Typography.Text>
      </header>
      {children}
    </section>
  );
}
