import { PlusOutlined } from '@ant-design/icons';
import {
  closestCenter,
  DndContext,
  KeyboardSensor,
  PointerSensor,
  pointerWithin,
  useSensor,
  useSensors,
  type Active,
  type CollisionDetection,
  type DragEndEvent,
  type Over,
} from '@dnd-kit/core';
import { SortableContext, sortableKeyboardCoordinates, verticalListSortingStrategy } from '@dnd-kit/sortable';
import { labelOf } from '@tessera/runtime-ui/i18n/label';
import { Button, Card, Col, Row, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { DropZone } from './DropZone';
import { FieldChip } from './FieldChip';
import {
  addSection,
  deleteSection,
  errorsUnder,
  HIGHLIGHTS,
  MAX_HIGHLIGHTS,
  moveField,
  moveSection,
  PALETTE,
  paletteFields,
  parseDragId,
  removeField,
  sectionItem,
  sectionKey,
  setHighlights,
  updateSection,
  type Container,
} from './layout-draft';
import type { LayoutDef } from './layouts.api';
import { SectionCard } from './SectionCard';

/**
 * A new section's id, given at once so drags can name it before the engine stores it (it keeps
 * ids it is given). Not crypto.randomUUID: that exists only in secure contexts (https, localhost).
 */
const newSectionId = () => `sec_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

interface Props {
  object: string;
  /** The object's fields in the draft, in order, with their labels. */
  fields: { apiName: string; label: string }[];
  layout: LayoutDef;
  onChange: (layout: LayoutDef) => void;
  onRules: (field: string) => void;
  errors: { field: string; message: string }[] | undefined;
}

/**
 * The drag-and-drop board: the palette of fields no section places, the highlights, and the
 * sections. Pointer and keyboard both drag (KeyboardSensor with sortable coordinates), and every
 * step is announced to screen readers in the studio's language.
 */
export function BuilderBoard({ object, fields, layout, onChange, onRules, errors }: Props) {
  const { t, i18n } = useTranslation();
  const sensors = useSensors(
    useSensor(PointerSensor),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );
  const labels = new Map(fields.map((f) => [f.apiName, f.label]));
  const fieldLabel = (name: string) => labels.get(name) ?? name;
  const palette = paletteFields(
    fields.map((f) => f.apiName),
    layout,
  );
  const highlights = layout.highlights ?? [];
  const keys = layout.sections.map(sectionKey);
  const sectionName = (key: string) => {
    const i = keys.indexOf(key);
    const s = layout.sections[i];
    return s?.label ? labelOf(s.label, i18n.language) : t('studio.layouts.untitled', { n: i + 1 });
  };
  const containerName = (c: Container) =>
    c === PALETTE ? t('studio.layouts.palette') : c === HIGHLIGHTS ? t('studio.layouts.highlights') : sectionName(c);
  const listOf = (c: Container) =>
    c === PALETTE ? palette : c === HIGHLIGHTS ? highlights : (layout.sections[keys.indexOf(c)]?.fields ?? []);
  const ruled = (f: string) => layout.fieldRules?.[f] !== undefined;

  // What a drag is and where it would land, in words (announcements).
  const itemName = (a: Active | Over) => {
    const ref = parseDragId(a.id);
    if (ref?.kind === 'field') return t('studio.layouts.fieldNamed', { field: fieldLabel(ref.field) });
    if (ref?.kind === 'section') return t('studio.layouts.sectionNamed', { section: sectionName(ref.key) });
    return '';
  };
  const place = (over: Over) => {
    const ref = parseDragId(over.id);
    if (ref?.kind === 'field') {
      const list = listOf(ref.container);
      return t('studio.layouts.placeAt', {
        container: containerName(ref.container),
        position: list.indexOf(ref.field) + 1,
        count: list.length,
      });
    }
    if (ref?.kind === 'zone') return t('studio.layouts.placeEnd', { container: containerName(ref.container) });
    if (ref?.kind === 'section')
      return t('studio.layouts.placeSection', { position: keys.indexOf(ref.key) + 1, count: keys.length });
    return '';
  };

  // A field lands on fields and zones, a section on sections. With a pointer: a chip under it, else
  // in its own list the nearest chip (reordering, as a sortable list does), else the list it is
  // over (dropped at the end). Without one (keyboard), the nearest target.
  const collisions: CollisionDetection = (args) => {
    const active = parseDragId(args.active.id);
    const droppableContainers = args.droppableContainers.filter((c) => {
      const kind = parseDragId(c.id)?.kind;
      return active?.kind === 'section' ? kind === 'section' : kind !== 'section';
    });
    if (active?.kind !== 'field') return closestCenter({ ...args, droppableContainers });
    const within = pointerWithin({ ...args, droppableContainers }).filter((c) => c.id !== args.active.id);
    const onField = within.filter((c) => parseDragId(c.id)?.kind === 'field');
    if (onField.length) return onField;
    const zone = within.find((c) => parseDragId(c.id)?.kind === 'zone');
    if (zone) {
      const container = (parseDragId(zone.id) as { container: Container }).container;
      if (container !== active.container) return [zone];
      const own = droppableContainers.filter((c) => {
        const ref = parseDragId(c.id);
        return ref?.kind === 'field' && ref.container === container;
      });
      return closestCenter({ ...args, droppableContainers: own });
    }
    return closestCenter({ ...args, droppableContainers });
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = parseDragId(active.id);
    const to = parseDragId(over.id);
    if (!from || !to) return;
    if (from.kind === 'section' && to.kind === 'section')
      return onChange(moveSection(layout, from.key, keys.indexOf(to.key)));
    if (from.kind !== 'field' || to.kind === 'section') return;
    const index = to.kind === 'field' ? listOf(to.container).indexOf(to.field) : undefined;
    onChange(moveField(layout, from.field, from.container, to.container, index));
  };

  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisions}
      onDragEnd={onDragEnd}
      accessibility={{
        screenReaderInstructions: { draggable: t('studio.layouts.dragInstructions') },
        announcements: {
          onDragStart: ({ active }) => t('studio.layouts.picked', { item: itemName(active) }),
          onDragOver: ({ active, over }) =>
            over && over.id !== active.id
              ? t('studio.layouts.over', { item: itemName(active), place: place(over) })
              : undefined,
          onDragEnd: ({ active, over }) =>
            over
              ? t('studio.layouts.dropped', { item: itemName(active), place: place(over) })
              : t('studio.layouts.droppedNowhere', { item: itemName(active) }),
          onDragCancel: ({ active }) => t('studio.layouts.cancelled', { item: itemName(active) }),
        },
      }}
    >
      <Row gutter={12}>
        <Col xs={24} md={8}>
          <Card size="small" title={t('studio.layouts.palette')} style={{ marginBottom: 12 }}>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t('studio.layouts.paletteHelp')}
            </Typography.Paragraph>
            <DropZone
              container={PALETTE}
              fields={palette}
              columns={1}
              label={t('studio.layouts.palette')}
              testId="palette"
            >
              {palette.map((f) => (
                <FieldChip key={f} container={PALETTE} field={f} label={fieldLabel(f)} />
              ))}
            </DropZone>
          </Card>
        </Col>
        <Col xs={24} md={16}>
          <Card
            size="small"
            title={t('studio.layouts.highlightsCount', { count: highlights.length, max: MAX_HIGHLIGHTS })}
            style={{ marginBottom: 12 }}
          >
            <DropZone
              container={HIGHLIGHTS}
              fields={highlights}
              columns={2}
              label={t('studio.layouts.highlights')}
              testId="highlights"
            >
              {highlights.map((f) => (
                <FieldChip
                  key={f}
                  container={HIGHLIGHTS}
                  field={f}
                  label={fieldLabel(f)}
                  onRemove={() =>
                    onChange(
                      setHighlights(
                        layout,
                        highlights.filter((h) => h !== f),
                      ),
                    )
                  }
                />
              ))}
            </DropZone>
          </Card>
          <SortableContext items={keys.map(sectionItem)} strategy={verticalListSortingStrategy}>
            {layout.sections.map((s, i) => (
              <SectionCard
                key={keys[i]}
                object={object}
                sectionKey={keys[i]!}
                section={s}
                index={i}
                name={sectionName(keys[i]!)}
                fieldLabel={fieldLabel}
                ruled={ruled}
                errors={errorsUnder(errors, `/sections/${i}`)}
                onChange={(change) => onChange(updateSection(layout, keys[i]!, change))}
                onDelete={() => onChange(deleteSection(layout, keys[i]!))}
                onRules={onRules}
                onRemoveField={(f) => onChange(removeField(layout, f))}
              />
            ))}
          </SortableContext>
          <Button
            icon={<PlusOutlined />}
            data-testid="add-section"
            onClick={() => onChange(addSection(layout, newSectionId()))}
          >
            {t('studio.layouts.addSection')}
          </Button>
        </Col>
      </Row>
    </DndContext>
  );
}
