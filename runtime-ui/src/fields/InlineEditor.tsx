import { useTranslation } from 'react-i18next';
import type { FieldMeta } from '../api/metadata.api';
import { labelOf } from '../i18n/label';
import { FIELD_UI } from './field-ui';

interface Props {
  field: FieldMeta;
  value: unknown;
  onChange: (value: unknown) => void;
  onCommit: () => void;
  onCancel: () => void;
}

/** A one-field editor for table cells and mass update, for the types that have one (FIELD_UI.InlineEditor). */
export function InlineEditor({ field, value, onChange, onCommit, onCancel }: Props) {
  const { i18n } = useTranslation();
  const Editor = FIELD_UI[field.type].InlineEditor;
  if (!Editor) return null;
  const keys = (e: React.KeyboardEvent) => {
    if (e.key === 'Escape') onCancel();
    if (e.key === 'Enter') onCommit();
  };
  return (
    <Editor
      field={field}
      value={value}
      onChange={onChange}
      onKeyDown={keys}
      label={labelOf(field.label, i18n.language)}
    />
  );
}
