import type { FieldMeta, ObjectMeta } from '@tessera/runtime-ui/api/metadata.api';
import type { DraftObject } from '../api/studio.api';

/**
 * What the view, board and dashboard editors offer: the DRAFT's fields, since a view or widget is
 * saved to the draft and published with the fields it names. The live previews still read
 * published data, so each field says whether it exists only in the draft (`draftOnly`): a preview
 * leaves such a choice out and says it shows after publishing, instead of asking the records API
 * for a field it does not know.
 */
export interface EditorField extends FieldMeta {
  draftOnly: boolean;
}

/**
 * The draft object's fields in its order. A published field keeps the runtime's facts (operators,
 * sortable) with the draft's label and values; a field only in the draft is sortable when a
 * published field of its type is (sorting is a fact of the type, which the draft does not carry)
 * and it is not encrypted. Without a draft copy (still loading) the published fields are offered.
 */
export function editorFields(
  draft: DraftObject | undefined,
  published: ObjectMeta | undefined,
  allPublished: readonly ObjectMeta[],
): EditorField[] {
  if (!draft) return (published?.fields ?? []).map((f) => ({ ...f, draftOnly: false }));
  const sortableTypes = new Set(
    allPublished.flatMap((o) => o.fields.filter((f) => f.sortable).map((f) => f.returnType ?? f.type)),
  );
  const live = new Map((published?.fields ?? []).map((f) => [f.apiName, f]));
  return draft.fields.map((d): EditorField => {
    const p = live.get(d.apiName);
    if (p) return { ...p, label: d.label, ...(d.values ? { values: d.values } : {}), draftOnly: false };
    const f = d as unknown as FieldMeta;
    return {
      ...f,
      id: d.id ?? d.apiName,
      operators: [],
      sortable: d.encrypted !== true && sortableTypes.has(f.returnType ?? d.type),
      readOnly: true,
      widget: 'text',
      draftOnly: true,
    };
  });
}

/**
 * The columns a view may show: the own fields a list can show (`isColumn`), in the draft's order,
 * then the published one-step lookup columns (`account.name`), which only a published lookup has.
 */
export function columnChoices(
  fields: readonly EditorField[],
  through: readonly string[],
  isColumn: (f: EditorField) => boolean,
): string[] {
  const own = fields.filter(isColumn).map((f) => f.apiName);
  const owned = new Set(own);
  return [...own, ...through.filter((c) => c.includes('.') && !owned.has(c))];
}

/** Of the names (columns, sort keys, `sum:amount`-style references cut to their field), those only in the draft. */
export function draftOnlyNames(names: readonly (string | undefined)[], fields: readonly EditorField[]): string[] {
  const drafted = new Set(fields.filter((f) => f.draftOnly).map((f) => f.apiName));
  const out: string[] = [];
  for (const name of names) {
    const head = name?.split('.')[0];
    if (head && drafted.has(head) && !out.includes(head)) out.push(head);
  }
  return out;
}

/** The sort the preview can ask for: the view's, without keys on fields only in the draft. */
export function previewSort(sort: string | undefined, draftOnly: readonly string[]): string | undefined {
  const keys = (sort ?? '').split(',').filter((k) => k && !draftOnly.includes(k.replace(/^-/, '')));
  return keys.length ? keys.join(',') : undefined;
}
