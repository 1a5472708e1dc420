import {
  closestCenter,
  KeyboardSensor,
  PointerSensor,
  useSensor,
  useSensors,
  type Announcements,
  type DragEndEvent,
  type UniqueIdentifier,
} from '@dnd-kit/core';
import { sortableKeyboardCoordinates } from '@dnd-kit/sortable';
import { useTranslation } from 'react-i18next';

/** The i18n keys of a list's drag messages; each takes the item's name (and `target`) as `param`. */
export interface DragMessages {
  instructions: string;
  picked: string;
  over: string;
  dropped: string;
  cancelled: string;
  /** The interpolation name of the item in those messages ("value", "column", "action" …). */
  param: string;
}

interface Options {
  /** The items' ids, in order. */
  ids: readonly UniqueIdentifier[];
  /** Moves the item at `from` to `to` (arrayMove of the caller's list). */
  onMove: (from: number, to: number) => void;
  /** What a screen reader calls an item. */
  nameOf: (id: UniqueIdentifier) => string;
  messages: DragMessages;
  /** Pixels the pointer travels before a drag starts (lets clicks inside an item through). */
  distance?: number;
}

/**
 * What every sortable list of the studio gives its DndContext: pointer and keyboard sensors
 * (space, arrows, space), a drop that moves the item to where the other was, and announcements
 * by the item's name — nothing new said while it is over its own place.
 */
export function useSortableList({ ids, onMove, nameOf, messages: m, distance }: Options) {
  const { t } = useTranslation();
  const sensors = useSensors(
    useSensor(PointerSensor, distance ? { activationConstraint: { distance } } : undefined),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const say = (key: string, id: UniqueIdentifier, target?: UniqueIdentifier) =>
    t(key, { [m.param]: nameOf(id), ...(target !== undefined ? { target: nameOf(target) } : {}) });
  const announcements: Announcements = {
    onDragStart: ({ active }) => say(m.picked, active.id),
    onDragOver: ({ active, over }) => (over && over.id !== active.id ? say(m.over, active.id, over.id) : undefined),
    onDragEnd: ({ active }) => say(m.dropped, active.id),
    onDragCancel: ({ active }) => say(m.cancelled, active.id),
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    onMove(ids.indexOf(active.id), ids.indexOf(over.id));
  };
  return {
    sensors,
    collisionDetection: closestCenter,
    onDragEnd,
    accessibility: { screenReaderInstructions: { draggable: t(m.instructions) }, announcements },
  };
}
