import { CloseOutlined, FunctionOutlined, HolderOutlined } from '@ant-design/icons';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import { Button, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { fieldItem, type Container } from './layout-draft';

interface Props {
  container: Container;
  field: string;
  label: string;
  /** The field has a visibility or required rule on this layout. */
  ruled?: boolean;
  /** Open the field's rules (only for fields placed in a section). */
  onRules?: () => void;
  /** Send it back to the palette (or, for a highlight, take it out of the highlights). */
  onRemove?: () => void;
}

/**
 * One field in the builder, dragged by its handle (pointer, or keyboard: Space to pick up, arrows
 * to move, Space to drop, Escape to cancel). The handle's name says which field and where it is.
 */
export function FieldChip({ container, field, label, ruled, onRules, onRemove }: Props) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, transform, transition, isDragging, isOver } = useSortable({
    id: fieldItem(container, field),
  });
  return (
    <li
      ref={setNodeRef}
      data-testid={`chip-${container}-${field}`}
      data-field={field}
      style={{
        transform: CSS.Translate.toString(transform),
        transition,
        display: 'flex',
        alignItems: 'center',
        gap: 4,
        padding: '2px 4px',
        border: '1px solid #d9d9d9',
        // Where a dragged field would go: before this one.
        boxShadow: isOver && !isDragging ? '-3px 0 0 #1677ff' : undefined,
        borderRadius: 6,
        background: isDragging ? '#e6f4ff' : '#fff',
        minWidth: 0,
      }}
    >
      <Button
        type="text"
        size="small"
        icon={<HolderOutlined />}
        aria-label={t('studio.layouts.dragField', { field: label })}
        style={{ cursor: 'grab', flex: 'none' }}
        {...attributes}
        {...listeners}
      />
      <Typography.Text ellipsis style={{ flex: 1, minWidth: 0 }}>
        {label} <Typography.Text type="secondary">({field})</Typography.Text>
      </Typography.Text>
      {ruled && <Tag color="purple">{t('studio.layouts.ruled')}</Tag>}
      {onRules && (
        <Button
          type="text"
          size="small"
          icon={<FunctionOutlined />}
          aria-label={t('studio.layouts.editRules', { field: label })}
          data-testid={`rules-${field}`}
          onClick={onRules}
        />
      )}
      {onRemove && (
        <Button
          type="text"
          size="small"
          icon={<CloseOutlined />}
          aria-label={t('studio.layouts.removeField', { field: label })}
          onClick={onRemove}
        />
      )}
    </li>
  );
}
