import { useDroppable } from '@dnd-kit/core';
import { SortableContext, type SortingStrategy } from '@dnd-kit/sortable';
import type { ReactNode } from 'react';
import { fieldItem, zoneItem, type Container } from './layout-draft';

// Chips stay where they are while a field is dragged over them (the one under the pointer is
// marked instead): a list that moves under the pointer would change the drop target as it goes,
// and lists of two columns shift in ways that are hard to follow.
const inPlace: SortingStrategy = () => null;

/**
 * A list of field chips that takes drops: the palette, the highlights or a section's fields. The
 * zone itself is a drop target too, so an empty section or the end of a list can be reached.
 */
export function DropZone({
  container,
  fields,
  columns,
  label,
  testId,
  children,
}: {
  container: Container;
  fields: string[];
  columns: 1 | 2;
  label: string;
  testId: string;
  children: ReactNode;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: zoneItem(container) });
  return (
    <SortableContext items={fields.map((f) => fieldItem(container, f))} strategy={inPlace}>
      <ul
        ref={setNodeRef}
        aria-label={label}
        data-testid={testId}
        style={{
          listStyle: 'none',
          margin: 0,
          padding: 6,
          minHeight: 44,
          display: 'grid',
          gridTemplateColumns: columns === 2 ? 'repeat(2, minmax(0, 1fr))' : 'minmax(0, 1fr)',
          gap: 6,
          border: `1px dashed ${isOver ? '#1677ff' : '#d9d9d9'}`,
          borderRadius: 6,
          background: isOver ? '#f0f7ff' : '#fafafa',
        }}
      >
        {children}
      </ul>
    </SortableContext>
  );
}
