import { useDraggable } from '@dnd-kit/core';
import { Card, Typography } from 'antd';
import { Link } from 'react-router';
import type { FieldMeta } from '../api/metadata.api';
import type { RecordData } from '../api/records.api';
import { FieldValue } from '../fields/FieldValue';
import { plainText } from '../fields/format';

interface Props {
  object: string;
  record: RecordData;
  nameField: string;
  details: FieldMeta[];
  moveLabel: string;
}

/** One record on the board; dragged with mouse, touch or keyboard (space, arrows, space). */
export function KanbanCard({ object, record, nameField, details, moveLabel }: Props) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: record.id,
    data: { record },
  });
  const style: React.CSSProperties = {
    marginBottom: 8,
    cursor: 'grab',
    touchAction: 'none',
    opacity: isDragging ? 0.6 : 1,
    transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
    position: 'relative',
    zIndex: isDragging ? 10 : undefined,
  };
  return (
    <div
      ref={setNodeRef}
      style={style}
      {...attributes}
      {...listeners}
      aria-roledescription={moveLabel}
      data-testid={`kanban-card-${record.id}`}
    >
      <Card size="small" styles={{ body: { padding: 8 } }}>
        <Link
          to={`/o/${object}/${record.id}`}
          onPointerDown={(e) => e.stopPropagation()}
          className="tessera-wrap"
          style={{ fontWeight: 500 }}
        >
          {plainText(record[nameField] ?? '')}
        </Link>
        {details.map((f) => (
          <Typography.Paragraph key={f.apiName} style={{ margin: 0 }} type="secondary" className="tessera-wrap">
            <FieldValue field={f} value={record[f.apiName]} record={record} />
          </Typography.Paragraph>
        ))}
      </Card>
    </div>
  );
}
