import {
  ArrowLeftOutlined,
  ArrowRightOutlined,
  ColumnWidthOutlined,
  DeleteOutlined,
  HolderOutlined,
  SettingOutlined,
} from '@ant-design/icons';
import { useSortable } from '@dnd-kit/sortable';
import { CSS } from '@dnd-kit/utilities';
import type { DashboardWidgetMeta } from '@tessera/runtime-ui/api/metadata.api';
import { DashboardWidget } from '@tessera/runtime-ui/dashboard/DashboardWidget';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Button, Col, Space, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { widgetCols, type DraftWidget } from './dashboard-draft';

/**
 * A widget on the editor's grid: the runtime UI's own widget drawing the edited definition with
 * live data, and the controls that place it — a drag handle, move earlier/later and half/full
 * width — each a button, so the grid is laid out as well from the keyboard as with a mouse.
 */
export function WidgetTile({
  id,
  widget,
  index,
  count,
  corporate,
  problem,
  waiting = [],
  onChange,
  onMove,
  onEdit,
  onRemove,
}: {
  id: string;
  widget: DraftWidget;
  index: number;
  count: number;
  corporate: string | undefined;
  problem: string | undefined;
  /** What the widget names that exists only in the draft: it has no data to draw yet. */
  waiting?: string[];
  onChange: (w: DraftWidget) => void;
  onMove: (step: number) => void;
  onEdit: () => void;
  onRemove: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({
    id,
  });
  const title = labelOf(widget.label, i18n.language, id);
  const wide = (widget.span ?? 1) === 2;
  // The runtime widget keys its data by id: an unsaved widget gets its place in the grid.
  const preview: DashboardWidgetMeta = { ...widget, id };
  return (
    <Col
      xs={24}
      md={widgetCols(widget)}
      ref={setNodeRef}
      data-testid="widget-tile"
      style={{ transform: CSS.Translate.toString(transform), transition, opacity: isDragging ? 0.6 : 1 }}
    >
      <Space size={0} wrap style={{ marginBottom: 4 }}>
        <Button
          ref={setActivatorNodeRef}
          type="text"
          size="small"
          icon={<HolderOutlined />}
          aria-label={t('studio.views.dashboards.dragWidget', { widget: title })}
          style={{ cursor: 'grab' }}
          {...attributes}
          {...listeners}
        />
        <Tooltip title={t('studio.views.dashboards.moveEarlier')}>
          <Button
            type="text"
            size="small"
            icon={<ArrowLeftOutlined />}
            disabled={index === 0}
            aria-label={t('studio.views.dashboards.moveEarlierOf', { widget: title })}
            onClick={() => onMove(-1)}
          />
        </Tooltip>
        <Tooltip title={t('studio.views.dashboards.moveLater')}>
          <Button
            type="text"
            size="small"
            icon={<ArrowRightOutlined />}
            disabled={index === count - 1}
            aria-label={t('studio.views.dashboards.moveLaterOf', { widget: title })}
            onClick={() => onMove(1)}
          />
        </Tooltip>
        {widget.type !== 'metric' && (
          <Button
            type="text"
            size="small"
            icon={<ColumnWidthOutlined />}
            aria-pressed={wide}
            aria-label={t('studio.views.dashboards.fullWidthOf', { widget: title })}
            onClick={() => onChange({ ...widget, span: wide ? 1 : 2 })}
          >
            {wide ? t('studio.views.dashboards.full') : t('studio.views.dashboards.half')}
          </Button>
        )}
        <Button
          type="text"
          size="small"
          icon={<SettingOutlined />}
          aria-label={t('studio.views.dashboards.editWidget', { widget: title })}
          onClick={onEdit}
        />
        <Button
          type="text"
          size="small"
          danger
          icon={<DeleteOutlined />}
          aria-label={t('studio.views.dashboards.removeWidget', { widget: title })}
          onClick={onRemove}
        />
      </Space>
      {problem && <Alert type="error" showIcon title={problem} style={{ marginBottom: 4 }} />}
      {waiting.length ? (
        <Alert
          type="info"
          showIcon
          title={t('studio.drafts.afterPublish', { fields: waiting.join(', ') })}
          data-testid="widget-waiting"
        />
      ) : (
        <DashboardWidget widget={preview} period="all" corporate={corporate} />
      )}
    </Col>
  );
}
