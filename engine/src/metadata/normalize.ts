import { FIELD_TYPE_DEFS, fieldType } from '../fields/index.js';
import { newItemId } from '../lib/ids.js';
import type { FieldDef, LayoutDef, ListViewDef, ObjectDef } from './types.js';

/**
 * Gives every item of a submitted definition its stable id. Items that already exist keep theirs:
 * a PUT without field ids matches fields by apiName, so only a deliberate rename (same id, new
 * apiName) renames a column. Runs before validation, on a copy.
 */
export function normalizeObject(input: ObjectDef, existing?: ObjectDef): ObjectDef {
  const obj: ObjectDef = structuredClone(input);
  obj.id ??= existing?.id ?? newItemId('obj');
  if (!Array.isArray(obj.fields)) return obj;
  const byName = new Map((existing?.fields ?? []).map((f) => [f.apiName, f]));
  obj.fields = obj.fields.map((field): FieldDef => {
    if (!field || typeof field !== 'object') return field;
    const f = { ...field };
    f.id ??= byName.get(f.apiName)?.id ?? newItemId('fld');
    // A master-detail child cannot exist without its parent. (The type is not checked yet.)
    if (Object.hasOwn(FIELD_TYPE_DEFS, f.type) && fieldType(f).relation?.alwaysRequired) f.required = true;
    return f;
  });
  if (Array.isArray(obj.validationRules)) {
    const rules = new Map((existing?.validationRules ?? []).map((r) => [r.apiName, r]));
    obj.validationRules = obj.validationRules.map((r) =>
      r && typeof r === 'object' ? { ...r, id: r.id ?? rules.get(r.apiName)?.id ?? newItemId('rul') } : r,
    );
  }
  if (obj.sharing && typeof obj.sharing === 'object' && Array.isArray(obj.sharing.rules)) {
    const rules = new Map((existing?.sharing?.rules ?? []).map((r) => [r.apiName, r]));
    obj.sharing.rules = obj.sharing.rules.map((r) =>
      r && typeof r === 'object' ? { ...r, id: r.id ?? rules.get(r.apiName)?.id ?? newItemId('shr') } : r,
    );
  }
  return obj;
}

export function normalizeLayout(input: LayoutDef, existing?: LayoutDef): LayoutDef {
  const layout: LayoutDef = structuredClone(input);
  layout.id ??= existing?.id ?? newItemId('lay');
  if (Array.isArray(layout.sections))
    layout.sections = layout.sections.map((s) =>
      s && typeof s === 'object' ? { ...s, id: s.id ?? newItemId('sec') } : s,
    );
  if (Array.isArray(layout.relatedLists))
    layout.relatedLists = layout.relatedLists.map((r) =>
      r && typeof r === 'object' ? { ...r, id: r.id ?? newItemId('rel') } : r,
    );
  return layout;
}

export function normalizeListView(input: ListViewDef, existing?: ListViewDef): ListViewDef {
  const view: ListViewDef = structuredClone(input);
  view.id ??= existing?.id ?? newItemId('lv');
  return view;
}
