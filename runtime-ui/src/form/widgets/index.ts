import type { RegistryFieldsType, RegistryWidgetsType } from '@rjsf/utils';
import { AddressField } from './AddressField';
import { CurrencyField } from './CurrencyField';
import { DateTimeWidget } from './DateTimeWidget';
import { DateWidget } from './DateWidget';
import { JsonWidget } from './JsonWidget';
import { LookupWidget } from './LookupWidget';
import { MultiPicklistWidget } from './MultiPicklistWidget';
import { NumberWidget } from './NumberWidget';
import { PicklistWidget } from './PicklistWidget';
import { ReadonlyValueWidget } from './ReadonlyValueWidget';
import { RichTextWidget } from './RichTextWidget';
import { TimeWidget } from './TimeWidget';

/** The widget ids FIELD_UI names (fields/field-ui.ts), beside rjsf's own (text, textarea, email, url, checkbox). */
export const widgets: RegistryWidgetsType = {
  picklist: PicklistWidget,
  multipicklist: MultiPicklistWidget,
  lookup: LookupWidget,
  tesseraDate: DateWidget,
  tesseraDateTime: DateTimeWidget,
  tesseraTime: TimeWidget,
  tesseraNumber: NumberWidget,
  richtext: RichTextWidget,
  json: JsonWidget,
  readonlyValue: ReadonlyValueWidget,
};

export const fields: RegistryFieldsType = {
  currency: CurrencyField,
  address: AddressField,
};
