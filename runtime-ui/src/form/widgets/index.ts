import type { FieldProps, RegistryFieldsType, RegistryWidgetsType, UiSchema, WidgetProps } from '@rjsf/utils';
import type { ComponentType } from 'react';
import type { WidgetId } from '../../api/metadata.api';
import { AddressField } from './AddressField';
import { CurrencyField } from './CurrencyField';
import { DateTimeWidget } from './DateTimeWidget';
import { DateWidget } from './DateWidget';
import { JsonField } from './JsonField';
import { LookupWidget } from './LookupWidget';
import { MultiPicklistWidget } from './MultiPicklistWidget';
import { NumberWidget, PercentWidget } from './NumberWidget';
import { PicklistWidget } from './PicklistWidget';
import { ReadonlyValueField } from './ReadonlyValueField';
import { RichTextWidget } from './RichTextWidget';
import { TimeWidget } from './TimeWidget';

/** How the form draws one engine widget: rjsf's own widget, ours as an rjsf widget or field, or (none) the schema as it is. */
interface FormControl {
  rjsf?: 'textarea' | 'email' | 'uri' | 'checkbox';
  widget?: ComponentType<WidgetProps>;
  field?: ComponentType<FieldProps>;
}

/**
 * The record form's control for each widget the engine names per field (FieldTypeDef.widget,
 * sent as FieldMeta.widget). A Record over the engine's widget ids: one the engine adds fails to
 * compile here until it is drawn. Ours are registered with rjsf under the engine's ids.
 */
const CONTROLS: Record<WidgetId, FormControl> = {
  text: {},
  textarea: { rjsf: 'textarea' },
  richtext: { widget: RichTextWidget },
  email: { rjsf: 'email' },
  phone: {},
  url: { rjsf: 'uri' },
  integer: { widget: NumberWidget },
  number: { widget: NumberWidget },
  currency: { field: CurrencyField },
  percent: { widget: PercentWidget },
  checkbox: { rjsf: 'checkbox' },
  date: { widget: DateWidget },
  datetime: { widget: DateTimeWidget },
  time: { widget: TimeWidget },
  picklist: { widget: PicklistWidget },
  multipicklist: { widget: MultiPicklistWidget },
  lookup: { widget: LookupWidget },
  readonly: { field: ReadonlyValueField },
  json: { field: JsonField },
  address: { field: AddressField },
  // two numbers, which rjsf draws from the schema
  geolocation: {},
};

const registered = <T>(kind: 'widget' | 'field') =>
  Object.fromEntries(
    Object.entries(CONTROLS).flatMap(([id, control]) => (control[kind] ? [[id, control[kind] as T]] : [])),
  );

export const widgets: RegistryWidgetsType = registered<ComponentType<WidgetProps>>('widget');
export const fields: RegistryFieldsType = registered<ComponentType<FieldProps>>('field');

/** The uiSchema entries that draw a field with the widget the engine named for it. */
export function controlOf(widget: WidgetId): UiSchema {
  const control = CONTROLS[widget];
  if (control.rjsf) return { 'ui:widget': control.rjsf };
  if (control.widget) return { 'ui:widget': widget };
  if (control.field) return { 'ui:field': widget };
  return {};
}
