import { DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import { DndContext } from '@dnd-kit/core';
import { arrayMove, SortableContext, useSortable, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Button, Select, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { columnsToAdd } from './view-draft';
import { useSortableList } from '../app/use-sortable-list';

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
  const dnd = useSortableList({
    ids: columns,
    onMove: (from, to) => onChange(arrayMove(columns, from, to)),
    nameOf: (id) => titleOf(String(id)),
    messages: {
      instructions: 'studio.views.dragInstructions',
      picked: 'studio.views.picked',
      over: 'studio.views.over',
      dropped: 'studio.views.dropped',
      cancelled: 'studio.views.cancelled',
      param: 'column',
    },
  });
  const addable = columnsToAdd(available, columns);
  return (
    <div data-testid="columns-editor">
      <DndContext {...dnd}>
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
