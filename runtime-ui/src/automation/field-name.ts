import { labelOf } from '../i18n/label';
import type { MetadataIndex } from '../metadata/metadata-index';

/** A field a run names, by its label: `owner_id` (no field of its own) as the given word, one not in metadata by its API name. */
export function fieldName(meta: MetadataIndex, object: string, name: string, lng: string, owner: string): string {
  if (name === 'owner_id') return owner;
  return labelOf(meta.field(object, name)?.label, lng, name);
}
