import type { FieldMeta } from '../../api/metadata.api';

/** The field's metadata, which form-schema.ts puts in every widget's ui:options. */
export const fieldMetaOf = (options: Record<string, unknown>): FieldMeta => options.fieldMeta as FieldMeta;
