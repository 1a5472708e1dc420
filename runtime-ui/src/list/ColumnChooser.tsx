import { HolderOutlined, SettingOutlined } from '@ant-design/icons';
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
import { Button, Checkbox, Popover, Space } from 'antd';
import { useTranslation } from 'react-i18next';

interface Props {
  all: string[];
  chosen: string[];
  labelOf: (column: string) => string;
  onChange: (columns: string[]) => void;
  onReset: () => void;
}

/** Tick the columns to show and drag them into order (mouse, touch or keyboard). */
export function ColumnChooser({ all, chosen, labelOf, onChange, onReset }: Props) {
  const { t } = useTranslation();
  const sensors = useSensors(
    useSensor(PointerSensor),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  // Shown first in their order, then the rest.
  const ordered = [...chosen, ...all.filter((c) => !chosen.includes(c))];
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const next = arrayMove(ordered, ordered.indexOf(String(active.id)), ordered.indexOf(String(over.id)));
    onChange(next.filter((c) => chosen.includes(c)));
  };
  const toggle = (column: string, on: boolean) => {
    if (on) onChange(ordered.filter((c) => chosen.includes(c) || c === column));
    else if (chosen.length > 1) onChange(chosen.filter((c) => c !== column));
  };
  const content = (
    <div style={{ maxHeight: 360, overflowY: 'auto', minWidth: 220 }}>
      <DndContext sensors={sensors} collisionDetection={closestCenter} onDragEnd={onDragEnd}>
        <SortableContext items={ordered} strategy={verticalListSortingStrategy}>
          {ordered.map((column) => (
            <SortableColumn
              key={column}
              id={column}
              label={labelOf(column)}
              checked={chosen.includes(column)}
              onToggle={(on) => toggle(column, on)}
              dragLabel={t('columns.drag', { name: labelOf(column) })}
            />
          ))}
        </SortableContext>
      </DndContext>
      <Button type="link" onClick={onReset} style={{ paddingInline: 0 }}>
        {t('columns.reset')}
      </Button>
    </div>
  );
  return (
    <Popover trigger="click" content={content} title={t('columns.title')} placement="bottomRight">
      <Button icon={<SettingOutlined />} aria-label={t('columns.title')} data-testid="column-chooser" />
    </Popover>
  );
}

function SortableColumn({
  id,
  label,
  checked,
  onToggle,
  dragLabel,
}: {
  id: string;
  label: string;
  checked: boolean;
  onToggle: (on: boolean) => void;
  dragLabel: string;
}) {
  const { attributes, listeners, setNodeRef, transform, transition } = useSortable({ id });
  return (
    <div
      ref={setNodeRef}
      style={{ transform: CSS.Transform.toString(transform), transition, padding: '2px 0', background: '#fff' }}
    >
      <Space>
        <span {...attributes} {...listeners} aria-label={dragLabel} style={{ cursor: 'grab', touchAction: 'none' }}>
          <HolderOutlined />
        </span>
        <Checkbox checked={checked} onChange={(e) => onToggle(e.target.checked)}>
          {label}
        </Checkbox>
      </Space>
    </div>
  );
}
