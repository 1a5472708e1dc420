import DOMPurify from 'dompurify';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { FieldMeta } from '../api/metadata.api';
import { picklistLabel, valueText } from './format';
import { PicklistTag } from './PicklistTag';

/**
 * A value as a person reads it: picklists as coloured tags, lookups as links to the record,
 * rich text sanitised (it is stored as written; scripts and handlers are stripped here).
 */
export function FieldValue({
  field,
  value,
  record,
}: {
  field: FieldMeta;
  value: unknown;
  record?: Record<string, unknown>;
}) {
  const { i18n } = useTranslation();
  const lng = i18n.language;
  if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0))
    return null;
  switch (field.type) {
    case 'picklist': {
      const color = field.values?.find((v) => v.value === value)?.color;
      return <PicklistTag color={color}>{picklistLabel(field, String(value), lng)}</PicklistTag>;
    }
    case 'multipicklist':
      return (
        <>
          {(value as string[]).map((v) => (
            <PicklistTag key={v} color={field.values?.find((x) => x.value === v)?.color}>
              {picklistLabel(field, v, lng)}
            </PicklistTag>
          ))}
        </>
      );
    case 'lookup':
    case 'masterDetail': {
      const id = typeof value === 'object' ? (value as { id: string }).id : String(value);
      return (
        <Link to={`/o/${field.target}/${id}`} className="tessera-wrap">
          {valueText(field, value, lng)}
        </Link>
      );
    }
    case 'email':
      return (
        <a href={`mailto:${String(value)}`} className="tessera-wrap">
          {String(value)}
        </a>
      );
    case 'url': {
      const href = String(value);
      // Only web links are clickable: a javascript: URL stays text.
      return /^https?:\/\//i.test(href) ? (
        <a href={href} target="_blank" rel="noopener noreferrer" className="tessera-wrap">
          {href}
        </a>
      ) : (
        <span className="tessera-wrap">{href}</span>
      );
    }
    case 'phone':
      return <a href={`tel:${String(value)}`}>{String(value)}</a>;
    case 'richtext':
      return <div className="tessera-wrap" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(String(value)) }} />;
    case 'textarea':
      return (
        <span className="tessera-wrap" style={{ whiteSpace: 'pre-wrap' }}>
          {String(value)}
        </span>
      );
    default:
      return <span className="tessera-wrap">{valueText(field, value, lng, record)}</span>;
  }
}
