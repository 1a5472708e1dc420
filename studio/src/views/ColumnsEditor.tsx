import { DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type DragEndEvent,
} from '@dnd-kit/core';
import {
  arrayMove,
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { columnsToAdd } from './view-draft';

interface Props {
  columns: string[];
  onChange: (columns: string[]) => void;
  /** Every column the object offers, in the order to offer them. */
  available: string[];
  titleOf: (column: string) => string;
}

/**
 * The view's columns in order: drag a row by its handle (or focus the handle, space, arrows,
 * space), remove one, add one. Screen readers hear each move by the column's name.
 */
export function ColumnsEditor({ columns, onChange, available, titleOf }: Props) {
  const { t } = useTranslation();
  const [adding, setAdding] = useState<string>();
  const sensors = useSensors(
    useSensor(PointerSensor),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const name = (id: string | number) => titleOf(String(id));
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    onChange(arrayMove(columns, columns.indexOf(String(active.id)), columns.indexOf(String(over.id))));
  };
  const addable = columnsToAdd(available, columns);
  return (
    <div data-testid="columns-editor">
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragEnd={onDragEnd}
        accessibility={{
          screenReaderInstructions: { draggable: t('studio.views.dragInstructions') },
          announcements: {
            onDragStart: ({ active }) => t('studio.views.picked', { column: name(active.id) }),
            onDragOver: ({ active, over }) =>
              over && over.id !== active.id
                ? t('studio.views.over', { column: name(active.id), target: name(over.id) })
                : undefined,
            onDragEnd: ({ active }) => t('studio.views.dropped', { column: name(active.id) }),
            onDragCancel: ({ active }) => t('studio.views.cancelled', { column: name(active.id) }),
          },
        }}
      >
        <SortableContext items={columns} strategy={verticalListSortingStrategy}>
          <ol style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            {columns.map((c) => (
              <SortableColumn
                key={c}
                id={c}
                title={titleOf(c)}
                removable={columns.length > 1}
                onRemove={() => onChange(columns.filter((x) => x !== c))}
              />
            ))}
          </ol>
        </SortableContext>
      </DndContext>
      <Space.Compact style={{ marginTop: 8, width: '100%' }}>
        <Select
          aria-label={t('studio.views.addColumn')}
          placeholder={t('studio.views.addColumn')}
          showSearch={{ optionFilterProp: 'label' }}
          value={adding}
          onChange={setAdding}
          style={{ flex: 1 }}
          options={addable.map((c) => ({ value: c, label: titleOf(c) }))}
          data-testid="add-column"
        />
        <Button
          icon={<PlusOutlined />}
          data-testid="add-column-button"
          disabled={!adding}
          onClick={() => {
            onChange([...columns, adding!]);
            setAdding(undefined);
          }}
        >
          {t('studio.views.add')}
        </Button>
      </Space.Compact>
    </div>
  );
}

function SortableColumn({
  id,
  title,
  removable,
  onRemove,
}: {
  id: string;
  title: string;
  removable: boolean;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id,
  });
  return (
    <li
      ref={setNodeRef}
      data-testid="column-row"
      data-column={id}
      style={{
        transform: CSS.Transform.toString(transform),
        transition,
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        padding: '4px 8px',
        marginBottom: 4,
        border: '1px solid #f0f0f0',
        borderRadius: 6,
        background: isDragging ? '#e6f4ff' : '#fff',
      }}
    >
      <Button
        ref={setActivatorNodeRef}
        type="text"
        size="small"
        icon={<HolderOutlined />}
        aria-label={t('studio.views.dragColumn', { column: title })}
        style={{ cursor: 'grab' }}
        {...attributes}
        {...listeners}
      />
      <Typography.Text style={{ flex: 1 }}>{title}</Typography.Text>
      <Typography.Text type="secondary" code>
        {id}
      </Typography.Text>
      <Button
        type="text"
        danger
        size="small"
        icon={<DeleteOutlined />}
        disabled={!removable}
        aria-label={t('studio.views.removeColumn', { column: title })}
        onClick={onRemove}
      />
    </li>
  );
}
