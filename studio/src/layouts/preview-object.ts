import type { FieldMeta, LayoutMeta, ObjectMeta, WidgetId } from '@tessera/runtime-ui/api/metadata.api';
import type { DraftObject, FieldTypeEntry } from '../api/studio.api';
import type { LayoutDef, RoleFieldAccess } from './layouts.api';

/**
 * The draft object and layout in the shapes the runtime UI's renderers take (what GET
 * /meta/runtime would answer once published), with a role's field access applied: fields its
 * users may not read are gone, those they may not edit are read-only — as MetadataIndex does for
 * a signed-in user.
 */
export function previewObject(
  object: DraftObject,
  types: readonly FieldTypeEntry[],
  access?: Pick<RoleFieldAccess, 'fields'>,
): ObjectMeta {
  const byType = new Map(types.map((t) => [t.type, t]));
  const fields: FieldMeta[] = object.fields.flatMap((f) => {
    const type = byType.get(f.type);
    const grant = access?.fields[f.apiName];
    if (access && !grant?.read) return [];
    return [
      {
        ...(f as unknown as FieldMeta),
        id: f.id ?? f.apiName,
        operators: [],
        sortable: false,
        widget: (type?.widget ?? 'text') as WidgetId,
        readOnly: !!type?.readOnly || (access !== undefined && !grant?.edit),
      },
    ];
  });
  return {
    id: object.id ?? object.apiName,
    apiName: object.apiName,
    label: object.label,
    pluralLabel: object.pluralLabel,
    nameField: object.nameField,
    fields,
  };
}

export function previewLayout(layout: LayoutDef): LayoutMeta {
  return {
    ...layout,
    id: layout.id ?? layout.apiName,
    sections: layout.sections.map((s, i) => ({ ...s, id: s.id ?? `section-${i}` })),
    relatedLists: layout.relatedLists?.map((r, i) => ({ ...r, id: r.id ?? `related-${i}` })),
  };
}
