import type { WidgetProps } from '@rjsf/utils';
import { LookupSelect } from '../../fields/LookupSelect';
import { fieldMetaOf } from './field-meta';

/** A reference to another record, found by typing part of its name. */
export function LookupWidget({ id, value, onChange, disabled, readonly, options, rawErrors, label }: WidgetProps) {
  const field = fieldMetaOf(options);
  return (
    <LookupSelect
      id={id}
      ariaLabel={label}
      target={field.target!}
      value={value as string | undefined}
      onChange={(v) => onChange(v ?? undefined)}
      disabled={disabled || readonly}
      status={rawErrors?.length ? 'error' : undefined}
    />
  );
}
