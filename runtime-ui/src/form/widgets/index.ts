import type { RegistryFieldsType, RegistryWidgetsType } from '@rjsf/utils';
import { AddressField } from './AddressField';
import { CurrencyField } from './CurrencyField';
import { DateTimeWidget } from './DateTimeWidget';
import { DateWidget } from './DateWidget';
import { JsonField } from './JsonField';
import { LookupWidget } from './LookupWidget';
import { MultiPicklistWidget } from './MultiPicklistWidget';
import { NumberWidget } from './NumberWidget';
import { PicklistWidget } from './PicklistWidget';
import { ReadonlyValueField } from './ReadonlyValueField';
import { RichTextWidget } from './RichTextWidget';
import { TimeWidget } from './TimeWidget';

/** The widget ids FIELD_UI names (fields/field-ui.ts), beside rjsf's own (text, textarea, email, uri, checkbox). */
export const widgets: RegistryWidgetsType = {
  picklist: PicklistWidget,
  multipicklist: MultiPicklistWidget,
  lookup: LookupWidget,
  tesseraDate: DateWidget,
  tesseraDateTime: DateTimeWidget,
  tesseraTime: TimeWidget,
  tesseraNumber: NumberWidget,
  richtext: RichTextWidget,
};

export const fields: RegistryFieldsType = {
  currency: CurrencyField,
  address: AddressField,
  json: JsonField,
  readonlyValue: ReadonlyValueField,
};
