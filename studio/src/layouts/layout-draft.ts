import type { FieldRulesDef, LayoutDef, SectionDef } from './layouts.api';

/**
 * The builder's edits of a layout, as pure functions over the layout the engine holds: what the
 * palette offers, moving a field between the palette and sections, sections and highlights, and
 * the per-field rules. Drag and drop (BuilderBoard) only translates gestures into these.
 */

export const MAX_HIGHLIGHTS = 7;
export const PALETTE = 'palette';
export const HIGHLIGHTS = 'highlights';

/** Where a field chip lives: the palette, the highlights, or a section (by its key). */
export type Container = string;

/** A section's key in the builder: its id, which the builder gives a new section at once. */
export const sectionKey = (s: SectionDef, i: number) => s.id ?? `index-${i}`;

/** Drag ids: `field|<container>|<apiName>`, `section|<key>`, `zone|<container>`. */
export const fieldItem = (container: Container, field: string) => `field|${container}|${field}`;
export const sectionItem = (key: string) => `section|${key}`;
export const zoneItem = (container: Container) => `zone|${container}`;

export type DragRef =
  | { kind: 'field'; container: Container; field: string }
  | { kind: 'section'; key: string }
  | { kind: 'zone'; container: Container };

export function parseDragId(id: string | number): DragRef | undefined {
  const [kind, a, b] = String(id).split('|');
  if (kind === 'field' && a && b) return { kind, container: a, field: b };
  if (kind === 'section' && a) return { kind, key: a };
  if (kind === 'zone' && a) return { kind, container: a };
  return undefined;
}

/** The object's fields no section places yet, in the object's order. */
export function paletteFields(fields: readonly string[], layout: LayoutDef): string[] {
  const placed = new Set(layout.sections.flatMap((s) => s.fields));
  return fields.filter((f) => !placed.has(f));
}

const withSections = (layout: LayoutDef, sections: SectionDef[]): LayoutDef => ({ ...layout, sections });

/** The field removed from its section, and its rules with it (the engine refuses rules of an unplaced field). */
export function removeField(layout: LayoutDef, field: string): LayoutDef {
  const { [field]: _gone, ...rules } = layout.fieldRules ?? {};
  const next = withSections(
    layout,
    layout.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => f !== field) })),
  );
  return Object.keys(rules).length ? { ...next, fieldRules: rules } : withoutKey(next, 'fieldRules');
}

/**
 * Moves a field to `to` at `index` (the end when undefined): into a section from the palette or
 * another section, back to the palette (unplaced), or into the highlights (a copy: the field stays
 * where it is placed; at most MAX_HIGHLIGHTS). Unchanged when the move means nothing.
 */
export function moveField(layout: LayoutDef, field: string, from: Container, to: Container, index?: number): LayoutDef {
  if (to === PALETTE) {
    if (from === HIGHLIGHTS)
      return setHighlights(
        layout,
        (layout.highlights ?? []).filter((f) => f !== field),
      );
    return from === PALETTE ? layout : removeField(layout, field);
  }
  if (to === HIGHLIGHTS) {
    const highlights = (layout.highlights ?? []).filter((f) => f !== field);
    if (from !== HIGHLIGHTS && highlights.length >= MAX_HIGHLIGHTS) return layout;
    highlights.splice(index ?? highlights.length, 0, field);
    return setHighlights(layout, highlights);
  }
  if (from === HIGHLIGHTS) return layout;
  const target = layout.sections.findIndex((s, i) => sectionKey(s, i) === to);
  if (target < 0) return layout;
  const sections = layout.sections.map((s) => ({ ...s, fields: s.fields.filter((f) => f !== field) }));
  const fields = sections[target]!.fields;
  fields.splice(Math.min(index ?? fields.length, fields.length), 0, field);
  return withSections(layout, sections);
}

export function setHighlights(layout: LayoutDef, highlights: string[]): LayoutDef {
  return highlights.length ? { ...layout, highlights } : withoutKey(layout, 'highlights');
}

export function addSection(layout: LayoutDef, id: string): LayoutDef {
  return withSections(layout, [...layout.sections, { id, columns: 2, fields: [] }]);
}

/** A section deleted: its fields go back to the palette, and their rules with them. */
export function deleteSection(layout: LayoutDef, key: string): LayoutDef {
  const i = layout.sections.findIndex((s, j) => sectionKey(s, j) === key);
  if (i < 0) return layout;
  let next = layout;
  for (const f of layout.sections[i]!.fields) next = removeField(next, f);
  return withSections(
    next,
    next.sections.filter((_, j) => j !== i),
  );
}

export function moveSection(layout: LayoutDef, key: string, toIndex: number): LayoutDef {
  const from = layout.sections.findIndex((s, j) => sectionKey(s, j) === key);
  if (from < 0 || toIndex < 0 || toIndex >= layout.sections.length || from === toIndex) return layout;
  const sections = [...layout.sections];
  const [moved] = sections.splice(from, 1);
  sections.splice(toIndex, 0, moved!);
  return withSections(layout, sections);
}

export function updateSection(layout: LayoutDef, key: string, change: Partial<SectionDef>): LayoutDef {
  return withSections(
    layout,
    layout.sections.map((s, i) => {
      if (sectionKey(s, i) !== key) return s;
      const next: SectionDef = { ...s, ...change };
      if (next.visibleWhen === undefined) delete next.visibleWhen;
      return next;
    }),
  );
}

/** Sets (or with undefined, clears) one rule of a placed field. */
export function setFieldRule(layout: LayoutDef, field: string, rule: keyof FieldRulesDef, value: unknown): LayoutDef {
  const current: FieldRulesDef = { ...(layout.fieldRules?.[field] ?? {}) };
  if (value === undefined) delete current[rule];
  else current[rule] = value;
  const { [field]: _old, ...others } = layout.fieldRules ?? {};
  const fieldRules = Object.keys(current).length ? { ...others, [field]: current } : others;
  return Object.keys(fieldRules).length ? { ...layout, fieldRules } : withoutKey(layout, 'fieldRules');
}

function withoutKey<K extends keyof LayoutDef>(layout: LayoutDef, key: K): LayoutDef {
  const copy = { ...layout };
  delete copy[key];
  return copy;
}

/** The engine's errors under a JSON pointer prefix (`/sections/1`), for the control that edits it. */
export function errorsUnder(
  errors: readonly { field: string; message: string }[] | undefined,
  prefix: string,
): string[] {
  return (errors ?? []).filter((e) => e.field === prefix || e.field.startsWith(`${prefix}/`)).map((e) => e.message);
}
