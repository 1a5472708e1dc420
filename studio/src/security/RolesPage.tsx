import { ApartmentOutlined, DeleteOutlined, EditOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
  type KeyboardCoordinateGetter,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { CSS } from '@dnd-kit/utilities';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Alert, Button, Popconfirm, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ProblemAlert } from '../app/ProblemAlert';
import { useDraftChanged } from '../objects/use-studio-data';
import { RoleDialog } from './RoleDialog';
import { buildRoleTree, flatten, reparented, selfAndBelow, type RoleNode } from './role-tree';
import { deleteItem, type Role, type Tagged } from './security.api';
import { useRoles, useSaveItem } from './use-security-data';

/** The drop target above the tree: a role dropped there has no parent. */
const TOP = '__top__';

/**
 * Arrow keys move a picked-up role from one drop target to the next in reading order (the
 * default moves by pixels, which a keyboard user cannot aim with); targets that cannot take the
 * role (itself and the roles below it) are disabled and skipped.
 */
const nextTarget: KeyboardCoordinateGetter = (
  event,
  { context: { droppableRects, droppableContainers, over, collisionRect } },
) => {
  const step = event.code === 'ArrowDown' ? 1 : event.code === 'ArrowUp' ? -1 : 0;
  if (!step) return undefined;
  event.preventDefault();
  const targets = droppableContainers
    .getEnabled()
    .map((c) => ({ id: c.id, rect: droppableRects.get(c.id) }))
    .filter((c): c is { id: UniqueIdentifier; rect: NonNullable<typeof c.rect> } => !!c.rect)
    .sort((a, b) => a.rect.top - b.rect.top);
  if (!targets.length) return undefined;
  let at = targets.findIndex((c) => c.id === over?.id);
  if (at < 0) at = step > 0 ? -1 : targets.length;
  if (at < 0 && collisionRect) at = targets.filter((c) => c.rect.top < collisionRect.top).length - 1;
  const next = targets[Math.min(Math.max(at + step, 0), targets.length - 1)]!.rect;
  // Centred on the target, so closestCenter picks exactly it whatever the two sizes.
  const size = collisionRect ?? next;
  return { x: next.left + (next.width - size.width) / 2, y: next.top + (next.height - size.height) / 2 };
};

/**
 * The role hierarchy: a tree to read, and a role dragged onto another (or above the tree) to
 * re-parent it, by pointer or keyboard (space, arrows, space), each step announced. The move is
 * saved to the draft at once with the role's ETag; the engine refuses a move that would loop.
 */
export default function RolesPage() {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  const roles = useRoles();
  const save = useSaveItem<Role>('roles');
  const changed = useDraftChanged();
  const [dragging, setDragging] = useState<string>();
  const [dialog, setDialog] = useState<{ editing?: Tagged<Role> }>();
  const [deleteError, setDeleteError] = useState<unknown>();
  const sensors = useSensors(useSensor(PointerSensor), useSensor(KeyboardSensor, { coordinateGetter: nextTarget }));

  if (roles.error) return <ProblemAlert error={roles.error} />;
  const list = roles.data ?? [];
  const all = list.map((r) => r.item);
  const byName = new Map(list.map((r) => [r.item.apiName, r]));
  const nameOf = (id: UniqueIdentifier | undefined) => {
    if (id === TOP) return t('studio.security.roles.top');
    const role = byName.get(String(id))?.item;
    return role ? labelOf(role.label, lng, role.apiName) : String(id);
  };
  const rows = flatten(buildRoleTree(all, (r) => labelOf(r.label, lng, r.apiName)));
  const blocked = dragging ? selfAndBelow(all, dragging) : new Set<string>();

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragging(undefined);
    const moving = byName.get(String(active.id));
    if (!moving || !over || over.id === active.id) return;
    const parent = over.id === TOP ? undefined : String(over.id);
    const next = reparented(moving.item, parent);
    if (next === moving.item) return;
    save.mutate({ apiName: moving.item.apiName, item: next, etag: moving.etag });
  };
  const remove = async ({ item, etag }: Tagged<Role>) => {
    setDeleteError(undefined);
    try {
      await deleteItem('roles', item.apiName, etag);
    } catch (e) {
      setDeleteError(e);
    }
    await changed();
  };

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
          {t('studio.security.roles.help')}
        </Typography.Paragraph>
        <Button icon={<PlusOutlined />} onClick={() => setDialog({})}>
          {t('studio.security.roles.new')}
        </Button>
      </Space>
      <ProblemAlert error={save.error ?? deleteError} />
      {save.isSuccess && !save.isPending && (
        <Alert
          type="success"
          showIcon
          role="status"
          style={{ marginBottom: 12 }}
          title={t('studio.security.savedToDraft')}
        />
      )}
      <DndContext
        sensors={sensors}
        collisionDetection={closestCenter}
        onDragStart={({ active }) => setDragging(String(active.id))}
        onDragCancel={() => setDragging(undefined)}
        onDragEnd={onDragEnd}
        accessibility={{
          screenReaderInstructions: { draggable: t('studio.security.roles.dragInstructions') },
          announcements: {
            onDragStart: ({ active }) => t('studio.security.roles.picked', { role: nameOf(active.id) }),
            onDragOver: ({ active, over }) =>
              over && over.id !== active.id
                ? t('studio.security.roles.over', { role: nameOf(active.id), target: nameOf(over.id) })
                : undefined,
            onDragEnd: ({ active, over }) =>
              over && over.id !== active.id
                ? over.id === TOP
                  ? t('studio.security.roles.droppedTop', { role: nameOf(active.id) })
                  : t('studio.security.roles.dropped', { role: nameOf(active.id), target: nameOf(over.id) })
                : t('studio.security.roles.stayed', { role: nameOf(active.id) }),
            onDragCancel: ({ active }) => t('studio.security.roles.cancelled', { role: nameOf(active.id) }),
          },
        }}
      >
        <TopTarget disabled={!dragging} />
        <ul
          data-testid="role-tree"
          aria-label={t('studio.security.tabs.roles')}
          style={{ listStyle: 'none', padding: 0, margin: 0 }}
        >
          {rows.map((node) => (
            <RoleRow
              key={node.role.apiName}
              node={node}
              name={nameOf(node.role.apiName)}
              parentName={node.role.parent ? nameOf(node.role.parent) : undefined}
              disabled={blocked.has(node.role.apiName) && node.role.apiName !== dragging}
              onRename={() => setDialog({ editing: byName.get(node.role.apiName) })}
              onDelete={() => void remove(byName.get(node.role.apiName)!)}
            />
          ))}
        </ul>
      </DndContext>
      {dialog && <RoleDialog editing={dialog.editing} roles={all} onClose={() => setDialog(undefined)} />}
    </>
  );
}

function TopTarget({ disabled }: { disabled: boolean }) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: TOP, disabled });
  return (
    <div
      ref={setNodeRef}
      data-testid="role-top"
      style={{
        padding: '6px 12px',
        marginBottom: 4,
        border: `1px dashed ${isOver ? '#1677ff' : '#bfbfbf'}`,
        borderRadius: 6,
        color: '#595959',
      }}
    >
      <ApartmentOutlined /> {t('studio.security.roles.top')}
    </div>
  );
}

interface RowProps {
  node: RoleNode;
  name: string;
  parentName?: string;
  /** Cannot take the role being dragged (it is the role itself or below it). */
  disabled: boolean;
  onRename: () => void;
  onDelete: () => void;
}

function RoleRow({ node, name, parentName, disabled, onRename, onDelete }: RowProps) {
  const { t } = useTranslation();
  const id = node.role.apiName;
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, isDragging } = useDraggable({ id });
  const { setNodeRef: setDropRef, isOver } = useDroppable({ id, disabled });
  const hasChildren = node.children.length > 0;
  return (
    <li
      ref={(el) => {
        setNodeRef(el);
        setDropRef(el);
      }}
      data-testid="role-row"
      data-role={id}
      data-parent={node.role.parent ?? ''}
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        padding: '4px 8px',
        paddingInlineStart: 8 + node.depth * 28,
        borderRadius: 6,
        background: isOver ? '#e6f4ff' : isDragging ? '#fafafa' : undefined,
        outline: isOver ? '1px solid #1677ff' : undefined,
        transform: CSS.Translate.toString(transform),
        position: 'relative',
        zIndex: isDragging ? 1 : undefined,
      }}
    >
      <Button
        type="text"
        size="small"
        icon={<HolderOutlined />}
        ref={setActivatorNodeRef}
        {...attributes}
        {...listeners}
        aria-label={t('studio.security.roles.drag', { role: name })}
        style={{ cursor: 'grab' }}
      />
      <span style={{ flex: 1 }}>
        <strong>{name}</strong> <code style={{ color: '#595959' }}>{id}</code>
        {parentName && (
          <Typography.Text type="secondary" className="tessera-hide-xs">
            {' '}
            {t('studio.security.roles.under', { parent: parentName })}
          </Typography.Text>
        )}
      </span>
      <Button
        size="small"
        type="text"
        icon={<EditOutlined />}
        onClick={onRename}
        aria-label={t('studio.security.roles.renameOf', { role: name })}
      />
      <Popconfirm
        title={t('studio.security.roles.confirmDelete', { role: name })}
        okText={t('common.delete')}
        cancelText={t('common.cancel')}
        onConfirm={onDelete}
        disabled={hasChildren}
      >
        <Button
          size="small"
          type="text"
          danger
          icon={<DeleteOutlined />}
          disabled={hasChildren}
          title={hasChildren ? t('studio.security.roles.hasChildren') : undefined}
          aria-label={t('studio.security.roles.deleteOf', { role: name })}
        />
      </Popconfirm>
    </li>
  );
}
