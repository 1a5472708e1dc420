import DOMPurify from 'dompurify';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { DisplayProps } from './field-ui';
import { picklistLabel } from './format';
import { moneyText } from './money';
import { PicklistTag } from './PicklistTag';
import { useCorporateCurrency } from './use-corporate-currency';

/** How values are shown where a component can draw them; field-ui.ts gives each type its own. */

export function TextDisplay({ text }: DisplayProps) {
  return <span className="tessera-wrap">{text}</span>;
}

/** Line breaks kept. */
export function MultilineDisplay({ text }: DisplayProps) {
  return (
    <span className="tessera-wrap" style={{ whiteSpace: 'pre-wrap' }}>
      {text}
    </span>
  );
}

/** Rich text is stored as written; scripts and handlers are stripped here. */
export function RichTextDisplay({ value }: DisplayProps) {
  return <div className="tessera-wrap" dangerouslySetInnerHTML={{ __html: DOMPurify.sanitize(String(value)) }} />;
}

export function EmailDisplay({ value }: DisplayProps) {
  return (
    <a href={`mailto:${String(value)}`} className="tessera-wrap">
      {String(value)}
    </a>
  );
}

export function PhoneDisplay({ value }: DisplayProps) {
  return <a href={`tel:${String(value)}`}>{String(value)}</a>;
}

/** Only web links are clickable: a javascript: URL stays text. */
export function UrlDisplay({ value }: DisplayProps) {
  const href = String(value);
  return /^https?:\/\//i.test(href) ? (
    <a href={href} target="_blank" rel="noopener noreferrer" className="tessera-wrap">
      {href}
    </a>
  ) : (
    <span className="tessera-wrap">{href}</span>
  );
}

/** A lookup as a link to the record it points to, named by it when the list joined its name. */
export function LookupDisplay({ field, value, text }: DisplayProps) {
  const id = typeof value === 'string' ? value : (value as { id: string }).id;
  return (
    <Link to={`/o/${field.target}/${id}`} className="tessera-wrap">
      {text}
    </Link>
  );
}

export function PicklistDisplay({ field, value }: DisplayProps) {
  const { i18n } = useTranslation();
  const color = field.values?.find((v) => v.value === value)?.color;
  return <PicklistTag color={color}>{picklistLabel(field, String(value), i18n.language)}</PicklistTag>;
}

export function MultiPicklistDisplay({ field, value }: DisplayProps) {
  const { i18n } = useTranslation();
  return (
    <>
      {(value as string[]).map((v) => (
        <PicklistTag key={v} color={field.values?.find((x) => x.value === v)?.color}>
          {picklistLabel(field, v, i18n.language)}
        </PicklistTag>
      ))}
    </>
  );
}

/** An amount in its currency; a computed one is in the corporate currency, which this looks up. */
export function MoneyDisplay({ field, value, record }: DisplayProps) {
  const { i18n } = useTranslation();
  const corporate = useCorporateCurrency();
  return <span className="tessera-wrap">{moneyText(value, { field, lng: i18n.language, record, corporate })}</span>;
}
